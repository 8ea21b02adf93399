"""Recruitee Careers Site API (https://<company>.recruitee.com/api/offers/; an offer's page is …/o/<slug>).

Documented at https://docs.recruitee.com/reference/intro-to-careers-site-api (and the older
https://career.recruitee.com/docs): served on the careers site itself, published offers only. Recruitee announced
that from 10 February 2027 the endpoint wants an `X-Careers-Sites-Token` header; a refused request is a FetchError
and the page strategies read the board instead.
"""

from __future__ import annotations

import asyncio
from typing import Any

from scoutly.acquire.ats.base import (
    AtsBoard,
    UrlParts,
    joined,
    link,
    listed,
    looks_remote,
    optional_text,
    sections,
    text_or_none,
)
from scoutly.acquire.ats.vendor import AtsVendor
from scoutly.acquire.http import Http
from scoutly.acquire.models import Listing, PostingFound, dedupe
from scoutly.acquire.urls import canonical_url

VENDOR = "recruitee"
DOMAIN = "recruitee.com"


def _detect(url: UrlParts) -> AtsBoard | None:
    """A board on <company>.recruitee.com (careers site, offer page or the API itself)."""
    company = url.subdomain_of(DOMAIN)
    return AtsBoard(VENDOR, company) if company else None


def _posting_key(url: UrlParts) -> str | None:
    """ "recruitee:<company>/<offer slug>" for https://<company>.recruitee.com/o/<slug> (the slug is what both the
    page link and the feed's `careers_url` carry)."""
    company = url.subdomain_of(DOMAIN)
    if company and len(url.segments) >= 2 and url.segments[0] == "o":
        return f"{VENDOR}:{company}/{url.segments[1]}"
    return None


def site(board: AtsBoard) -> str:
    return f"https://{board.token}.{DOMAIN}"


def parse(data: Any, board: AtsBoard) -> list[PostingFound]:
    """Postings of an `/api/offers/` answer (`{"offers": [...]}`); offers without a title or page are skipped."""
    postings = []
    for offer in listed(data, "offers", VENDOR):
        if not text_or_none(offer.get("title")) or offer.get("status") not in (None, "published"):
            continue
        slug = offer.get("slug")
        url = link(offer.get("careers_url"), "an offer's `careers_url` as a string", VENDOR)
        url = url or (canonical_url(f"{site(board)}/o/{slug}") if slug else None)
        key = _posting_key(UrlParts.of(url)) if url else None
        if key is None and offer.get("id") is not None:
            key = f"{VENDOR}:{board.token}/{offer.get('slug') or offer['id']}"
        if key is None:
            continue
        location = text_or_none(offer.get("location")) or joined(offer.get("city"), offer.get("country"))
        remote = offer.get("remote")
        postings.append(
            PostingFound(
                key=key,
                title=text_or_none(offer["title"]) or "",
                url=url,
                location=location,
                department=text_or_none(offer.get("department")),
                employment_type=text_or_none(offer.get("employment_type_code")),
                remote=remote if isinstance(remote, bool) else looks_remote(location, text_or_none(offer["title"])),
                description=sections((None, _text(offer, "description")), (None, _text(offer, "requirements"))),
                source=VENDOR,
            )
        )
    return dedupe(postings)


def _text(offer: dict[str, Any], name: str) -> str | None:
    return optional_text(offer.get(name), f"an offer's `{name}` as a string", VENDOR)


class Recruitee(AtsVendor):
    name = VENDOR

    detect = staticmethod(_detect)
    posting_key = staticmethod(_posting_key)

    async def fetch(self, http: Http, board: AtsBoard) -> Listing:
        data = await http.get_json(f"{self.base(site(board))}/api/offers/")
        return Listing(strategy=VENDOR, postings=await asyncio.to_thread(parse, data, board))
