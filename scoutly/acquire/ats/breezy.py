"""Breezy HR career sites' public position list (https://<company>.breezy.hr/json; a position's page is
…/p/<id>-<slug>).

Breezy's documented API (api.breezy.hr/v3) needs a token; the careers site's own `/json` is a public list of the
published positions (id, name, url, type, location {name, city, state, country, is_remote}, department, salary),
without descriptions. No reference page of Breezy's describes it: the shape here is the one it serves and that
independent readers of it agree on. A company without a careers site is redirected to Breezy's home page, which
the JSON reader refuses (not JSON).
"""

from __future__ import annotations

import re
from typing import Any

from scoutly.acquire.ats.base import (
    AtsBoard,
    UrlParts,
    expect_list,
    link,
    looks_remote,
    objects,
    optional_list,
    text_or_none,
)
from scoutly.acquire.ats.vendor import AtsVendor
from scoutly.acquire.http import Http
from scoutly.acquire.models import Listing, PostingFound, dedupe

VENDOR = "breezy"
DOMAIN = "breezy.hr"
_POSITION = re.compile(r"^([0-9a-f]{8,40})(?:-|$)")


def _detect(url: UrlParts) -> AtsBoard | None:
    company = url.subdomain_of(DOMAIN)
    return AtsBoard(VENDOR, company) if company and company not in ("developer", "help", "resources") else None


def _posting_key(url: UrlParts) -> str | None:
    """ "breezy:<id>" for https://<company>.breezy.hr/p/<id>-<slug>."""
    if _detect(url) is None or len(url.segments) < 2 or url.segments[0] != "p":
        return None
    match = _POSITION.match(url.segments[1])
    return f"{VENDOR}:{match.group(1)}" if match else None


def site(board: AtsBoard) -> str:
    return f"https://{board.token}.{DOMAIN}"


def _location(place: Any) -> tuple[str | None, bool | None]:
    if not isinstance(place, dict):
        return None, None
    parts = [place.get("city")]
    for key in ("state", "country"):
        value = place.get(key)
        parts.append(value.get("name") if isinstance(value, dict) else value)
    name = text_or_none(place.get("name")) or ", ".join(t for t in map(text_or_none, parts) if t) or None
    remote = place.get("is_remote")
    return name, remote if isinstance(remote, bool) else None


def parse(data: Any) -> list[PostingFound]:
    """Postings of a `/json` answer (a JSON list of positions)."""
    postings = []
    for position in objects(expect_list(data, "the answer as a list", VENDOR)):
        if not text_or_none(position.get("name")):
            continue
        url = link(position.get("url"), "a position's `url` as a string", VENDOR)
        key = _posting_key(UrlParts.of(url)) if url else None
        if key is None and position.get("id"):
            key = f"{VENDOR}:{position['id']}"
        if key is None:
            continue
        places = optional_list(position.get("locations"), "a position's `locations` as a list", VENDOR)
        places = places or [position.get("location")]
        found = [_location(place) for place in places]
        location = ", ".join(dict.fromkeys(name for name, _ in found if name)) or None
        flags = [flag for _, flag in found if flag is not None]
        kind = position.get("type")
        postings.append(
            PostingFound(
                key=key,
                title=text_or_none(position["name"]) or "",
                url=url,
                location=location,
                department=text_or_none(position.get("department")),
                employment_type=text_or_none(kind.get("name") if isinstance(kind, dict) else kind),
                remote=any(flags) if flags else looks_remote(location),
                source=VENDOR,
            )
        )
    return dedupe(postings)


class Breezy(AtsVendor):
    name = VENDOR

    detect = staticmethod(_detect)
    posting_key = staticmethod(_posting_key)

    async def fetch(self, http: Http, board: AtsBoard) -> Listing:
        return Listing(strategy=VENDOR, postings=parse(await http.get_json(f"{self.base(site(board))}/json")))
