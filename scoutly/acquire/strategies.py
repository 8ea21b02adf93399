"""The three ways to read a company's listing, cheapest first, and the choice between them.

1. `ats`: the ATS's public JSON feed (board from the company's hint, its careers URL, or found in its page);
2. `static`: the careers page over httpx, parsed with selectolax (following "next" pages up to a bound);
3. `rendered`: the page rendered by Chromium (`BrowserPool`), for lists built by JavaScript.

`read_listing` tries them in order (the strategy that worked last time first, an explicit ATS hint always
first) and returns the first listing with postings; ATS boards discovered in a page are tried at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from loguru import logger

from scoutly.acquire import parsepool
from scoutly.acquire.ats import VENDORS, AtsBoard, AtsVendors, board_from_hint
from scoutly.acquire.http import FetchError, Http
from scoutly.acquire.models import Listing, dedupe
from scoutly.acquire.page_count import count_disagreement
from scoutly.acquire.reading import ListingPage, read_listing_page
from scoutly.errors import InputError, ScoutlyError

if TYPE_CHECKING:
    from scoutly.acquire.browser import BrowserPool

ATS = "ats"
STATIC = "static"
RENDERED = "rendered"
ORDER = (ATS, STATIC, RENDERED)
PAGE_TIMEOUT_S = 30.0


class AcquisitionFailed(ScoutlyError):
    """No strategy could read the company's listing; the message lists why each failed."""


class StrategyError(Exception):
    """One strategy could not read the listing (the next one is tried)."""


@dataclass
class ListingContext:
    """What the strategies need: HTTP, a lazily started browser, the ATS vendors (configured) and bounds."""

    http: Http
    browser: Callable[[], Awaitable[BrowserPool]]  # returns the shared BrowserPool, starting it on first use
    vendors: AtsVendors = field(default_factory=lambda: VENDORS)  # the Acquirer's: configured from its settings
    max_next_pages: int = 5
    parse_timeout_s: float = parsepool.DEFAULT_TIMEOUT_S  # reading one page, in a parse worker


async def read_page(ctx: ListingContext, html: str, url: str, **options: Any) -> ListingPage:
    """One listing page read in a parse worker within the time budget; a page that cannot be read is a
    StrategyError saying why (the next strategy is tried)."""
    try:
        return await parsepool.run(read_listing_page, html, url, timeout_s=ctx.parse_timeout_s, **options)
    except (parsepool.ParseTimeout, parsepool.ParseCrashed) as exc:
        raise StrategyError(f"{url}: page {exc}") from None


def strategy_order(remembered: str | None, *, hinted_board: bool) -> list[str]:
    """Cheapest first, the one that worked last time moved to the front (an ATS hint stays first)."""
    kind = ATS if remembered in VENDORS else remembered
    order = list(ORDER)
    if kind in order and not (hinted_board and kind != ATS):
        order.remove(kind)
        order.insert(0, kind)
    return order


async def read_listing(ctx: ListingContext, company: dict[str, Any]) -> Listing:
    """The company's current listing by the cheapest strategy that finds postings (see module doc).

    When every strategy that ran found nothing, the empty listing of the most authoritative one is returned
    (an ATS feed, else a page); when every strategy failed, raises `AcquisitionFailed`.
    """
    slug = company.get("_id", "?")
    careers_url = company.get("careers_url")
    selectors = company.get("selectors") or None
    hinted = board_from_hint(company.get("ats"), company.get("ats_token"), careers_url)
    boards: list[AtsBoard] = [hinted] if hinted else []
    tried: set[AtsBoard] = set()
    failures: list[str] = []
    empty: list[Listing] = []

    async def try_boards() -> Listing | None:
        for board in [b for b in boards if b not in tried]:
            tried.add(board)
            try:
                listing = await ctx.vendors.fetch(ctx.http, board)
            except FetchError as exc:  # FeedFormatError too: a feed of the wrong shape
                failures.append(f"{board.label()} feed: {exc}")
                continue
            if listing.postings:
                return listing
            empty.append(listing)
            logger.info("{}: {} feed lists no postings", slug, board.label())
        return None

    for strategy in strategy_order(company.get("strategy"), hinted_board=hinted is not None):
        if strategy == ATS:
            found = await try_boards()
        elif not careers_url:
            failures.append(f"{strategy}: company has no careers_url")
            continue
        else:
            reader = static_listing if strategy == STATIC else rendered_listing
            try:
                page_listing, page_boards = await reader(ctx, careers_url, selectors, slug)
            except InputError:
                raise  # the company's own settings are wrong (e.g. an invalid selector): no strategy will do better
            except (FetchError, StrategyError, ScoutlyError) as exc:
                failures.append(f"{strategy}: {exc}")
                continue
            boards.extend(b for b in page_boards if b not in boards)
            found = await try_boards()
            if found is None and page_listing.postings:
                found = page_listing
            elif found is None:
                empty.append(page_listing)
                logger.info("{}: {} strategy found no postings", slug, strategy)
        if found is not None:
            found.notes.extend(failures)
            return found
    if empty:
        feeds = [listing for listing in empty if listing.strategy in VENDORS]
        chosen = feeds[0] if feeds else empty[-1]
        chosen.notes.extend(failures)
        if not feeds and failures:
            # An empty page is only trusted when no stronger reader failed: a JavaScript site read statically
            # shows nothing, and a crashed browser must not turn that into "every posting was closed".
            chosen.complete = False
            chosen.errors.append("found no postings while another strategy failed: " + "; ".join(failures))
        return chosen
    raise AcquisitionFailed(f"{slug}: no strategy could read the listing: " + "; ".join(failures or ["nothing to try"]))


