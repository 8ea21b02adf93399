"""Acquisition: a company's current postings, as read from the web. It stores nothing (see `scoutly.postings`).

    async with Acquirer(settings) as acquirer:
        listing = await acquirer.listing(company)                      # cheapest strategy that works
        notes = await acquirer.describe_new(listing, new_postings)      # details of the postings that are new

The listing comes from the cheapest strategy that works (ATS feed → static HTML → rendered page; see
`strategies`); details are fetched for the postings the caller says are new (bounded per scrape).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import httpx

from scoutly.acquire import parsepool
from scoutly.acquire.ats import AtsBoard, AtsVendors
from scoutly.acquire.details import PostingDetails
from scoutly.acquire.egress import EgressPolicy
from scoutly.acquire.egress_net import Egress, checked_client
from scoutly.acquire.http import FetchError, Http, HttpLimits
from scoutly.acquire.models import Listing, PostingFound
from scoutly.acquire.reading import read_detail_page
from scoutly.acquire.strategies import (
    RENDERED,
    STATIC,
    AcquisitionFailed,
    ListingContext,
    StrategyError,
    read_listing,
)
from scoutly.acquire.urls import domain
from scoutly.clock import SYSTEM_CLOCK, Clock

if TYPE_CHECKING:
    from scoutly.acquire.browser import BrowserPool
    from scoutly.config import Settings

__all__ = ["PAGE_STRATEGIES", "Acquirer", "AcquisitionFailed", "Listing", "PostingFound"]

PAGE_STRATEGIES = (STATIC, RENDERED)
MAX_DETAIL_FAILURES = 3
MAX_RENDERED_DETAILS = 10  # detail pages rendered by Chromium per scrape (each costs seconds on a Pi)
MIN_DESCRIPTION_CHARS = 200  # a plain page with less text than this is taken for a JavaScript shell
BULK_DETAILS_FROM = 5  # more new postings than this: a vendor's bulk detail request, where there is one


class Acquirer:
    """Async context manager owning the httpx client and a lazily started, shared `BrowserPool`."""

    def __init__(self, settings: Settings, *, max_pages: int = 5, clock: Clock = SYSTEM_CLOCK) -> None:
        self.settings = settings
        self.max_pages = max_pages
        self.clock = clock  # politeness and retry waits of its HTTP client (tests: waits asked for, not spent)
        self._client: httpx.AsyncClient | None = None
        self._http: Http | None = None
        self._browser: BrowserPool | None = None
        self._browser_lock = asyncio.Lock()
        self.egress = Egress(EgressPolicy.from_settings(settings))
        self.vendors = AtsVendors(settings.ats_api_overrides)  # feeds read from their configured API bases

    async def __aenter__(self) -> Acquirer:
        self._client = checked_client(self.settings, self.egress)
        self._http = Http(
            self._client,
            HttpLimits(
                delay_s=self.settings.politeness_delay_s,
                max_bytes=self.settings.max_page_bytes,
                max_json_bytes=4 * self.settings.max_page_bytes,
                timeout_s=self.settings.fetch_timeout_s,
            ),
            policy=self.egress.policy,
            clock=self.clock,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            if self._browser is not None:
                await self._browser.close()
        finally:
            self._browser = None
            if self._client is not None:
                await self._client.aclose()
            self._client = self._http = None

    @property
    def http(self) -> Http:
        if self._http is None:
            raise RuntimeError("use `async with Acquirer(settings) as acquirer:`")
        return self._http

    async def browser(self) -> BrowserPool:
        """The shared BrowserPool, created on first use (Chromium itself starts lazily inside it)."""
        async with self._browser_lock:
            if self._browser is None:
                from scoutly.acquire.browser import BrowserPool  # playwright: imported only when needed

                self._browser = BrowserPool(self.settings, max_pages=self.max_pages, egress=self.egress)
            return self._browser

    def _context(self) -> ListingContext:
        return ListingContext(
            http=self.http,
            browser=self.browser,
            vendors=self.vendors,
            parse_timeout_s=self.settings.parse_timeout_s,
        )

    # --- public ---------------------------------------------------------------------------------------------
    async def listing(self, company: dict[str, Any]) -> Listing:
        """The company's current listing (no database access). Raises `AcquisitionFailed`.

        A listing longer than `max_postings_per_listing` is cut to that many and marked partial, with the reason:
        no real company lists that many openings, and a page that claims to would flood postings, details and
        analysis (a partial listing closes nothing)."""
        listing = await read_listing(self._context(), company)
        cap = self.settings.max_postings_per_listing
        if len(listing.postings) > cap:
            listing.errors.append(
                f"listing offers {len(listing.postings)} postings, more than the {cap} a listing may have "
                "(SCOUTLY_MAX_POSTINGS_PER_LISTING): kept the first {cap}, listing partial".replace("{cap}", str(cap))
            )
            listing.postings = listing.postings[:cap]
            listing.complete = False
        return listing

    # --- details ----------------------------------------------------------------------------------------------
    async def describe_new(self, listing: Listing, new: list[PostingFound]) -> list[str]:
        """Fill location/description of the `new` postings of `listing` in place (bounded); returns notes for the
        ones that failed."""
        notes: list[str] = []
        budget = self.settings.max_detail_fetches
        board: AtsBoard | None = listing.board if listing.strategy in self.vendors else None
        wanted = [posting for posting in new if not posting.description and posting.url]
        if board is not None and len(wanted) > BULK_DETAILS_FROM and budget > 0:
            try:
                if await self.vendors.describe_many(self.http, board, wanted) is not None:
                    budget -= 1
            except FetchError as exc:  # FeedFormatError too
                notes.append(f"details of {len(wanted)} new postings in one request: {exc}")
        skipped = renders = 0
        failures: dict[str, int] = {}  # per domain: after MAX_DETAIL_FAILURES the domain is left alone
        for posting in new:
            if posting.description or not posting.url:
                continue
            host = domain(posting.url)
            if budget <= 0 or failures.get(host, 0) >= MAX_DETAIL_FAILURES:
                skipped += 1
                continue
            budget -= 1
            try:
                if board is not None and await self.vendors.describe(self.http, board, posting):
                    continue
                may_render = listing.strategy == RENDERED and renders < MAX_RENDERED_DETAILS
                renders += await self._describe_from_page(posting, rendered=may_render)
            except (FetchError, StrategyError) as exc:  # FeedFormatError is a FetchError
                failures[host] = failures.get(host, 0) + 1
                notes.append(f"details of {posting.url}: {str(exc).removeprefix(f'{posting.url}: ')}")  # URL once
        if skipped:
            notes.append(
                f"details of {skipped} new postings not fetched (limit {self.settings.max_detail_fetches} per "
                f"scrape, or {MAX_DETAIL_FAILURES} failures on their site)"
            )
        return notes

    async def _read_details(self, html: str, url: str) -> PostingDetails:
        """A posting page's details, read in a parse worker within the time budget (FetchError if it cannot be)."""
        try:
            read = await parsepool.run(
                read_detail_page,
                html,
                max_chars=self.settings.description_max_chars,
                timeout_s=self.settings.parse_timeout_s,
            )
        except (parsepool.ParseTimeout, parsepool.ParseCrashed) as exc:
            raise FetchError(url, f"page {exc}") from None
        return read.details

    async def _describe_from_page(self, posting: PostingFound, *, rendered: bool) -> int:
        """Fill a posting from its page over HTTP; with `rendered`, from Chromium when the plain page has no real
        description (a JavaScript app). Returns how many pages the browser rendered (0 or 1)."""
        details = None
        if not posting.url:
            return 0
        try:
            page = await self.http.get_html(posting.url)
            details = await self._read_details(page.text, page.url)
        except FetchError:
            if not rendered:
                raise
        used_browser = 0
        if rendered and (details is None or len(details.description or "") < MIN_DESCRIPTION_CHARS):
            used_browser = 1
            from scoutly.acquire.browser import BrowserError

            try:
                pool = await self.browser()
                page_rendered = await pool.render_page(posting.url)
            except BrowserError as exc:
                raise StrategyError(f"browser: {exc}") from exc
            if page_rendered.status is not None and page_rendered.status >= 400:
                raise FetchError(page_rendered.url, f"HTTP {page_rendered.status}", status=page_rendered.status)
            details = await self._read_details(page_rendered.html, page_rendered.url)
        if details is None:
            return used_browser
        posting.description = details.description or posting.description
        posting.location = posting.location or details.location
        posting.employment_type = posting.employment_type or details.employment_type
        posting.department = posting.department or details.department
        if posting.remote is None:
            posting.remote = details.remote
        return used_browser
