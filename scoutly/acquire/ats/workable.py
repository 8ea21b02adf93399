"""Workable account API (apply.workable.com/api/v3/accounts/<account>/jobs, POST, `nextPage` token pages)."""

from __future__ import annotations

from typing import Any

from scoutly.acquire.ats.base import RESERVED, AtsBoard, UrlParts, join_names, text_or_none
from scoutly.acquire.ats.vendor import AtsVendor, Page, paginate
from scoutly.acquire.http import Http
from scoutly.acquire.models import Listing, PostingFound, dedupe
from scoutly.acquire.text import cap, html_to_text, tidy
from scoutly.acquire.urls import canonical_url

VENDOR = "workable"
DEFAULT_API = "https://apply.workable.com"
PUBLIC_SITE = "https://apply.workable.com"
BOARD_HOST = "apply.workable.com"
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


def _posting(item: dict[str, Any], account: str) -> PostingFound:
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


class Workable(AtsVendor):
    """apply.workable.com/<account> (or its API's /api/…/accounts/<account>), or <account>.workable.com; a
    posting's key is its shortcode (apply.workable.com/<account>/j/<shortcode>)."""

    name = VENDOR

    def detect(self, url: UrlParts) -> AtsBoard | None:
        segments = url.segments
        first = segments[0] if segments else ""
        if url.host == BOARD_HOST:
            if first == "api" and "accounts" in segments:
                index = segments.index("accounts")
                return AtsBoard(VENDOR, segments[index + 1]) if len(segments) > index + 1 else None
            return AtsBoard(VENDOR, first) if first.lower() not in RESERVED else None
        if url.host.endswith(".workable.com") and url.host.count(".") == 2:
            account = url.host.split(".")[0]
            return AtsBoard(VENDOR, account) if account not in RESERVED else None
        return None

    def posting_key(self, url: UrlParts) -> str | None:
        if url.host == BOARD_HOST and len(url.segments) >= 3 and url.segments[1] == "j":
            return f"{VENDOR}:{url.segments[2]}"
        return None

    async def fetch(self, http: Http, board: AtsBoard) -> Listing:
        """Every page (a `nextPage` token in each answer), bounded by `MAX_PAGES`."""
        url = f"{self.base(DEFAULT_API)}/api/v3/accounts/{board.token}/jobs"

        async def page(token: str) -> Page[str]:
            data = await http.post_json(url, {**_SEARCH, "token": token} if token else dict(_SEARCH))
            following = (data or {}).get("nextPage")
            return Page(parse(data, board.token), str(following) if following else None)

        return await paginate(board, page, "", max_pages=MAX_PAGES)

    async def describe(self, http: Http, board: AtsBoard, posting: PostingFound) -> PostingFound:
        """Fill the description from the job endpoint (description, requirements, benefits); the job page itself
        is a JavaScript app."""
        shortcode = posting.key.split(":", 1)[1]
        job = await http.get_json(f"{self.base(DEFAULT_API)}/api/v2/accounts/{board.token}/jobs/{shortcode}")
        job = job if isinstance(job, dict) else {}
        parts = [job.get("description")]
        parts += [f"<h3>{title}</h3>{job[name]}" for name, title in _SECTIONS if job.get(name)]
        text = html_to_text("\n".join(part for part in parts if part))
        posting.description = cap(tidy(text)) if text else posting.description
        return posting
