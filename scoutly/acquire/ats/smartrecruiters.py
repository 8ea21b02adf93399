"""SmartRecruiters posting API (api.smartrecruiters.com/v1/companies/<company>/postings, offset/limit pages)."""

from __future__ import annotations

from typing import Any

from scoutly.acquire.ats.base import AtsBoard, api_base, text_or_none
from scoutly.acquire.http import Http
from scoutly.acquire.models import Listing, PostingFound, dedupe
from scoutly.acquire.text import cap, html_to_text, tidy
from scoutly.acquire.urls import canonical_url

VENDOR = "smartrecruiters"
DEFAULT_API = "https://api.smartrecruiters.com"
PUBLIC_SITE = "https://jobs.smartrecruiters.com"
PAGE_SIZE = 100
MAX_POSTINGS = 2000


def parse(data: Any, company: str | None = None) -> list[PostingFound]:
    """Postings from one page `{offset, limit, totalFound, content}` or a list of pages."""
    pages = data if isinstance(data, list) else [data]
    postings = []
    for page in pages:
        for item in (page or {}).get("content") or []:
            if isinstance(item, dict) and item.get("name") and item.get("id"):
                postings.append(_posting(item, company))
    return dedupe(postings)


def _posting(item: dict, company: str | None) -> PostingFound:
    where = item.get("location") or {}
    location = (
        ", ".join(part for part in (text_or_none(where.get(k)) for k in ("city", "region", "country")) if part) or None
    )
    identifier = (item.get("company") or {}).get("identifier") or company
    url = item.get("postingUrl") or (f"{PUBLIC_SITE}/{identifier}/{item['id']}" if identifier else None)
    remote = where.get("remote")
    return PostingFound(
        key=f"{VENDOR}:{item['id']}",
        title=text_or_none(item["name"]) or "",
        url=canonical_url(url),
        location=location,
        department=text_or_none((item.get("department") or {}).get("label")),
        employment_type=text_or_none((item.get("typeOfEmployment") or {}).get("label")),
        remote=remote if isinstance(remote, bool) else None,
        source=VENDOR,
    )


async def fetch(
    http: Http, board: AtsBoard, overrides: dict[str, str] | None = None, *, max_postings: int = MAX_POSTINGS
) -> Listing:
    base = api_base(overrides, VENDOR, DEFAULT_API)
    url = f"{base}/v1/companies/{board.token}/postings"
    listing = Listing(strategy=VENDOR)
    offset = 0
    while True:
        page = await http.get_json(url, params={"offset": offset, "limit": PAGE_SIZE})
        content = (page or {}).get("content") or []
        listing.postings.extend(parse(page, board.token))
        offset += len(content)
        total = int((page or {}).get("totalFound") or 0)
        if not content or offset >= total:
            break
        if offset >= max_postings:
            listing.complete = False
            listing.errors.append(f"{board.describe()}: stopped after {offset} of {total} postings")
            break
    listing.postings = dedupe(listing.postings)
    return listing


async def describe(
    http: Http, board: AtsBoard, posting: PostingFound, overrides: dict[str, str] | None = None
) -> PostingFound:
    """Fill the description of one posting from the posting-detail answer (`jobAd.sections`)."""
    base = api_base(overrides, VENDOR, DEFAULT_API)
    posting_id = posting.key.split(":", 1)[1]
    data = await http.get_json(f"{base}/v1/companies/{board.token}/postings/{posting_id}")
    sections = ((data or {}).get("jobAd") or {}).get("sections") or {}
    parts = []
    for section in sections.values():
        if isinstance(section, dict) and section.get("text"):
            parts.append(f"{section.get('title') or ''}\n{html_to_text(section['text'])}")
    if parts:
        posting.description = cap(tidy("\n\n".join(parts)))
    return posting
