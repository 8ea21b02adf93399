"""Comeet Careers API (https://www.comeet.co/careers-api/2.0/company/<uid>/positions?token=<token>&details=true).

Documented at https://developers.comeet.com/reference/careers-api-overview and the position model at
https://developers.comeet.com/reference/careers-position-model: read with the company UID and the company's public
careers token, which a careers page embedding Comeet's widget carries in its
`COMEET.init({"token": "…", "company-uid": "…"})` call (`embedded` reads it). The token stays out of logs and
errors: it is registered with `scoutly.redact` and failed requests are reported without their query.
A position's page is https://www.comeet.co/jobs/<company>/<company uid>/<slug>/<position uid> (also comeet.com).
"""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser

from scoutly.acquire.ats.base import (
    AtsBoard,
    UrlParts,
    joined,
    link,
    listed,
    looks_remote,
    mapping,
    objects,
    optional_list,
    optional_text,
    sections,
    shape_error,
    text_or_none,
)
from scoutly.acquire.ats.vendor import AtsVendor
from scoutly.acquire.http import FetchError, Http
from scoutly.acquire.models import Listing, PostingFound, dedupe
from scoutly.redact import register_secret

VENDOR = "comeet"
DEFAULT_API = "https://www.comeet.co/careers-api/2.0"
HOSTS = ("www.comeet.co", "www.comeet.com", "comeet.co", "comeet.com")
_UID = re.compile(r"^[0-9A-Fa-f]{1,6}\.[0-9A-Fa-f]{1,6}$")
_TOKEN = re.compile(r"^[0-9A-Za-z]{16,64}$")
_INIT = re.compile(r"COMEET\.init\s*\(\s*\{(?P<body>.{0,6000}?)\}\s*\)", re.DOTALL)


def _field(body: str, name: str) -> str | None:
    match = re.search(rf"""["']?{re.escape(name)}["']?\s*:\s*["']([^"']+)["']""", body)
    return match.group(1).strip() if match else None


def board(uid: str, token: str) -> AtsBoard | None:
    """The board of company `uid` read with `token`, or None when either does not look like Comeet's."""
    if not _UID.match(uid) or not _TOKEN.match(token):
        return None
    register_secret(token)
    return AtsBoard(VENDOR, uid.upper(), secret=token)


def parse(data: Any) -> list[PostingFound]:
    """Postings of a positions answer (a JSON list of positions, or `{"positions": [...]}`)."""
    postings = []
    for position in listed(data, "positions", VENDOR):
        if not text_or_none(position.get("name")) or not position.get("uid"):
            continue
        url = _url(position, "url_active_page") or _url(position, "url_comeet_hosted_page")
        place = mapping(position.get("location"))
        location = text_or_none(place.get("name")) or joined(*(place.get(k) for k in ("city", "state", "country")))
        workplace = text_or_none(position.get("workplace_type"))
        remote = True if workplace == "Remote" or place.get("is_remote") is True else None
        if workplace in ("On-site", "Hybrid"):
            remote = False
        details = sorted(
            objects(optional_list(position.get("details"), "a position's `details` as a list", VENDOR)),
            key=lambda d: _order(d.get("order")),
        )
        postings.append(
            PostingFound(
                key=f"{VENDOR}:{str(position['uid']).upper()}",
                title=text_or_none(position["name"]) or "",
                url=url,
                location=location,
                department=text_or_none(position.get("department")),
                employment_type=text_or_none(position.get("employment_type")),
                remote=remote if remote is not None else looks_remote(location),
                description=sections(*[(d.get("name"), _html(d.get("value"))) for d in details]),
                source=VENDOR,
            )
        )
    return dedupe(postings)


def _url(position: dict[str, Any], name: str) -> str | None:
    return link(position.get(name), f"a position's `{name}` as a string", VENDOR)


def _order(value: Any) -> float:
    """A detail's place (`order`), a number; 0 when missing."""
    if isinstance(value, (int, float)):
        return value
    if not value:
        return 0
    raise shape_error(VENDOR, "a detail's `order` as a number", value)


def _html(value: Any) -> str | None:
    return optional_text(value, "a detail's `value` as a string", VENDOR)


def _without_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


class Comeet(AtsVendor):
    """Comeet's URLs name the company but not its token: a board comes from the page's widget (`embedded`) or a
    hint; a position's key is its uid (…/jobs/<company>/<company uid>/<slug>/<position uid>)."""

    name = VENDOR

    def from_hint(self, token: str, careers_url: str | None) -> AtsBoard | None:
        """A board from a company's `ats_token` hint written "<company uid>:<careers token>"."""
        uid, _, secret = token.partition(":")
        return board(uid.strip(), secret.strip())

    def posting_key(self, url: UrlParts) -> str | None:
        segments = url.segments
        if url.host in HOSTS and len(segments) >= 5 and segments[0] == "jobs" and _UID.match(segments[4]):
            return f"{VENDOR}:{segments[4].upper()}"
        return None

    def embedded(self, tree: LexborHTMLParser, page_url: str) -> list[AtsBoard]:
        """Boards named by `COMEET.init({...})` calls in the page's inline scripts."""
        boards = []
        for script in tree.css("script"):
            for match in _INIT.finditer(script.text() or ""):
                uid, token = _field(match["body"], "company-uid"), _field(match["body"], "token")
                found = board(uid, token) if uid and token else None
                if found is not None:
                    boards.append(found)
        return boards

    async def fetch(self, http: Http, board: AtsBoard) -> Listing:
        """All published positions with their details (one request); the token travels only in the query."""
        if not board.secret:
            raise FetchError(f"{DEFAULT_API}/company/{board.token}/positions", "no careers token for this board")
        url = f"{self.base(DEFAULT_API)}/company/{board.token}/positions"
        try:
            data = await http.get_json(url, params={"token": board.secret, "details": "true"})
        except FetchError as exc:
            message = str(exc).split(": ", 1)[-1].replace(board.secret, "***")
            raise FetchError(_without_query(exc.url), message, status=exc.status, retryable=exc.retryable) from None
        return Listing(strategy=VENDOR, postings=await asyncio.to_thread(parse, data))
