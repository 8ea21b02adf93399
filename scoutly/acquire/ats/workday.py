"""Workday CXS search API: POST https://<tenant>.wdN.myworkdayjobs.com/wday/cxs/<tenant>/<site>/jobs, paginated
by offset/limit; the posting URL is the board URL + the item's `externalPath`. Also reads the old (pre-CXS)
widget JSON (`listItems[].title.commandLink`)."""

from __future__ import annotations

import re
from typing import Any

from scoutly.acquire.ats.base import (
    RESERVED,
    AtsBoard,
    UrlParts,
    count,
    expect_object,
    expect_text,
    link,
    listed,
    looks_remote,
    objects,
    optional_list,
    optional_object,
    optional_text,
    text_or_none,
)
from scoutly.acquire.ats.vendor import AtsVendor, Page, paginate
from scoutly.acquire.http import FetchError, Http
from scoutly.acquire.models import Listing, PostingFound, dedupe
from scoutly.acquire.text import html_to_text
from scoutly.acquire.urls import canonical_url, url_key

VENDOR = "workday"
PAGE_SIZE = 20  # the CXS endpoint refuses larger pages
MAX_PAGES = 100  # 2000 postings per company; beyond it the listing is marked incomplete
DOMAIN = ".myworkdayjobs.com"
_LOCALE = re.compile(r"^[a-z]{2}(-[A-Za-z]{2,4})?$")
_REQ_ID = re.compile(r"_([A-Za-z0-9][A-Za-z0-9-]*)$")
_SEARCH_BODY = {"appliedFacets": {}, "searchText": ""}


def board_url(board: AtsBoard) -> str:
    """The public board URL (`https://host[/locale]/site`, else the board's known page URL)."""
    if board.host:
        locale = f"/{board.locale}" if board.locale else ""
        return f"https://{board.host}{locale}/{board.site}"
    if board.page_url:
        return board.page_url.rstrip("/")
    raise FetchError(board.label(), "Workday board without host or page URL")


def parse(data: Any, board: AtsBoard) -> list[PostingFound]:
    """Postings from a CXS search response (`{total, jobPostings}`) or a bare `jobPostings` list."""
    base = board_url(board)
    postings = []
    for item in listed(data, "jobPostings", VENDOR):
        if item.get("title") and item.get("externalPath"):
            postings.append(_posting(item, base))
    return dedupe(postings)


def _posting(item: dict[str, Any], base: str) -> PostingFound:
    path = expect_text(item["externalPath"], "a posting's `externalPath` as a string", VENDOR)
    url = canonical_url(base + path)
    location = text_or_none(item.get("locationsText"))
    bullets = optional_list(item.get("bulletFields"), "a posting's `bulletFields` as a list", VENDOR)
    return PostingFound(
        key=_key(path, bullets[0] if bullets else None, url),
        title=text_or_none(item["title"]) or "",
        url=url,
        location=location,
        employment_type=text_or_none(item.get("timeType")),
        remote=looks_remote(location, text_or_none(item.get("remoteType"))),
        source=VENDOR,
    )


def parse_page(data: Any, board: AtsBoard, total: int | None) -> tuple[list[PostingFound], int, int | None]:
    """One search page (`{total, jobPostings}`): its postings, how many items it held, and the total of postings
    (the one reported so far when this page reports none: later pages may report total 0)."""
    answer = expect_object(data, "the search answer as an object", VENDOR)
    items = optional_list(answer.get("jobPostings"), "`jobPostings` as a list", VENDOR)
    reported = answer.get("total")
    if total is None or reported:
        total = count(reported, "`total` as a number", VENDOR) or total
    return parse(items, board), len(items), total


def parse_detail(data: Any) -> tuple[str, str | None, str | None]:
    """(description, location, time type) of a CXS job-detail answer (`jobPostingInfo`)."""
    answer = optional_object(data, "the answer as an object", VENDOR)
    info = optional_object(answer.get("jobPostingInfo"), "`jobPostingInfo` as an object", VENDOR)
    description = optional_text(info.get("jobDescription"), "`jobPostingInfo.jobDescription` as a string", VENDOR)
    return html_to_text(description), text_or_none(info.get("location")), text_or_none(info.get("timeType"))


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
        title = optional_object(item.get("title"), "a list item's `title` as an object", VENDOR)
        target = optional_text(title.get("commandLink"), "a title's `commandLink` as a string", VENDOR)
        instances = objects(optional_list(title.get("instances"), "a title's `instances` as a list", VENDOR))
        name = text_or_none(instances[0].get("text")) if instances else None
        if not target or not name:
            continue
        subtitles = [
            text_or_none(instance.get("text"))
            for subtitle in objects(optional_list(item.get("subtitles"), "an item's `subtitles` as a list", VENDOR))
            for instance in objects(optional_list(subtitle.get("instances"), "`instances` as a list", VENDOR))
        ]
        url = link(target, "a title's `commandLink`", VENDOR, site_root)
        location = subtitles[1] if len(subtitles) > 1 else None
        postings.append(
            PostingFound(
                key=_key(target, None, url),
                title=name,
                url=url,
                location=location,
                remote=looks_remote(location),
                source=VENDOR,
            )
        )
    return dedupe(postings)


