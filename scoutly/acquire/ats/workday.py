"""Workday CXS search API: POST https://<tenant>.wdN.myworkdayjobs.com/wday/cxs/<tenant>/<site>/jobs, paginated
by offset/limit; the posting URL is the board URL + the item's `externalPath`. Also reads the old (pre-CXS)
widget JSON (`listItems[].title.commandLink`)."""

from __future__ import annotations

import re
from typing import Any

from scoutly.acquire.ats.base import RESERVED, AtsBoard, FeedFormatError, UrlParts, looks_remote, text_or_none
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
    items = data.get("jobPostings", []) if isinstance(data, dict) else data
    base = board_url(board)
    postings = []
    for item in items or []:
        if isinstance(item, dict) and item.get("title") and item.get("externalPath"):
            postings.append(_posting(item, base))
    return dedupe(postings)


def _posting(item: dict[str, Any], base: str) -> PostingFound:
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


def legacy_list_items(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        if node.get("widget") == "facetSearchResultList":
            return [item for item in node.get("listItems") or [] if isinstance(item, dict)]
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
            if not isinstance(data, dict):
                raise FeedFormatError(url, "search answer not in the expected shape (not an object)")
            items = data.get("jobPostings") or []
            if total is None or data.get("total"):  # later pages may report total 0
                total = int(data.get("total") or 0) or total
            offset += len(items)
            last = not items or (total is not None and offset >= total)
            return Page(parse(items, board), None if last else (offset, total))

        start: tuple[int, int | None] = (0, None)  # (offset, total as reported so far)
        return await paginate(board, page, start, max_pages=self.max_pages)

    async def describe(self, http: Http, board: AtsBoard, posting: PostingFound) -> PostingFound:
        """Fill location/description of one posting from the CXS job-detail answer."""
        if not posting.url or "/job/" not in posting.url:
            return posting
        path = posting.url[posting.url.index("/job/") :]
        data = await http.get_json(f"{self._api(board)}{path}")
        info = (data or {}).get("jobPostingInfo") or {}
        posting.description = html_to_text(info.get("jobDescription")) or posting.description
        posting.location = text_or_none(info.get("location")) or posting.location
        posting.employment_type = text_or_none(info.get("timeType")) or posting.employment_type
        return posting
