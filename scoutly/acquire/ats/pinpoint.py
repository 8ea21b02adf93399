"""Pinpoint's job postings JSON endpoint (https://<company>.pinpointhq.com/postings.json; a posting's page is
…/en/postings/<uuid>).

Pinpoint's developer docs (https://developers.pinpointhq.com, "Jobs Widget Overview") name this public endpoint
for showing a careers site's roles elsewhere; its jobs widget is embedded as
`<div data-pinpoint-subdomain="<company>" class="pinpoint-external-jobs-table-widget">`, which `embedded` reads.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from scoutly.acquire.ats.base import (
    UUID,
    AtsBoard,
    UrlParts,
    joined,
    link,
    listed,
    looks_remote,
    mapping,
    optional_text,
    sections,
    text_or_none,
)
from scoutly.acquire.ats.vendor import AtsVendor
from scoutly.acquire.http import Http
from scoutly.acquire.models import Listing, PostingFound, dedupe

VENDOR = "pinpoint"
DOMAIN = "pinpointhq.com"
_SUBDOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_SECTIONS = ("description", "key_responsibilities", "skills_knowledge_expertise", "benefits")


def _detect(url: UrlParts) -> AtsBoard | None:
    company = url.subdomain_of(DOMAIN)
    return AtsBoard(VENDOR, company) if company else None


def _posting_key(url: UrlParts) -> str | None:
    """ "pinpoint:<uuid>" for …pinpointhq.com/[<locale>/]postings/<uuid>."""
    if not url.subdomain_of(DOMAIN) or "postings" not in url.segments:
        return None
    index = url.segments.index("postings")
    if len(url.segments) > index + 1 and UUID.match(url.segments[index + 1]):
        return f"{VENDOR}:{url.segments[index + 1].lower()}"
    return None


def _embedded(tree: LexborHTMLParser) -> list[AtsBoard]:
    """Boards of Pinpoint jobs widgets in a page (`data-pinpoint-subdomain`)."""
    boards = []
    for node in tree.css("[data-pinpoint-subdomain]"):
        company = (node.attributes.get("data-pinpoint-subdomain") or "").strip().lower()
        if _SUBDOMAIN.match(company):
            boards.append(AtsBoard(VENDOR, company))
    return boards


def site(board: AtsBoard) -> str:
    return f"https://{board.token}.{DOMAIN}"


def parse(data: Any) -> list[PostingFound]:
    """Postings of a `postings.json` answer (`{"data": [...]}`), keyed by the UUID of their page."""
    postings = []
    for item in listed(data, "data", VENDOR):
        if not text_or_none(item.get("title")):
            continue
        url = link(item.get("url"), "a posting's `url` as a string", VENDOR)
        key = _posting_key(UrlParts.of(url)) if url else None
        if key is None:
            continue
        place = mapping(item.get("location"))
        location = text_or_none(place.get("name")) or joined(place.get("city"), place.get("province"))
        workplace = text_or_none(item.get("workplace_type_text")) or text_or_none(item.get("workplace_type"))
        job = mapping(item.get("job"))
        department = mapping(job.get("department"))
        postings.append(
            PostingFound(
                key=key,
                title=text_or_none(item["title"]) or "",
                url=url,
                location=location,
                department=text_or_none(department.get("name")),
                employment_type=text_or_none(item.get("employment_type_text"))
                or text_or_none(item.get("employment_type")),
                remote=looks_remote(workplace, location),
                description=sections(*[(item.get(f"{name}_header"), _html(item, name)) for name in _SECTIONS]),
                source=VENDOR,
            )
        )
    return dedupe(postings)


def _html(item: dict[str, Any], name: str) -> str | None:
    return optional_text(item.get(name), f"a posting's `{name}` as a string", VENDOR)


class Pinpoint(AtsVendor):
    name = VENDOR

    detect = staticmethod(_detect)
    posting_key = staticmethod(_posting_key)

    def embedded(self, tree: LexborHTMLParser, page_url: str) -> list[AtsBoard]:
        return _embedded(tree)

    async def fetch(self, http: Http, board: AtsBoard) -> Listing:
        data = await http.get_json(f"{self.base(site(board))}/postings.json")
        return Listing(strategy=VENDOR, postings=await asyncio.to_thread(parse, data))
