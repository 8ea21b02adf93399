"""Workday CXS search API: POST https://<tenant>.wdN.myworkdayjobs.com/wday/cxs/<tenant>/<site>/jobs, paginated
by offset/limit; the posting URL is the board URL + the item's `externalPath`. Also reads the old (pre-CXS)
widget JSON (`listItems[].title.commandLink`)."""

from __future__ import annotations

import re
from typing import Any

from scoutly.acquire.ats.base import AtsBoard, api_base, looks_remote, text_or_none
from scoutly.acquire.http import Http
from scoutly.acquire.models import Listing, PostingFound, dedupe
from scoutly.acquire.text import html_to_text
from scoutly.acquire.urls import canonical_url, url_key

VENDOR = "workday"
PAGE_SIZE = 20
MAX_POSTINGS = 2000  # bound per company (100 requests); beyond it the listing is marked incomplete
_REQ_ID = re.compile(r"_([A-Za-z0-9][A-Za-z0-9-]*)$")
_SEARCH_BODY = {"appliedFacets": {}, "searchText": ""}


def board_url(board: AtsBoard) -> str:
    """The public board URL (`https://host[/locale]/site`, else the board's known page URL)."""
    if board.host:
        locale = f"/{board.locale}" if board.locale else ""
        return f"https://{board.host}{locale}/{board.site}"
    if board.page_url:
        return board.page_url.rstrip("/")
    raise ValueError(f"{board.describe()}: Workday board without host or page URL")


def parse(data: Any, board: AtsBoard) -> list[PostingFound]:
    """Postings from a CXS search response (`{total, jobPostings}`) or a bare `jobPostings` list."""
    items = data.get("jobPostings", []) if isinstance(data, dict) else data
    base = board_url(board)
    postings = []
    for item in items or []:
        if isinstance(item, dict) and item.get("title") and item.get("externalPath"):
            postings.append(_posting(item, base))
    return dedupe(postings)


def _posting(item: dict, base: str) -> PostingFound:
    url = canonical_url(base + item["externalPath"])
    location = text_or_none(item.get("locationsText"))
    bullets = item.get("bulletFields") or []
    return PostingFound(
        key=_key(item["externalPath"], bullets[0] if bullets else None, url),
        title=text_or_none(item["title"]) or "",
        url=url,
        location=location,
        employment_type=text_or_none(item.get("timeType")),
        remote=looks_remote(location, item.get("remoteType")),
        source=VENDOR,
    )


def _key(path: str, fallback_id: str | None, url: str | None) -> str:
    match = _REQ_ID.search(path.rstrip("/"))
    if match:
        return f"{VENDOR}:{match.group(1)}"
    if fallback_id:
        return f"{VENDOR}:{fallback_id}"
    return url_key(url or path)


def parse_legacy_widget(data: Any, site_root: str) -> list[PostingFound]:
    """Postings from the old Workday widget JSON; `site_root` is e.g. "https://zoom.wd5.myworkdayjobs.com"."""
    postings = []
    for item in legacy_list_items(data):
        title = item.get("title") or {}
        link = title.get("commandLink")
        instances = title.get("instances") or []
        name = text_or_none(instances[0].get("text")) if instances else None
        if not link or not name:
            continue
        subtitles = [
            text_or_none(instance.get("text"))
            for subtitle in item.get("subtitles") or []
            for instance in subtitle.get("instances") or []
        ]
        url = canonical_url(link, site_root)
        location = subtitles[1] if len(subtitles) > 1 else None
        postings.append(
            PostingFound(
                key=_key(link, None, url),
                title=name,
                url=url,
                location=location,
                remote=looks_remote(location),
                source=VENDOR,
            )
        )
    return dedupe(postings)


def legacy_list_items(node: Any) -> list[dict]:
    if isinstance(node, dict):
        if node.get("widget") == "facetSearchResultList":
            return [item for item in node.get("listItems") or [] if isinstance(item, dict)]
        return [item for value in node.values() for item in legacy_list_items(value)]
    if isinstance(node, list):
        return [item for value in node for item in legacy_list_items(value)]
    return []


def _api(board: AtsBoard, overrides: dict[str, str] | None) -> str:
    if not board.host and VENDOR not in (overrides or {}):
        raise ValueError(f"{board.describe()}: Workday board without host")
    base = api_base(overrides, VENDOR, f"https://{board.host}")
    return f"{base}/wday/cxs/{board.token}/{board.site}"


async def fetch(
    http: Http, board: AtsBoard, overrides: dict[str, str] | None = None, *, max_postings: int = MAX_POSTINGS
) -> Listing:
    """Every page of the search (until `total` or an empty page), bounded by `max_postings`."""
    url = f"{_api(board, overrides)}/jobs"
    listing = Listing(strategy=VENDOR)
    offset, total = 0, None
    while True:
        data = await http.post_json(url, {**_SEARCH_BODY, "limit": PAGE_SIZE, "offset": offset})
        if not isinstance(data, dict):
            raise ValueError(f"{url}: unexpected Workday answer")
        page = data.get("jobPostings") or []
        if total is None or data.get("total"):  # later pages may report total 0
            total = int(data.get("total") or 0) or total
        listing.postings.extend(parse(page, board))
        offset += len(page)
        if not page or (total is not None and offset >= total):
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
    """Fill location/description of one posting from the CXS job-detail answer."""
    if not posting.url or "/job/" not in posting.url:
        return posting
    path = posting.url[posting.url.index("/job/") :]
    data = await http.get_json(f"{_api(board, overrides)}{path}")
    info = (data or {}).get("jobPostingInfo") or {}
    posting.description = html_to_text(info.get("jobDescription")) or posting.description
    posting.location = text_or_none(info.get("location")) or posting.location
    posting.employment_type = text_or_none(info.get("timeType")) or posting.employment_type
    return posting
