"""SmartRecruiters posting API (api.smartrecruiters.com/v1/companies/<company>/postings, offset/limit pages)."""

from __future__ import annotations

import re
from typing import Any

from scoutly.acquire.ats.base import (
    AtsBoard,
    UrlParts,
    count,
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

VENDOR = "smartrecruiters"
DEFAULT_API = "https://api.smartrecruiters.com"
PUBLIC_SITE = "https://jobs.smartrecruiters.com"
BOARD_HOSTS = ("careers.smartrecruiters.com", "jobs.smartrecruiters.com")
PAGE_SIZE = 100
MAX_PAGES = 20  # 2000 postings
_POSTING_ID = re.compile(r"^(\d{6,})")


def parse(data: Any, company: str | None = None) -> list[PostingFound]:
    """Postings from one page `{offset, limit, totalFound, content}` or a list of pages."""
    pages = data if isinstance(data, list) else [data]
    postings = []
    for page in pages:
        answer = optional_object(page, "a page as an object", VENDOR)
        for item in objects(optional_list(answer.get("content"), "a page's `content` as a list", VENDOR)):
            if item.get("name") and item.get("id"):
                postings.append(_posting(item, company))
    return dedupe(postings)


def _posting(item: dict[str, Any], company: str | None) -> PostingFound:
    where = _object(item, "location")
    location = (
        ", ".join(part for part in (text_or_none(where.get(k)) for k in ("city", "region", "country")) if part) or None
    )
    identifier = _object(item, "company").get("identifier") or company
    url = optional_text(item.get("postingUrl"), "a posting's `postingUrl` as a string", VENDOR)
    url = url or (f"{PUBLIC_SITE}/{identifier}/{item['id']}" if identifier else None)
    remote = where.get("remote")
    return PostingFound(
        key=f"{VENDOR}:{item['id']}",
        title=text_or_none(item["name"]) or "",
        url=link(url, "a posting's URL", VENDOR),
        location=location,
        department=text_or_none(_object(item, "department").get("label")),
        employment_type=text_or_none(_object(item, "typeOfEmployment").get("label")),
        remote=remote if isinstance(remote, bool) else None,
        source=VENDOR,
    )


def _object(item: dict[str, Any], name: str) -> dict[str, Any]:
    return optional_object(item.get(name), f"a posting's `{name}` as an object", VENDOR)


def parse_page(data: Any, company: str | None = None, offset: int = 0) -> Page[int]:
    """The page at `offset` (`{content, totalFound}`): its postings, and the next page's offset unless it is the
    last."""
    answer = optional_object(data, "a page as an object", VENDOR)
    content = optional_list(answer.get("content"), "a page's `content` as a list", VENDOR)
    offset += len(content)
    last = not content or offset >= count(answer.get("totalFound"), "`totalFound` as a number", VENDOR)
    return Page(parse(answer, company), None if last else offset)


def parse_detail(data: Any) -> str | None:
    """The description of a posting-detail answer (`jobAd.sections`: each section's title and text), or None."""
    answer = optional_object(data, "the answer as an object", VENDOR)
    job_ad = optional_object(answer.get("jobAd"), "`jobAd` as an object", VENDOR)
    sections = optional_object(job_ad.get("sections"), "`jobAd.sections` as an object", VENDOR)
    parts = []
    for section in sections.values():
        if isinstance(section, dict) and section.get("text"):
            text = html_to_text(optional_text(section["text"], "a section's `text` as a string", VENDOR))
            parts.append(f"{section.get('title') or ''}\n{text}")
    return cap(tidy("\n\n".join(parts))) if parts else None


class SmartRecruiters(AtsVendor):
    """careers|jobs.smartrecruiters.com/<company> (or the API's /v1/companies/<company>); a posting's key is the
    numeric id its URL starts with."""

    name = VENDOR

    def detect(self, url: UrlParts) -> AtsBoard | None:
        segments = url.segments
        if url.host in BOARD_HOSTS and segments:
            return AtsBoard(VENDOR, segments[0])
        if url.host == "api.smartrecruiters.com" and len(segments) >= 3 and segments[:2] == ["v1", "companies"]:
            return AtsBoard(VENDOR, segments[2])
        return None

    def posting_key(self, url: UrlParts) -> str | None:
        if url.host not in BOARD_HOSTS or len(url.segments) < 2:
            return None
        digits = _POSTING_ID.match(url.segments[1])
        return f"{VENDOR}:{digits.group(1)}" if digits else None

    async def fetch(self, http: Http, board: AtsBoard) -> Listing:
        """Every page (offset/limit, until `totalFound`), bounded by `MAX_PAGES`."""
        url = f"{self.base(DEFAULT_API)}/v1/companies/{board.token}/postings"

        async def page(offset: int) -> Page[int]:
            data = await http.get_json(url, params={"offset": offset, "limit": PAGE_SIZE})
            return parse_page(data, board.token, offset)

        return await paginate(board, page, 0, max_pages=MAX_PAGES)

    async def describe(self, http: Http, board: AtsBoard, posting: PostingFound) -> PostingFound:
        """Fill the description of one posting from the posting-detail answer (`jobAd.sections`)."""
        posting_id = posting.key.split(":", 1)[1]
        data = await http.get_json(f"{self.base(DEFAULT_API)}/v1/companies/{board.token}/postings/{posting_id}")
        description = parse_detail(data)
        if description:
            posting.description = description
        return posting
