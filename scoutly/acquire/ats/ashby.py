"""Ashby posting API (api.ashbyhq.com/posting-api/job-board/<org>?includeCompensation=true)."""

from __future__ import annotations

from typing import Any

from scoutly.acquire.ats.base import (
    RESERVED,
    UUID,
    AtsBoard,
    UrlParts,
    link,
    listed,
    looks_remote,
    objects,
    optional_list,
    optional_text,
    text_or_none,
)
from scoutly.acquire.ats.vendor import AtsVendor
from scoutly.acquire.http import Http
from scoutly.acquire.models import Listing, PostingFound, dedupe
from scoutly.acquire.text import cap, html_to_text, tidy

VENDOR = "ashby"
DEFAULT_API = "https://api.ashbyhq.com"
BOARD_HOST = "jobs.ashbyhq.com"


def parse(data: Any) -> list[PostingFound]:
    """Listed postings of a job-board response (`{"jobs": [...]}`, or the bare list); jobs without title or id are
    skipped."""
    jobs = listed(data, "jobs", VENDOR)
    return dedupe([_posting(job) for job in jobs if job.get("title") and job.get("id") and job.get("isListed", True)])


def _posting(job: dict[str, Any]) -> PostingFound:
    location = text_or_none(job.get("location"))
    others = objects(optional_list(job.get("secondaryLocations"), "a job's `secondaryLocations` as a list", VENDOR))
    secondary = [text_or_none(other.get("location")) for other in others]
    if secondary:
        location = ", ".join([loc for loc in [location, *secondary] if loc]) or None
    remote = job.get("isRemote")
    html = optional_text(job.get("descriptionHtml"), "a job's `descriptionHtml` as a string", VENDOR)
    description = optional_text(job.get("descriptionPlain"), "a job's `descriptionPlain` as a string", VENDOR)
    description = description or html_to_text(html)
    return PostingFound(
        key=f"{VENDOR}:{job['id']}",
        title=text_or_none(job["title"]) or "",
        url=link(job.get("jobUrl"), "a job's `jobUrl` as a string", VENDOR),
        location=location,
        department=text_or_none(job.get("department")) or text_or_none(job.get("team")),
        employment_type=text_or_none(job.get("employmentType")),
        remote=remote if isinstance(remote, bool) else looks_remote(location),
        description=cap(tidy(description)) if description else None,
        source=VENDOR,
    )


class Ashby(AtsVendor):
    """jobs.ashbyhq.com/<org> (or the API's /posting-api/job-board/<org>); a posting's key is its UUID."""

    name = VENDOR

    def detect(self, url: UrlParts) -> AtsBoard | None:
        segments = url.segments
        if url.host == BOARD_HOST and segments and segments[0].lower() not in RESERVED:
            return AtsBoard(VENDOR, segments[0])
        if url.host == "api.ashbyhq.com" and len(segments) >= 3 and segments[:2] == ["posting-api", "job-board"]:
            return AtsBoard(VENDOR, segments[2])
        return None

    def posting_key(self, url: UrlParts) -> str | None:
        if url.host == BOARD_HOST and len(url.segments) >= 2 and UUID.match(url.segments[1]):
            return f"{VENDOR}:{url.segments[1].lower()}"
        return None

    async def fetch(self, http: Http, board: AtsBoard) -> Listing:
        url = f"{self.base(DEFAULT_API)}/posting-api/job-board/{board.token}"
        data = await http.get_json(url, params={"includeCompensation": "true"})
        return Listing(strategy=VENDOR, postings=parse(data))
