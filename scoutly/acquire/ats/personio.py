"""Personio's public XML feed (https://<company>.jobs.personio.de/xml; a posting's page is …/job/<id>)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from scoutly.acquire.ats.base import AtsBoard, api_base, looks_remote, text_or_none
from scoutly.acquire.http import FetchError, Http
from scoutly.acquire.models import Listing, PostingFound, dedupe
from scoutly.acquire.text import cap, html_to_text, tidy
from scoutly.acquire.urls import canonical_url

VENDOR = "personio"
XML_TYPES = ("xml",)


def site(board: AtsBoard) -> str:
    return f"https://{board.host or board.token + '.jobs.personio.de'}"


def parse(xml_text: str, board: AtsBoard) -> list[PostingFound]:
    """Postings of a `<workzag-jobs>` document. Documents with a DTD or entities are refused (ValueError)."""
    head = xml_text[:4096].upper()
    if "<!DOCTYPE" in head or "<!ENTITY" in xml_text.upper():
        raise ValueError("Personio feed with a DTD or entities refused")
    try:
        root = ET.fromstring(xml_text)
    except ET.ParseError as exc:
        raise ValueError(f"Personio feed is not valid XML ({exc})") from None
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


async def fetch(http: Http, board: AtsBoard, overrides: dict[str, str] | None = None) -> Listing:
    base = api_base(overrides, VENDOR, site(board))
    page = await http.request("GET", f"{base}/xml", accept=XML_TYPES)
    try:
        return Listing(strategy=VENDOR, postings=parse(page.text, board))
    except ValueError as exc:
        raise FetchError(page.url, str(exc)) from None
