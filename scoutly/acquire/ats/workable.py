"""Workable account API (apply.workable.com/api/v3/accounts/<account>/jobs, POST, `nextPage` token pages)."""

from __future__ import annotations

from typing import Any

from scoutly.acquire.ats.base import AtsBoard, api_base, join_names, text_or_none
from scoutly.acquire.http import Http
from scoutly.acquire.models import Listing, PostingFound, dedupe
from scoutly.acquire.text import cap, html_to_text, tidy
from scoutly.acquire.urls import canonical_url

VENDOR = "workable"
DEFAULT_API = "https://apply.workable.com"
PUBLIC_SITE = "https://apply.workable.com"
MAX_PAGES = 50
_SEARCH = {"query": "", "location": [], "department": [], "worktype": [], "remote": []}
_SECTIONS = (("requirements", "Requirements"), ("benefits", "Benefits"))
_TYPES = {"full": "Full-time", "part": "Part-time", "contract": "Contract", "temporary": "Temporary"}


def parse(data: Any, account: str) -> list[PostingFound]:
    """Published postings of a `{total, results}` (or widget `{jobs}`) answer for `account`."""
    items = (data.get("results") or data.get("jobs") or []) if isinstance(data, dict) else data
    postings = []
    for item in items or []:
        usable = isinstance(item, dict) and item.get("title") and item.get("shortcode")
        if usable and item.get("state", "published") == "published" and not item.get("isInternal"):
            postings.append(_posting(item, account))
    return dedupe(postings)


def _posting(item: dict, account: str) -> PostingFound:
    where = item.get("location") or {}
    location = (
        ", ".join(part for part in (text_or_none(where.get(k)) for k in ("city", "region", "country")) if part) or None
    )
    url = item.get("url") or f"{PUBLIC_SITE}/{account}/j/{item['shortcode']}/"
    department = item.get("department")
    remote = item.get("remote")
    kind = item.get("type")
    return PostingFound(
        key=f"{VENDOR}:{item['shortcode']}",
        title=text_or_none(item["title"]) or "",
        url=canonical_url(url),
        location=location,
        department=join_names(department) if isinstance(department, list) else text_or_none(department),
        employment_type=_TYPES.get(kind, text_or_none(kind)) if isinstance(kind, str) else None,
        remote=remote if isinstance(remote, bool) else None,
        source=VENDOR,
    )


async def fetch(http: Http, board: AtsBoard, overrides: dict[str, str] | None = None) -> Listing:
    base = api_base(overrides, VENDOR, DEFAULT_API)
    url = f"{base}/api/v3/accounts/{board.token}/jobs"
    listing = Listing(strategy=VENDOR)
    body: dict[str, Any] = dict(_SEARCH)
    for _ in range(MAX_PAGES):
        page = await http.post_json(url, body)
        listing.postings.extend(parse(page, board.token))
        token = (page or {}).get("nextPage")
        if not token:
            break
        body = {**_SEARCH, "token": token}
    else:
        listing.complete = False
        listing.errors.append(f"{board.describe()}: stopped after {MAX_PAGES} pages")
    listing.postings = dedupe(listing.postings)
    return listing


async def describe(
    http: Http, board: AtsBoard, posting: PostingFound, overrides: dict[str, str] | None = None
) -> PostingFound:
    """Fill the description from the job endpoint (description, requirements, benefits); the job page itself is a
    JavaScript app."""
    base = api_base(overrides, VENDOR, DEFAULT_API)
    shortcode = posting.key.split(":", 1)[1]
    job = await http.get_json(f"{base}/api/v2/accounts/{board.token}/jobs/{shortcode}")
    job = job if isinstance(job, dict) else {}
    parts = [job.get("description")]
    parts += [f"<h3>{title}</h3>{job[name]}" for name, title in _SECTIONS if job.get(name)]
    text = html_to_text("\n".join(part for part in parts if part))
    posting.description = cap(tidy(text)) if text else posting.description
    return posting
