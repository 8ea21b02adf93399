"""Rendered career pages on Debian's Chromium through Playwright, sized for a Raspberry Pi.

One `BrowserPool` per processor shares one Chromium (started lazily) between at most `max_pages` pages at once.
Every call gets a fresh browser context (no cookies or storage leak between companies); images, fonts and media
are never downloaded. Chromium is restarted after `restart_after_pages` pages, when its process tree's memory
(PSS) passes `memory_limit_mb`, and transparently after a crash. Closing the pool (also on cancellation) closes
the browser and kills whatever is left of its process tree, so no Chromium outlives the pool.

    async with BrowserPool(settings) as pool:
        pages = await pool.render_listing(url, selectors={"job_link": "a.job"})
        detail = await pool.render_page(pages[0].url)

    async with pool.session() as session:      # one context for a company's listing and its detail pages
        pages = await session.render_listing(url)
        detail = await session.render_page(job_url)
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
import shutil
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from html import escape as html_escape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psutil
from loguru import logger
from playwright.async_api import (
    Browser,
    BrowserContext,
    Frame,
    Page,
    Playwright,
    Request,
    Route,
    async_playwright,
)
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Response as PlaywrightResponse
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from scoutly.acquire import browser_js, browser_procs
from scoutly.errors import ConfigError

# Headless Chromium as root in a container or on a Pi: no sandbox (root), no GPU, /tmp instead of a small
# /dev/shm, and none of Chromium's own background traffic (without these flags its connections are refused here).
LAUNCH_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-quic",
    "--disable-breakpad",
    "--disable-crash-reporter",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--disable-features=Translate,MediaRouter,OptimizationHints,AutofillServerCommunication",
)
BLOCKED_RESOURCES = frozenset({"image", "font", "media"})
VIEWPORT = {"width": 1366, "height": 900}
CLOSE_TIMEOUT_S = 10.0
CAPTURE_TIMEOUT_S = 10.0
DEFAULT_RESTART_AFTER_PAGES = 50
DEFAULT_MEMORY_LIMIT_MB = 1200  # Chromium tree (PSS); 5 pages at once stay well below it, a runaway page does not
CLICK_TIMEOUT_S = 3.0
JOB_LINK_WAIT_S = 15.0  # longest wait for a company's job_link selector to match
SELECTOR_NAMES = ("job_link", "next_page", "load_more")  # the per-company CSS overrides render_listing uses
MAX_SELF_NAVIGATIONS = 2  # client-side redirects followed while rendering one document
WATCHDOG_S = 2.0  # how often the memory watchdog reads Chromium's memory while pages render
MEMORY_CHECK_S = 1.0  # at most one memory reading per second (reading PSS of ~10 processes takes ~20 ms)


@dataclass
class RenderedPage:
    """One rendered document: final URL, HTML (same-origin iframe documents appended), iframe URLs, status."""

    url: str
    html: str
    frame_urls: list[str] = field(default_factory=list)
    status: int | None = None
    truncated: bool = False  # incomplete: a bound (scrolls, load-more clicks, next pages, HTML size) stopped us


class BrowserError(Exception):
    """Rendering failed (timeout, crash, navigation error); the pool stays usable for the next call."""


class BrowserUnavailable(BrowserError, ConfigError):
    """Chromium cannot be found or started (a setting to fix, not a page to retry)."""


class PartialListing(BrowserError):
    """A later listing page failed; `pages` holds those rendered before it (the listing is NOT complete)."""

    def __init__(self, message: str, pages: list[RenderedPage]) -> None:
        super().__init__(message)
        self.pages = pages


def chromium_executable(settings: Any) -> str:
    """SCOUTLY_CHROMIUM_PATH when set (must exist), else `chromium`/`chromium-browser` on PATH."""
    configured = getattr(settings, "chromium_path", None)
    if configured:
        if not Path(configured).is_file():
            raise BrowserUnavailable(f"SCOUTLY_CHROMIUM_PATH: {configured} does not exist")
        return str(configured)
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    raise BrowserUnavailable("SCOUTLY_CHROMIUM_PATH: chromium not found on PATH (apt-get install chromium)")


def _strip_fragment(url: str) -> str:
    return url.split("#", 1)[0]


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def _reason(exc: BaseException) -> str:
    """First line of a Playwright error, without its call log."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return re.sub(r"^(Page|Locator|Frame|BrowserContext|Browser)\.\w+: ", "", text)


