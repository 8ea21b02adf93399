"""Teamtailor career sites' public RSS feed (https://<company>.teamtailor.com/jobs.rss; a job's page is
…/jobs/<id>-<slug>).

Every Teamtailor career site serves its published jobs as RSS 2.0 with Teamtailor's own elements (`remoteStatus`,
`tt:department`, `tt:locations/tt:location/{tt:name,tt:city,tt:country}`), the description as HTML. The feed
lists 100 jobs unless asked for more: it is read in pages of `per_page` from `offset`, bounded by `MAX_PAGES`.
No reference page of Teamtailor's own describes it (its documented API needs a key); the shape here is the one
the feed serves and that independent readers of it agree on.
"""

from __future__ import annotations

import asyncio
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from scoutly.acquire.ats.base import (
    AtsBoard,
    UrlParts,
    child_text,
    children,
    joined,
    link,
    parse_xml,
    sections,
    text_or_none,
)
from scoutly.acquire.ats.vendor import AtsVendor, Page, paginate
from scoutly.acquire.http import Http
from scoutly.acquire.models import Listing, PostingFound, dedupe

VENDOR = "teamtailor"
XML_TYPES = ("xml", "rss")
PAGE_SIZE = 100
MAX_PAGES = 20
_HOST = re.compile(r"^(?P<company>[a-z0-9][a-z0-9-]*)(?:\.(?:[a-z]{2}|career))?\.teamtailor\.com$")
_NOT_BOARDS = {"www", "app", "api", "support", "docs", "status", "partner", "developer", "blog"}
_JOB = re.compile(r"^(\d+)(?:-|$)")
_REMOTE = {"fully": True, "remote": True, "hybrid": False, "none": False}


def _detect(url: UrlParts) -> AtsBoard | None:
    match = _HOST.match(url.host)
    if not match or match["company"] in _NOT_BOARDS:
        return None
    return AtsBoard(VENDOR, match["company"], host=url.host)


def _job_key(url: UrlParts) -> str | None:
    """ "teamtailor:<id>" for …/[<locale>/]jobs/<id>-<slug> on any host (a feed's links may be on the company's
    own domain)."""
    if "jobs" not in url.segments:
        return None
    index = url.segments.index("jobs")
    match = _JOB.match(url.segments[index + 1]) if len(url.segments) > index + 1 else None
    return f"{VENDOR}:{match.group(1)}" if match else None


def _embedded(tree: LexborHTMLParser, page_url: str) -> list[AtsBoard]:
    """A Teamtailor career site on the company's own domain: the page loads Teamtailor's career-site assets
    (…teamtailor-cdn.com/…careersite…), so its own host serves `jobs.rss`. Teamtailor's jobs widget or images on
    some other site are not enough."""
    host = (urlsplit(page_url).hostname or "").lower()
    if not host or host.endswith(".teamtailor.com"):
        return []
    for node in tree.css("script[src], link[href]"):
        asset = urlsplit(node.attributes.get("src") or node.attributes.get("href") or "")
        if (asset.hostname or "").endswith("teamtailor-cdn.com") and "careersite" in asset.path:
            return [AtsBoard(VENDOR, host, host=host)]
    return []


def site(board: AtsBoard) -> str:
    return f"https://{board.host or board.token + '.teamtailor.com'}"


def parse(xml_text: str, feed_url: str | None = None) -> list[PostingFound]:
    """Postings of one `jobs.rss` document (FeedFormatError for a DTD, entities or broken XML)."""
    root = parse_xml(xml_text, VENDOR, feed_url)
    postings = []
    for item in children(root, "item"):
        title, url = child_text(item, "title"), link(child_text(item, "link"), "an item's link", VENDOR)
        if not title or not url:
            continue
        key = _job_key(UrlParts.of(url)) or f"{VENDOR}:{child_text(item, 'guid') or url}"
        places = [
            text_or_none(child_text(place, "name")) or joined(child_text(place, "city"), child_text(place, "country"))
            for place in children(item, "location")
        ]
        status = (child_text(item, "remoteStatus") or "").lower()
        html = _raw(item, "description")
        postings.append(
            PostingFound(
                key=key,
                title=title,
                url=url,
                location=joined(*places),
                department=child_text(item, "department"),
                remote=_REMOTE.get(status),
                description=sections((None, html[0] if html else None)),
                source=VENDOR,
            )
        )
    return dedupe(postings)


def _raw(item: ET.Element, name: str) -> list[str]:
    """Uncleaned text of `name` children (an HTML description keeps its markup)."""
    return [child.text for child in item if child.tag.rsplit("}", 1)[-1] == name and child.text]


class Teamtailor(AtsVendor):
    name = VENDOR

    detect = staticmethod(_detect)

    def posting_key(self, url: UrlParts) -> str | None:
        """The key of a job link on a Teamtailor host (see `_job_key`)."""
        return _job_key(url) if _detect(url) is not None else None

    def embedded(self, tree: LexborHTMLParser, page_url: str) -> list[AtsBoard]:
        return _embedded(tree, page_url)

    async def fetch(self, http: Http, board: AtsBoard) -> Listing:
        """Every page of the feed (until a short page, or one with nothing new), bounded by `MAX_PAGES`."""
        url = f"{self.base(site(board))}/jobs.rss"
        seen: set[str] = set()

        async def page(number: int) -> Page[int]:
            params = {"per_page": PAGE_SIZE, "offset": number * PAGE_SIZE}
            fetched = await http.request("GET", url, params=params, accept=XML_TYPES)
            found = await asyncio.to_thread(parse, fetched.text, fetched.url)
            fresh = {posting.key for posting in found} - seen
            seen.update(fresh)
            return Page(found, None if len(found) < PAGE_SIZE or not fresh else number + 1)

        return await paginate(board, page, 0, max_pages=MAX_PAGES)