def legacy_list_items(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        if node.get("widget") == "facetSearchResultList":
            return objects(optional_list(node.get("listItems"), "`listItems` as a list", VENDOR))
        return [item for value in node.values() for item in legacy_list_items(value)]
    if isinstance(node, list):
        return [item for value in node for item in legacy_list_items(value)]
    return []


class Workday(AtsVendor):
    """<tenant>.wdN.myworkdayjobs.com/[<locale>/]<site> (or the CXS API under /wday/cxs/<tenant>/<site>); a
    posting's key is the requisition id its URL ends with. `max_pages` bounds the search pages read."""

    name = VENDOR

    def __init__(self, api: str | None = None, *, max_pages: int = MAX_PAGES) -> None:
        super().__init__(api)
        self.max_pages = max_pages

    def detect(self, url: UrlParts) -> AtsBoard | None:
        if not url.host.endswith(DOMAIN):
            return None
        first = url.segments[0] if url.segments else ""
        locale = first if _LOCALE.match(first) else None
        rest = url.segments[1:] if locale else url.segments
        tenant = url.host.split(".")[0]
        if rest and rest[0] == "wday" and len(rest) >= 4:  # /wday/cxs/<tenant>/<site>/…
            return AtsBoard(VENDOR, tenant, host=url.host, site=rest[3])
        if rest and rest[0].lower() not in RESERVED:
            return AtsBoard(VENDOR, tenant, host=url.host, site=rest[0], locale=locale)
        return None

    def posting_key(self, url: UrlParts) -> str | None:
        if not url.host.endswith(DOMAIN) or "job" not in url.segments:
            return None
        match = _REQ_ID.search(url.segments[-1])
        return f"{VENDOR}:{match.group(1)}" if match else None

    def from_hint(self, token: str, careers_url: str | None) -> AtsBoard | None:
        """A board from a token that is a board URL, "host/site" (e.g. "nvidia.wd5.myworkdayjobs.com/External")
        or "tenant/site" (the board then lives on the careers page's host, or behind it)."""
        first = token.split("/", 1)[0]
        if "://" in token or "." in first:
            return self.detect(UrlParts.of(token if "://" in token else f"https://{token}"))
        tenant, _, site = token.partition("/")
        if not tenant or not site:
            return None
        page = self.detect(UrlParts.of(careers_url)) if careers_url else None
        if page is not None:
            return AtsBoard(VENDOR, tenant, host=page.host, site=site, locale=page.locale)
        return AtsBoard(VENDOR, tenant, site=site.strip("/"), page_url=careers_url)

    def _api(self, board: AtsBoard) -> str:
        if not board.host and not self.api:
            raise FetchError(board.label(), "Workday board without host")
        return f"{self.base(f'https://{board.host}')}/wday/cxs/{board.token}/{board.site}"

    async def fetch(self, http: Http, board: AtsBoard) -> Listing:
        """Every page of the search (until `total` or an empty page), bounded by `max_pages`."""
        url = f"{self._api(board)}/jobs"

        async def page(at: tuple[int, int | None]) -> Page[tuple[int, int | None]]:
            offset, total = at
            data = await http.post_json(url, {**_SEARCH_BODY, "limit": PAGE_SIZE, "offset": offset})
            postings, count, total = parse_page(data, board, total)
            offset += count
            last = not count or (total is not None and offset >= total)
            return Page(postings, None if last else (offset, total))

        start: tuple[int, int | None] = (0, None)  # (offset, total as reported so far)
        return await paginate(board, page, start, max_pages=self.max_pages)

    async def describe(self, http: Http, board: AtsBoard, posting: PostingFound) -> PostingFound:
        """Fill location/description of one posting from the CXS job-detail answer."""
        if not posting.url or "/job/" not in posting.url:
            return posting
        path = posting.url[posting.url.index("/job/") :]
        data = await http.get_json(f"{self._api(board)}{path}")
        description, location, time_type = parse_detail(data)
        posting.description = description or posting.description
        posting.location = location or posting.location
        posting.employment_type = time_type or posting.employment_type
        return posting