async def _block_heavy(route: Route) -> None:
    try:
        if route.request.resource_type in BLOCKED_RESOURCES:
            await route.abort()
        else:
            await route.continue_()
    except PlaywrightError:  # the page went away while the request was in flight
        pass


async def _close_quietly(target: Page | BrowserContext) -> bool:
    """Close a page or context; False when it did not close in time (the browser is then suspect)."""
    try:
        await asyncio.wait_for(target.close(), CLOSE_TIMEOUT_S)
    except PlaywrightError:  # already closed, or its browser is gone (noticed elsewhere)
        return True
    except TimeoutError:
        return False
    except asyncio.CancelledError:
        raise
    return True


class _Deadline:
    """Time left for one page visit; every Playwright wait takes its timeout from here."""

    def __init__(self, seconds: float) -> None:
        self._loop = asyncio.get_running_loop()
        self.seconds = seconds
        self.at = self._loop.time() + seconds

    def left(self, cap: float | None = None) -> float:
        left = max(0.05, self.at - self._loop.time())
        return min(left, cap) if cap is not None else left

    def ms(self, cap: float | None = None) -> float:
        return self.left(cap) * 1000


@dataclass
class _Watch:
    """What a page's network is doing, from Playwright's events: requests in flight (lazy loaders), main-frame
    document requests and commits (to notice a page navigating itself), the last document's status."""

    in_flight: int = 0
    started: int = 0  # requests ever started (did a scroll set off a lazy loader?)
    navigations: int = 0
    commits: int = 0
    status: int | None = None
    clicks_blocked: bool = False  # a real click failed once (overlay): dispatch click events instead

    @classmethod
    def attach(cls, page: Page) -> _Watch:
        watch = cls()

        def is_document(request: Request) -> bool:
            try:
                return request.is_navigation_request() and request.frame == page.main_frame
            except PlaywrightError:  # e.g. service-worker requests have no frame
                return False

        def started(request: Request) -> None:
            watch.started += 1
            watch.in_flight += 1
            if is_document(request):
                watch.navigations += 1

        def ended(_request: Request) -> None:
            watch.in_flight = max(0, watch.in_flight - 1)

        def responded(response: PlaywrightResponse) -> None:
            if is_document(response.request):
                watch.status = response.status

        def committed(frame: Frame) -> None:
            if frame == page.main_frame:
                watch.commits += 1

        page.on("request", started)
        page.on("requestfinished", ended)
        page.on("requestfailed", ended)
        page.on("response", responded)
        page.on("framenavigated", committed)
        return watch


