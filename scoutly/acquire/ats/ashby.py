"""Ashby posting API (api.ashbyhq.com/posting-api/job-board/<org>?includeCompensation=true)."""

from __future__ import annotations

from typing import Any

from scoutly.acquire.ats.base import AtsBoard, api_base, looks_remote, text_or_none
from scoutly.acquire.http import Http
from scoutly.acquire.models import Listing, PostingFound, dedupe
from scoutly.acquire.text import cap, html_to_text, tidy
from scoutly.acquire.urls import canonical_url

VENDOR = "ashby"
DEFAULT_API = "https://api.ashbyhq.com"


def parse(data: Any) -> list[PostingFound]:
    """Listed postings of a job-board response."""
    jobs = data.get("jobs", []) if isinstance(data, dict) else data
    listed = [job for job in jobs or [] if isinstance(job, dict) and job.get("title") and job.get("isListed", True)]
    return dedupe([_posting(job) for job in listed])


def _posting(job: dict) -> PostingFound:
    location = text_or_none(job.get("location"))
    secondary = [text_or_none(s.get("location")) for s in job.get("secondaryLocations") or [] if isinstance(s, dict)]
    if secondary:
        location = ", ".join([loc for loc in [location, *secondary] if loc]) or None
    remote = job.get("isRemote")
    description = job.get("descriptionPlain") or html_to_text(job.get("descriptionHtml"))
    return PostingFound(
        key=f"{VENDOR}:{job['id']}",
        title=text_or_none(job["title"]) or "",
        url=canonical_url(job.get("jobUrl")),
        location=location,
        department=text_or_none(job.get("department")) or text_or_none(job.get("team")),
        employment_type=text_or_none(job.get("employmentType")),
        remote=remote if isinstance(remote, bool) else looks_remote(location),
        description=cap(tidy(description)) if description else None,
        source=VENDOR,
    )


async def fetch(http: Http, board: AtsBoard, overrides: dict[str, str] | None = None) -> Listing:
    base = api_base(overrides, VENDOR, DEFAULT_API)
    data = await http.get_json(f"{base}/posting-api/job-board/{board.token}", params={"includeCompensation": "true"})
    return Listing(strategy=VENDOR, postings=parse(data))
