"""Workable account API (apply.workable.com/api/v3/accounts/<account>/jobs, POST, `nextPage` token pages)."""

from __future__ import annotations

from typing import Any

from scoutly.acquire.ats.base import (
    RESERVED,
    AtsBoard,
    UrlParts,
    expect_list,
    join_names,
    link,
    objects,
    optional_list,
    optional_object,
    optional_text,
    text_or_none,
)
from scoutly.acquire.ats.vendor import AtsVendor, Page, paginate
from scoutly.acquire.http import Http
from scoutly.acquire.models import Listing, PostingFound, dedupe
from scoutly.acquire.text import cap, html_to_text, tidy

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
    if isinstance(data, dict):
        items = data.get("results") or data.get("jobs")
        items = objects(optional_list(items, "`results` (or `jobs`) as a list", VENDOR))
    else:
        items = objects(expect_list(data, "the answer as an object or a list", VENDOR))
    postings = []
    for item in items:
        usable = item.get("title") and item.get("shortcode")
        if usable and item.get("state", "published") == "published" and not item.get("isInternal"):
            postings.append(_posting(item, account))
    return dedupe(postings)


def _posting(item: dict[str, Any], account: str) -> PostingFound:
    where = optional_object(item.get("location"), "a job's `location` as an object", VENDOR)
    location = (
        ", ".join(part for part in (text_or_none(where.get(k)) for k in ("city", "region", "country")) if part) or None
    )
    url = optional_text(item.get("url"), "a job's `url` as a string", VENDOR)
    url = url or f"{PUBLIC_SITE}/{account}/j/{item['shortcode']}/"
    department = item.get("department")
    remote = item.get("remote")
    kind = item.get("type")
    return PostingFound(
        key=f"{VENDOR}:{item['shortcode']}",
        title=text_or_none(item["title"]) or "",
        url=link(url, "a job's URL", VENDOR),
        location=location,
        department=join_names(department) if isinstance(department, list) else text_or_none(department),
        employment_type=_TYPES.get(kind, text_or_none(kind)) if isinstance(kind, str) else None,
        remote=remote if isinstance(remote, bool) else None,
        source=VENDOR,
    )


def parse_page(data: Any, account: str) -> Page[str]:
    """One page of the account's jobs: its postings, and the `nextPage` token unless it is the last."""
    answer = optional_object(data, "a page as an object", VENDOR)
    following = answer.get("nextPage")
    return Page(parse(answer, account), str(following) if following else None)


def parse_detail(data: Any) -> str | None:
    """The description of a job answer (description, requirements, benefits), None without one; an answer that is
    not an object has none."""
    job = data if isinstance(data, dict) else {}
    parts = [optional_text(job.get("description"), "a job's `description` as a string", VENDOR)]
    for name, title in _SECTIONS:
        html = optional_text(job.get(name), f"a job's `{name}` as a string", VENDOR)
        parts.append(f"<h3>{title}</h3>{html}" if html else None)
    text = html_to_text("\n".join(part for part in parts if part))
    return cap(tidy(text)) if text else None


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
            return parse_page(data, board.token)

        return await paginate(board, page, "", max_pages=MAX_PAGES)

    async def describe(self, http: Http, board: AtsBoard, posting: PostingFound) -> PostingFound:
        """Fill the description from the job endpoint (description, requirements, benefits); the job page itself
        is a JavaScript app."""
        shortcode = posting.key.split(":", 1)[1]
        job = await http.get_json(f"{self.base(DEFAULT_API)}/api/v2/accounts/{board.token}/jobs/{shortcode}")
        posting.description = parse_detail(job) or posting.description
        return posting