class BrowserSession:
    """One browser context (one company): render its listing and detail pages. Made by `BrowserPool.session()`."""

    def __init__(self, pool: BrowserPool, context: BrowserContext) -> None:
        self._pool = pool
        self._context = context
        self._marks = itertools.count(1)
        self._watches: dict[Page, _Watch] = {}
        self._one_page = asyncio.Lock()  # a session renders one page at a time (the pool's page budget)
        self.pages = 0  # documents rendered (for the pool's restart budget)
        self.suspect = False  # a page did not close: restart the browser when this session ends

    # --- public ----------------------------------------------------------------------------------------------
    async def render_page(self, url: str, *, timeout_s: float = 30.0) -> RenderedPage:
        """Render one page (a posting's detail page): wait for the network to settle (capped), capture it."""
        async with self._page(url) as page:
            deadline = _Deadline(timeout_s)
            async with self._guard(url, deadline):
                response = await self._goto(page, url, deadline)
                status = response.status if response else None
                if status is not None and status >= 400:
                    return await self._capture(page, status)
                return await self._render_document(page, deadline, status)

    async def render_listing(
        self,
        url: str,
        *,
        selectors: dict | None = None,
        max_next_pages: int = 5,
        max_scrolls: int = 10,
        timeout_s: float = 30.0,
        max_load_more: int = 20,
    ) -> list[RenderedPage]:
        """Render a careers listing: lazy lists scrolled and "load more" clicked until nothing new appears
        (bounded), then up to `max_next_pages` further pages via a next link/button. One RenderedPage per
        page visited. `selectors` may name `job_link`, `next_page`, `load_more` (CSS). `timeout_s` bounds
        each page visited. Raises BrowserError when the first page fails, PartialListing for a later one."""
        selectors = selectors or {}
        job_link = selectors.get("job_link") or None
        rendered: list[RenderedPage] = []
        async with self._page(url) as page:
            deadline = _Deadline(timeout_s)
            async with self._guard(url, deadline):
                response = await self._goto(page, url, deadline)
                status = response.status if response else None
                if status is not None and status >= 400:
                    return [await self._capture(page, status)]
                await self._check_selectors(page, selectors, deadline)

                async def expand() -> bool:
                    return await self._expand(page, selectors, max_scrolls, max_load_more, deadline)

                rendered.append(await self._render_document(page, deadline, status, job_link=job_link, expand=expand))
            visited = {_strip_fragment(url), _strip_fragment(page.url)}
            try:
                await self._follow_pages(
                    page, selectors, rendered, visited, max_next_pages, timeout_s, max_scrolls, max_load_more
                )
            except BrowserError as exc:
                raise PartialListing(f"{exc} (after {len(rendered)} listing page(s))", rendered) from exc
        return rendered

    # --- steps ------------------------------------------------------------------------------------------------
    async def _follow_pages(
        self,
        page: Page,
        selectors: dict,
        rendered: list[RenderedPage],
        visited: set[str],
        max_next_pages: int,
        timeout_s: float,
        max_scrolls: int,
        max_load_more: int,
    ) -> None:
        job_link = selectors.get("job_link") or None
        watch = self._watches[page]
        navigations, commits = watch.navigations, watch.commits  # as of the last capture
        followed = redirects = 0
        while True:
            deadline = _Deadline(timeout_s)

            async def expand(deadline: _Deadline = deadline) -> bool:
                return await self._expand(page, selectors, max_scrolls, max_load_more, deadline)

            async with self._guard(page.url, deadline):
                try:
                    control = await self._find_control(page, "next", selectors.get("next_page"), deadline)
                except PlaywrightError:
                    if watch.navigations == navigations or redirects >= MAX_SELF_NAVIGATIONS:
                        raise
                    control = None
                if watch.navigations != navigations and redirects < MAX_SELF_NAVIGATIONS:
                    # the page we just captured navigated itself away (a late client-side redirect): render
                    # where it went instead
                    redirects += 1
                    await self._wait_for_commit(page, commits, deadline)
                    status = watch.status if watch.status is not None else rendered[-1].status
                    rendered[-1] = await self._render_document(page, deadline, status, job_link=job_link, expand=expand)
                    visited.add(_strip_fragment(page.url))
                    navigations, commits = watch.navigations, watch.commits
                    continue
                if control is None:
                    return
                if followed == max_next_pages:  # a further page is offered but the bound is reached
                    rendered[-1].truncated = True
                    return
                followed += 1
                if control.get("href"):
                    target = control["href"]
                    if _strip_fragment(target) in visited:
                        return
                    response = await self._goto(page, target, deadline)
                    status = response.status if response else None
                    visited.update({_strip_fragment(target), _strip_fragment(page.url)})
                    if status is not None and status >= 400:
                        raise BrowserError(f"{target}: HTTP {status} on a listing page")
                else:
                    before = await self._eval(page, browser_js.SNAPSHOT, job_link, deadline)
                    await self._click(page, control["mark"], deadline)
                    wait = deadline.left(self._pool.settle_cap_s)
                    if not await self._wait_true(page, browser_js.CHANGED, [job_link, before], wait):
                        return  # the button did nothing: last page
                    status = rendered[-1].status
                rendered.append(await self._render_document(page, deadline, status, job_link=job_link, expand=expand))
                navigations, commits = watch.navigations, watch.commits

    async def _expand(
        self, page: Page, selectors: dict, max_scrolls: int, max_load_more: int, deadline: _Deadline
    ) -> bool:
        """Scroll and click "load more" until the list stops growing; True when a bound stopped us first."""
        job_link = selectors.get("job_link") or None
        scrolls = clicks = 0
        scroll_grew = False
        while True:
            before = await self._eval(page, browser_js.SNAPSHOT, job_link, deadline)
            if before["scrollable"] and scrolls < max_scrolls:
                scrolls += 1
                scroll_grew = await self._scroll(page, job_link, before, deadline)
                if scroll_grew:
                    continue
            control = await self._find_control(page, "more", selectors.get("load_more"), deadline)
            if control is None:
                return scroll_grew and scrolls >= max_scrolls
            if clicks >= max_load_more or deadline.left() <= 0.05:
                return True
            clicks += 1
            before = await self._eval(page, browser_js.SNAPSHOT, job_link, deadline)
            await self._click(page, control["mark"], deadline)
            wait = deadline.left(self._pool.settle_cap_s)
            if not await self._wait_true(page, browser_js.GREW, [job_link, before], wait):
                return False  # the button did nothing more
            await self._settle(page, None, deadline, cap=self._pool.scroll_wait_s)

    async def _scroll(self, page: Page, job_link: str | None, before: dict, deadline: _Deadline) -> bool:
        """Scroll to the bottom; True when the list grew. Without growth, scroll up a screen and down again once
        before concluding (a sentinel that never left the viewport triggers no new IntersectionObserver call)."""
        for script, quick in ((browser_js.SCROLL_TO_BOTTOM, self._pool.scroll_wait_s), (browser_js.JIGGLE, 0.2)):
            requests_before = self._watches[page].started
            await self._eval(page, script, None, deadline)
            if await self._wait_growth(page, job_link, before, requests_before, deadline, quick=quick):
                # let observers see the new layout (the sentinel pushed out of view) before the next scroll
                await self._eval(page, browser_js.NEXT_FRAMES, None, deadline)
                return True
        return False

    async def _wait_growth(
        self,
        page: Page,
        job_link: str | None,
        before: dict,
        requests_before: int,
        deadline: _Deadline,
        *,
        quick: float,
    ) -> bool:
        """After a scroll: did the list grow? Waits `quick` seconds; then, so that a slow or busy machine is not
        taken for the end of the list, until the page has rendered two more frames, and as long as the settle
        cap allows when the scroll set off any request (a lazy loader fetching)."""
        arg = [job_link, before]
        grew = await self._wait_true(page, browser_js.GREW, arg, deadline.left(quick))
        if not grew:
            await self._eval(page, browser_js.NEXT_FRAMES, None, deadline)
            watch = self._watches[page]
            wait = self._pool.settle_cap_s if watch.started > requests_before or watch.in_flight else 0.2
            grew = await self._wait_true(page, browser_js.GREW, arg, deadline.left(wait))
        if grew:
            await self._settle(page, None, deadline, cap=self._pool.scroll_wait_s)
        return grew

    async def _render_document(
        self,
        page: Page,
        deadline: _Deadline,
        status: int | None,
        *,
        job_link: str | None = None,
        expand: Callable[[], Awaitable[bool]] | None = None,
    ) -> RenderedPage:
        """Settle, expand (listings), capture — and start over, at most MAX_SELF_NAVIGATIONS times, when the page
        navigated itself meanwhile (a JavaScript or meta-refresh redirect to the real board)."""
        watch = self._watches[page]
        for attempt in range(MAX_SELF_NAVIGATIONS + 1):
            last = attempt == MAX_SELF_NAVIGATIONS
            navigations, commits = watch.navigations, watch.commits
            rendered: RenderedPage | None = None
            try:
                await self._settle(page, job_link, deadline)
                truncated = await expand() if expand is not None else False
                rendered = await self._capture(page, status, truncated=truncated)
            except PlaywrightError:
                if last or watch.navigations == navigations:
                    raise  # not caused by the page navigating away
            if rendered is not None and (last or watch.navigations == navigations):
                return rendered
            logger.debug("{} navigated itself; rendering the new document", page.url)
            await self._wait_for_commit(page, commits, deadline)
            status = watch.status if watch.status is not None else status
        raise AssertionError("unreachable")  # pragma: no cover

    async def _wait_for_commit(self, page: Page, commits: int, deadline: _Deadline) -> None:
        """Wait (bounded) until the main frame committed a new document after `commits`, then for its DOM."""
        watch = self._watches[page]
        limit = deadline.left(self._pool.settle_cap_s)
        waited = 0.0
        while watch.commits == commits and waited < limit:
            await asyncio.sleep(0.05)
            waited += 0.05
        with contextlib.suppress(PlaywrightTimeoutError):
            await page.wait_for_load_state("domcontentloaded", timeout=deadline.ms())

    async def _check_selectors(self, page: Page, selectors: dict, deadline: _Deadline) -> None:
        """A company's CSS override that is not valid CSS: one clear error naming the field."""
        given = {name: css for name, css in selectors.items() if name in SELECTOR_NAMES and css}
        if not given:
            return
        for name in await self._eval(page, browser_js.INVALID_SELECTORS, given, deadline):
            raise BrowserError(f"selectors.{name}: {given[name]!r} is not a valid CSS selector")

    async def _find_control(self, page: Page, kind: str, selector: str | None, deadline: _Deadline) -> dict | None:
        mark = f"{kind}-{next(self._marks)}"
        arg = {
            "kind": kind,
            "selector": selector or None,
            "mark": mark,
            "nextWords": browser_js.NEXT_WORDS,
            "moreWords": browser_js.MORE_WORDS,
        }
        found = await self._eval(page, browser_js.FIND_CONTROL, arg, deadline)
        if found and found.get("click"):
            found["mark"] = mark
        return found

    async def _click(self, page: Page, mark: str, deadline: _Deadline) -> None:
        """Click like a user; when that is impossible (a cookie banner over the button, an element that never
        becomes "stable"), dispatch the click event to the element directly."""
        target = page.locator(f'[data-scoutly-target="{mark}"]').first
        watch = self._watches[page]
        if not watch.clicks_blocked:
            try:
                await target.click(timeout=deadline.ms(CLICK_TIMEOUT_S))
                return
            except PlaywrightTimeoutError:
                watch.clicks_blocked = True  # this page's later clicks go straight to the event
        await target.dispatch_event("click", timeout=deadline.ms(CLICK_TIMEOUT_S))

    async def _goto(self, page: Page, url: str, deadline: _Deadline) -> PlaywrightResponse | None:
        return await page.goto(url, wait_until="domcontentloaded", timeout=deadline.ms())

    async def _settle(self, page: Page, job_link: str | None, deadline: _Deadline, *, cap: float | None = None) -> None:
        """Wait for the job links (when a selector is known), then for network quiet — each bounded."""
        if job_link:
            try:
                await page.wait_for_selector(job_link, state="attached", timeout=deadline.ms(JOB_LINK_WAIT_S))
            except PlaywrightTimeoutError:  # an empty board, or an override the site outgrew
                logger.warning("selectors.job_link {!r} matched nothing on {}", job_link, page.url)
        # a page that never goes quiet (polling, analytics) is captured as it is
        with contextlib.suppress(PlaywrightTimeoutError):
            await page.wait_for_load_state("networkidle", timeout=deadline.ms(cap or self._pool.settle_cap_s))

    async def _wait_true(self, page: Page, expression: str, arg: Any, seconds: float) -> bool:
        try:
            await page.wait_for_function(expression, arg=arg, timeout=seconds * 1000, polling=100)
        except PlaywrightTimeoutError:
            return False
        return True

    async def _eval(self, page: Page, expression: str, arg: Any, deadline: _Deadline) -> Any:
        # evaluate has no timeout of its own: a page spinning in a JS loop must not hang us
        return await asyncio.wait_for(page.evaluate(expression, arg), deadline.left() + 1.0)

    async def _capture(self, page: Page, status: int | None, *, truncated: bool = False) -> RenderedPage:
        """The document HTML with open shadow roots and same-origin iframe documents appended (links absolute),
        and every iframe URL."""
        deadline = _Deadline(CAPTURE_TIMEOUT_S)
        html = await asyncio.wait_for(page.content(), deadline.left())
        page_origin = _origin(page.url)
        frame_urls: list[str] = []
        for src in await self._eval(page, browser_js.FRAME_SOURCES, None, deadline):
            if src.startswith(("http://", "https://")) and src not in frame_urls:
                frame_urls.append(src)
        sections = [
            f'<section data-scoutly-shadow="{html_escape(shadow["host"])}">{shadow["html"]}</section>'
            for shadow in await self._eval(page, browser_js.SHADOW_HTML, None, deadline)
        ]
        for frame in page.frames:
            if frame is page.main_frame or not frame.url.startswith(("http://", "https://")):
                continue
            if frame.url not in frame_urls:
                frame_urls.append(frame.url)
            if _origin(frame.url) != page_origin:
                continue
            try:
                inner = await asyncio.wait_for(frame.evaluate(browser_js.FRAME_HTML), deadline.left())
            except (TimeoutError, PlaywrightError):
                continue  # detached or stuck frame: its URL is still reported
            sections.append(f'<section data-scoutly-frame="{html_escape(frame.url)}">{inner}</section>')
        if sections:
            html = _append_before_body_end(html, "\n".join(sections))
        if len(html) > self._pool.max_html_chars:
            logger.warning(
                "{}: {} characters of HTML, keeping the first {}", page.url, len(html), self._pool.max_html_chars
            )
            html, truncated = html[: self._pool.max_html_chars], True
        self.pages += 1
        return RenderedPage(url=page.url, html=html, frame_urls=frame_urls, status=status, truncated=truncated)

    # --- plumbing ---------------------------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def _page(self, url: str) -> AsyncIterator[Page]:
        async with self._one_page, self._open_page(url) as page:
            yield page

    @contextlib.asynccontextmanager
    async def _open_page(self, url: str) -> AsyncIterator[Page]:
        try:
            page = await self._context.new_page()
        except PlaywrightError as exc:
            self.suspect = True
            raise BrowserError(f"{url}: browser unusable: {_reason(exc)}") from exc
        self._watches[page] = _Watch.attach(page)
        try:
            yield page
        finally:
            self._watches.pop(page, None)
            if not await _close_quietly(page):
                self.suspect = True

    @contextlib.asynccontextmanager
    async def _guard(self, url: str, deadline: _Deadline) -> AsyncIterator[None]:
        """Turn Playwright errors and our own timeouts into BrowserError naming the URL."""
        try:
            async with asyncio.timeout(deadline.seconds + CAPTURE_TIMEOUT_S + 5):
                yield
        except PlaywrightTimeoutError as exc:
            raise BrowserError(f"{url}: timed out after {deadline.seconds:g}s ({_reason(exc)})") from exc
        except TimeoutError as exc:
            self.suspect = True
            raise BrowserError(f"{url}: timed out after {deadline.seconds:g}s (page unresponsive)") from exc
        except PlaywrightError as exc:
            crashed = not self._pool.connected
            detail = "browser crashed" if crashed else _reason(exc)
            raise BrowserError(f"{url}: {detail}") from exc