async def static_listing(
    ctx: ListingContext, url: str, selectors: dict[str, Any] | None, company: str | None = None
) -> tuple[Listing, list[AtsBoard]]:
    """The careers page (and its next pages, bounded) over plain HTTP."""
    listing = Listing(strategy=STATIC)
    boards: list[AtsBoard] = []
    page = await ctx.http.get_html(url)
    listing.final_url = page.url
    visited = {page.url}
    stated: list[int] = []
    for index in range(ctx.max_next_pages + 1):
        read = await read_page(ctx, page.text, page.url, company=company, selectors=selectors)
        stated += [read.stated_count] if read.stated_count is not None else []
        boards.extend(b for b in read.boards if b not in boards)
        listing.postings.extend(read.postings)
        _note_bounds(listing, read)
        following = read.next_url
        if following is None or following in visited:
            break
        if index == ctx.max_next_pages:
            listing.complete = False
            listing.errors.append(f"{url}: stopped after {index + 1} pages (more pages offered)")
            break
        visited.add(following)
        try:
            page = await ctx.http.get_html(following)
        except FetchError as exc:
            listing.complete = False
            listing.errors.append(f"next page failed: {exc}")
            break
    listing.postings = dedupe(listing.postings)
    check_count(listing, stated, url)
    return listing, boards


def check_count(listing: Listing, stated: list[int], url: str) -> None:
    """A complete listing whose page states another number of postings than were read becomes partial (nothing
    is closed from it), with the disagreement logged and kept in `errors` for `scoutly scrape` to show."""
    if not listing.complete or not stated:
        return
    message = count_disagreement(stated[0], len(listing.postings))
    if message:
        listing.complete = False
        listing.errors.append(f"{url}: {message}")
        logger.warning("{}: {}", url, message)


async def rendered_listing(
    ctx: ListingContext, url: str, selectors: dict[str, Any] | None, company: str | None = None
) -> tuple[Listing, list[AtsBoard]]:
    """The careers page rendered by Chromium (lazy lists, "load more", next pages handled by the pool)."""
    from scoutly.acquire.browser import BrowserError, PartialListing  # playwright: imported only when needed

    listing = Listing(strategy=RENDERED)
    try:
        pool = await ctx.browser()
        pages = await pool.render_listing(
            url, selectors=selectors, max_next_pages=ctx.max_next_pages, timeout_s=PAGE_TIMEOUT_S
        )
    except PartialListing as exc:
        pages = exc.pages
        listing.complete = False
        listing.errors.append(f"rendered listing incomplete: {exc}")
    except BrowserError as exc:
        raise StrategyError(f"browser: {exc}") from exc
    if not pages:
        raise FetchError(url, "browser rendered nothing")
    first = pages[0]
    if first.status is not None and first.status >= 400:
        raise FetchError(first.url, f"HTTP {first.status}", status=first.status)
    listing.final_url = first.url
    boards: list[AtsBoard] = []
    stated: list[int] = []
    for page in pages:
        read = await read_page(
            ctx,
            page.html,
            page.url,
            company=company,
            selectors=selectors,
            frame_urls=tuple(page.frame_urls),
            want_next=False,
        )
        stated += [read.stated_count] if read.stated_count is not None else []
        boards.extend(b for b in read.boards if b not in boards)
        listing.postings.extend(read.postings)
        _note_bounds(listing, read)
        if page.truncated:
            listing.complete = False
    if not listing.complete and not listing.errors:
        listing.errors.append(f"{url}: rendered listing stopped at a bound (more was offered)")
    listing.postings = dedupe(listing.postings)
    check_count(listing, stated, url)
    for posting in listing.postings:
        posting.source = RENDERED
    return listing, boards


def _note_bounds(listing: Listing, read: ListingPage) -> None:
    """A page changed by the markup bounds says so; one cut short makes the listing partial, with the reason."""
    if read.truncated:
        listing.complete = False
    target = listing.errors if read.truncated else listing.notes
    target.extend(note for note in read.notes if note not in target)
