"""Personio's public XML feed (https://<company>.jobs.personio.de/xml; a posting's page is …/job/<id>)."""

from __future__ import annotations

import re

from scoutly.acquire.ats.base import AtsBoard, UrlParts, looks_remote, parse_xml, text_or_none
from scoutly.acquire.ats.vendor import AtsVendor
from scoutly.acquire.http import Http
from scoutly.acquire.models import Listing, PostingFound, dedupe
from scoutly.acquire.text import cap, html_to_text, tidy
from scoutly.acquire.urls import canonical_url

VENDOR = "personio"
XML_TYPES = ("xml",)
_HOST = re.compile(r"[a-z0-9-]+\.jobs\.personio\.(de|com)")


def site(board: AtsBoard) -> str:
    return f"https://{board.host or board.token + '.jobs.personio.de'}"


def parse(xml_text: str, board: AtsBoard, feed_url: str | None = None) -> list[PostingFound]:
    """Postings of a `<workzag-jobs>` document. Documents with a DTD or entities, or broken XML, are refused
    (FeedFormatError)."""
    root = parse_xml(xml_text, VENDOR, feed_url)
    postings = []
    for position in root.iter("position"):
        job_id, name = text_or_none(position.findtext("id")), text_or_none(position.findtext("name"))
        if not job_id or not name:
            continue
        office = text_or_none(position.findtext("office"))
        others = [text_or_none(o.text) for o in position.iter("additionalOffice")]
        location = ", ".join(x for x in [office, *others] if x) or None
        kind = [text_or_none(position.findtext(tag)) for tag in ("employmentType", "schedule")]
        sections = []
        for description in position.iter("jobDescription"):
            heading = text_or_none(description.findtext("name")) or ""
            sections.append(f"{heading}\n{html_to_text(description.findtext('value'))}".strip())
        postings.append(
            PostingFound(
                key=f"{VENDOR}:{job_id}",
                title=name,
                url=canonical_url(f"{site(board)}/job/{job_id}"),
                location=location,
                department=text_or_none(position.findtext("department")),
                employment_type=", ".join(x for x in kind if x) or None,
                remote=looks_remote(location, name),
                description=cap(tidy("\n\n".join(sections))) or None,
                source=VENDOR,
            )
        )
    return dedupe(postings)


class Personio(AtsVendor):
    """<company>.jobs.personio.de|com; a posting's key is its id (…/job/<id>)."""

    name = VENDOR

    def detect(self, url: UrlParts) -> AtsBoard | None:
        return AtsBoard(VENDOR, url.host.split(".")[0], host=url.host) if _HOST.fullmatch(url.host) else None

    def posting_key(self, url: UrlParts) -> str | None:
        segments = url.segments
        if not url.host.endswith((".jobs.personio.de", ".jobs.personio.com")) or len(segments) < 2:
            return None
        return f"{VENDOR}:{segments[1]}" if segments[0] == "job" and segments[1].isdigit() else None

    async def fetch(self, http: Http, board: AtsBoard) -> Listing:
        page = await http.request("GET", f"{self.base(site(board))}/xml", accept=XML_TYPES)
        return Listing(strategy=VENDOR, postings=parse(page.text, board, page.url))