def _append_before_body_end(html: str, extra: str) -> str:
    index = html.lower().rfind("</body>")
    return html[:index] + extra + html[index:] if index >= 0 else html + extra


class BrowserPool:
    """A shared, lazily started Chromium with a page budget, restarts by page count and memory, crash recovery."""

    def __init__(
        self,
        settings: Any,
        *,
        max_pages: int = 5,
        restart_after_pages: int | None = None,
        memory_limit_mb: int | None = None,
        memory_hard_limit_mb: int | None = None,
        settle_cap_s: float = 4.0,
        scroll_wait_s: float = 0.6,
        max_html_chars: int = 10_000_000,
    ) -> None:
        # restart budget: the arguments, else SCOUTLY_BROWSER_RESTART_AFTER_PAGES / SCOUTLY_BROWSER_MEMORY_LIMIT_MB
        if restart_after_pages is None:
            restart_after_pages = getattr(settings, "browser_restart_after_pages", DEFAULT_RESTART_AFTER_PAGES)
        if memory_limit_mb is None:
            memory_limit_mb = getattr(settings, "browser_memory_limit_mb", DEFAULT_MEMORY_LIMIT_MB)
        if max_pages < 1 or restart_after_pages < 1 or memory_limit_mb < 1:
            raise ValueError("max_pages, restart_after_pages and memory_limit_mb must be positive")
        self._settings = settings
        self.max_pages = max_pages
        self.restart_after_pages = int(restart_after_pages)
        self.memory_limit_mb = int(memory_limit_mb)
        # above this, checked every WATCHDOG_S while pages render, the biggest renderer is killed at once
        self.memory_hard_limit_mb = int(memory_hard_limit_mb or self.memory_limit_mb * 3 // 2)
        self.settle_cap_s = settle_cap_s
        self.scroll_wait_s = scroll_wait_s
        self.max_html_chars = max_html_chars  # longer documents are cut and marked truncated (incomplete)
        self._slots = asyncio.Semaphore(max_pages)
        self._state = asyncio.Condition()
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._process: psutil.Process | None = None
        self._markers: list[str] = []
        self._active = 0
        self._pages_since_launch = 0
        self._retire: str | None = None  # reason to restart as soon as in-flight sessions end
        self._closed = False
        # counters (for the processor's progress display and the benchmark)
        self.launches = 0
        self.pages_rendered = 0
        self.restarts: dict[str, int] = {"pages": 0, "memory": 0, "crash": 0}
        self.peak_browser_mb = 0.0  # highest Chromium tree memory seen (PSS)
        self.renderers_killed = 0  # runaway pages stopped by the memory watchdog
        self._memory_checked = float("-inf")
        self._watchdog: asyncio.Task | None = None

    async def __aenter__(self) -> BrowserPool:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # --- public ----------------------------------------------------------------------------------------------
    async def render_listing(
        self,
        url: str,
        *,
        selectors: dict | None = None,
        max_next_pages: int = 5,
        max_scrolls: int = 10,
        timeout_s: float = 30.0,
        max_load_more: int = 20,
    ) -> list[RenderedPage]:
        """See `BrowserSession.render_listing`; runs in a fresh context of its own."""
        async with self.session() as session:
            return await session.render_listing(
                url,
                selectors=selectors,
                max_next_pages=max_next_pages,
                max_scrolls=max_scrolls,
                timeout_s=timeout_s,
                max_load_more=max_load_more,
            )

    async def render_page(self, url: str, *, timeout_s: float = 30.0) -> RenderedPage:
        """See `BrowserSession.render_page`; runs in a fresh context of its own."""
        async with self.session() as session:
            return await session.render_page(url, timeout_s=timeout_s)

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[BrowserSession]:
        """A fresh browser context holding one page slot until the block ends (one company's pages)."""
        async with self._slots:
            browser = await self._lease()
            session: BrowserSession | None = None
            try:
                try:
                    context = await browser.new_context(
                        user_agent=self._settings.user_agent,
                        viewport=VIEWPORT,
                        locale="en-US",
                        service_workers="block",
                        accept_downloads=False,  # a PDF or ZIP link is an error, not a file on the Pi's card
                    )
                except PlaywrightError as exc:
                    self._retire = self._retire or "crash"  # e.g. the Playwright driver died: start afresh
                    raise BrowserError(f"browser unusable: {_reason(exc)}") from exc
                try:
                    await context.route("**/*", _block_heavy)
                    session = BrowserSession(self, context)
                    yield session
                finally:
                    if not await _close_quietly(context) and session is not None:
                        session.suspect = True
            finally:
                await self._release(session)

    @property
    def connected(self) -> bool:
        return self._browser is not None and self._browser.is_connected()

    @property
    def browser_pid(self) -> int | None:
        """PID of the running Chromium browser process (None before the first page)."""
        return self._process.pid if self._process is not None else None

    def browser_memory_mb(self) -> float:
        """Memory of the Chromium process tree now (MiB, summed PSS; see `browser_procs.tree_memory_mb`)."""
        return browser_procs.tree_memory_mb(browser_procs.tree(self._process))

    async def close(self) -> None:
        """Close the browser and the Playwright driver; kill anything of Chromium that is left. Idempotent."""
        self._closed = True
        try:
            await self._shutdown_browser()
        finally:
            await self._stop_driver()
            leftovers = [p for marker in self._markers for p in browser_procs.marked_processes(marker)]
            if leftovers:
                await asyncio.to_thread(browser_procs.kill_all, leftovers)

    # --- lifecycle --------------------------------------------------------------------------------------------
    def _restart_reason(self) -> str | None:
        if self._browser is None:
            return "start"
        if not self._browser.is_connected():
            return "crash"
        if self._retire:
            return self._retire
        if self._pages_since_launch >= self.restart_after_pages:
            return "pages"
        return None

    async def _lease(self) -> Browser:
        """The current browser for one more session; restarts it first when due and nobody is using it."""
        async with self._state:
            while True:
                if self._closed:
                    raise BrowserError("browser pool is closed")
                reason = self._restart_reason()
                if reason is None:
                    self._active += 1
                    return self._browser  # type: ignore[return-value]
                if self._active == 0:
                    await self._relaunch(reason)
                    continue
                await self._state.wait()  # drain: sessions on the old browser finish first

    async def _release(self, session: BrowserSession | None) -> None:
        # bookkeeping first and synchronously: a cancellation below must not leak the lease
        self._active -= 1
        pages = session.pages if session is not None else 0
        self._pages_since_launch += pages
        self.pages_rendered += pages
        if session is not None and session.suspect:
            self._retire = self._retire or "crash"
        try:
            now = time.monotonic()
            if self._process is not None and not self._retire and now - self._memory_checked >= MEMORY_CHECK_S:
                self._memory_checked = now
                used = await asyncio.to_thread(self.browser_memory_mb)
                self.peak_browser_mb = max(self.peak_browser_mb, used)
                if used > self.memory_limit_mb:
                    logger.info("Chromium uses {:.0f} MB > {} MB: restarting it", used, self.memory_limit_mb)
                    self._retire = "memory"
        finally:
            await asyncio.shield(self._notify())

    async def _notify(self) -> None:
        async with self._state:
            self._state.notify_all()

    async def _relaunch(self, reason: str) -> None:
        if reason != "start":
            self.restarts[reason] = self.restarts.get(reason, 0) + 1
            logger.info("restarting Chromium ({})", reason)
        await self._shutdown_browser()
        await self._launch()

    async def _launch(self) -> None:
        executable = chromium_executable(self._settings)
        fresh_driver = self._playwright is None
        if self._playwright is None:
            reaped = await asyncio.to_thread(browser_procs.reap_orphans)
            if reaped:
                logger.warning("killed {} orphaned Chromium process(es) left by a previous run", reaped)
            self._playwright = await async_playwright().start()
        marker = browser_procs.new_marker()
        self._markers.append(marker)
        try:
            browser = await self._playwright.chromium.launch(
                executable_path=executable,
                headless=True,
                chromium_sandbox=False,
                args=[*LAUNCH_ARGS, browser_procs.marker_arg(marker)],
                timeout=60_000,
            )
        except BaseException as exc:
            await asyncio.to_thread(browser_procs.kill_all, browser_procs.marked_processes(marker))
            if not isinstance(exc, PlaywrightError):
                raise
            await self._stop_driver()
            if not fresh_driver:  # the long-running driver may be what died: one more try with a new one
                logger.warning("Playwright driver unusable ({}): starting a new one", _reason(exc))
                await self._launch()
                return
            raise BrowserUnavailable(
                f"SCOUTLY_CHROMIUM_PATH: Chromium {executable} failed to start: {_reason(exc)}"
            ) from exc
        self._browser = browser
        self._process = await asyncio.to_thread(browser_procs.find_browser, marker)
        self._pages_since_launch = 0
        self._retire = None
        self.launches += 1
        if self._process is not None:
            self._watchdog = asyncio.create_task(self._watch_memory(self._process), name="chromium-memory-watchdog")

    async def _watch_memory(self, process: psutil.Process) -> None:
        """While Chromium runs: a single runaway page must not eat the Pi's memory before its session ends (the
        OOM killer might pick MongoDB). Above the hard limit the biggest renderer is killed — its page fails
        with BrowserError — and the browser is restarted once the sessions in flight end."""
        while True:
            await asyncio.sleep(WATCHDOG_S)
            try:
                procs = await asyncio.to_thread(browser_procs.tree, process)
                used = await asyncio.to_thread(browser_procs.tree_memory_mb, procs)
                self.peak_browser_mb = max(self.peak_browser_mb, used)
                if used <= self.memory_hard_limit_mb:
                    continue
                victim = await asyncio.to_thread(browser_procs.largest_renderer, procs)
                if victim is None:
                    continue
                logger.warning(
                    "Chromium uses {:.0f} MB > {} MB: killing its biggest page (renderer {})",
                    used,
                    self.memory_hard_limit_mb,
                    victim.pid,
                )
                await asyncio.to_thread(browser_procs.kill_all, [victim])
                self.renderers_killed += 1
                self._retire = self._retire or "memory"
            except psutil.Error as exc:  # the tree changed under us; look again next time
                logger.debug("memory watchdog: {}", exc)

    async def _stop_driver(self) -> None:
        playwright, self._playwright = self._playwright, None
        if playwright is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(playwright.stop(), CLOSE_TIMEOUT_S)

    async def _shutdown_browser(self) -> None:
        browser, process, watchdog = self._browser, self._process, self._watchdog
        self._browser = self._process = self._watchdog = None
        if watchdog is not None:
            watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watchdog
        procs = browser_procs.tree(process)
        try:
            if browser is not None:
                with contextlib.suppress(PlaywrightError, asyncio.TimeoutError):
                    await asyncio.wait_for(browser.close(), CLOSE_TIMEOUT_S)
        finally:
            if procs:
                await asyncio.to_thread(browser_procs.kill_all, procs)
