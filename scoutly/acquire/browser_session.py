"""Rendering one company's pages in one browser context: listings (lazy lists scrolled, "load more" clicked, next
pages followed, client-side redirects followed) and single pages, every wait bounded. Made by
`BrowserPool.session()`; the pool owns Chromium, its budget and restarts."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from html import escape as html_escape
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from loguru import logger
from playwright.async_api import BrowserContext, Frame, Page, Request, Route
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Response as PlaywrightResponse
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from scoutly.acquire import browser_js
from scoutly.acquire.browser_budget import ByteBudget
from scoutly.acquire.browser_models import BrowserError, PartialListing, RenderedPage
from scoutly.acquire.egress import EgressRefused
from scoutly.acquire.egress_net import Egress
from scoutly.acquire.http import MAX_REDIRECTS, Answer, FetchError, Http
from scoutly.acquire.models import Selectors

if TYPE_CHECKING:
    from scoutly.acquire.browser import BrowserPool

BLOCKED_RESOURCES = frozenset({"image", "font", "media"})
INLINE_SCHEMES = ("data:", "blob:")
CLOSE_TIMEOUT_S = 10.0
CAPTURE_TIMEOUT_S = 10.0
CLICK_TIMEOUT_S = 3.0
JOB_LINK_WAIT_S = 15.0  # longest wait for a company's job_link selector to match
SELECTOR_NAMES = ("job_link", "next_page", "load_more")  # the per-company CSS overrides render_listing uses
MAX_SELF_NAVIGATIONS = 2  # client-side redirects followed while rendering one document
QUIET_WINDOW_S = 0.6  # a settled page must keep its links unchanged this long (timers that fetch late)
MAX_QUIET_ROUNDS = 3  # bound on re-settling a page that keeps changing


def _strip_fragment(url: str) -> str:
    return url.split("#", 1)[0]


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def reason(exc: BaseException) -> str:
    """First line of a Playwright error, without its call log."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return re.sub(r"^(Page|Locator|Frame|BrowserContext|Browser)\.\w+: ", "", text)


# headers of a fetched answer not handed to the browser: the body is already decoded and whole, and cookies
# are passed on separately
NOT_FORWARDED = frozenset(
    {"content-encoding", "content-length", "transfer-encoding", "connection", "keep-alive", "set-cookie"}
)


# headers of the browser's request not sent on: httpx sets its own (and decodes the body itself)
NOT_SENT = frozenset({"host", "content-length", "connection", "keep-alive", "accept-encoding", "transfer-encoding"})


@dataclass
class RouteLog:
    """What the route handler did to main-frame documents, for `_goto`: redirects followed (first URL → final
    URL, with the final answer kept) so it navigates to where they landed, and refusals (URL → why) so it says
    them plainly."""

    landed: dict[str, str] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)
    prefetched: dict[str, Answer] = field(default_factory=dict)  # final URL → its answer, for that navigation
    expected: set[str] = field(default_factory=set)  # URLs `_goto` is navigating to (it goes on where they land)


def egress_route(
    egress: Egress, log: RouteLog | None = None, fetcher: Http | None = None
) -> Callable[[Route], Awaitable[None]]:
    """Context route handler: images, fonts and media are never downloaded, and every other request (documents,
    scripts, fetch/XHR, frames, WebSocket handshakes) must pass the egress policy or is aborted.

    Chromium follows a redirect without asking the route again, so GET requests (pages, frames, scripts,
    stylesheets, fetch/XHR) are not left to it: `fetcher` — acquisition's own HTTP client — sends them with the
    browser's headers, following redirects hop by hop with each hop checked, connecting to the checked address and
    holding the document byte budget per response, and the browser is handed the answer. Other methods (a POST
    from a script, a CORS preflight) go out from Chromium after their URL is checked. Main-frame documents that
    were redirected or refused are noted in `log`."""

    async def handle(route: Route) -> None:
        request = route.request
        try:
            if request.resource_type in BLOCKED_RESOURCES:
                await route.abort()
                return
            refusal = await _egress_refusal(egress, request.url)
            if refusal is None:
                if fetcher is None or request.method != "GET":
                    await route.continue_()
                    return
                refusal = await _fulfil_get(route, fetcher, log)
                if refusal is None:
                    return
            logger.warning("blocked {} request: {}", request.resource_type, refusal)
            if log is not None and _main_document(request):
                log.refused[request.url] = refusal
            await route.abort("blockedbyclient")
        except PlaywrightError:  # the page went away while the request was in flight
            pass

    return handle


def _main_document(request: Request) -> bool:
    return request.is_navigation_request() and request.frame.parent_frame is None


async def _fulfil_get(route: Route, fetcher: Http, log: RouteLog | None) -> str | None:
    """Send a GET through `fetcher` (with the browser's headers) and fulfil the route with the answer;
    why not, or None when handled. A main-frame document `_goto` asked for that was redirected is not shown under
    its first URL (its relative links would be wrong): the navigation is aborted, the answer kept, and `_goto`
    goes to where it landed, where this handler hands over the kept answer. A navigation the page made itself (a
    clicked link, a script) gets the final answer under the URL it asked for."""
    request = route.request
    answer = log.prefetched.pop(request.url, None) if log is not None else None
    if answer is None:
        sent = {name: value for name, value in (await request.all_headers()).items() if name.lower() not in NOT_SENT}
        try:
            answer = await fetcher.answer(request.url, headers=sent)
        except FetchError as exc:
            return str(exc)
    if answer.url != request.url and log is not None and _main_document(request) and request.url in log.expected:
        log.landed[request.url] = answer.url
        log.prefetched[answer.url] = answer
        await route.abort("aborted")
        return None
    headers = {name: value for name, value in answer.headers.items() if name.lower() not in NOT_FORWARDED}
    cookies = answer.headers.get_list("set-cookie")
    if cookies:
        headers["set-cookie"] = "\n".join(cookies)  # Playwright's spelling of several Set-Cookie headers
    await route.fulfill(status=answer.status, headers=headers, body=answer.body)
    return None


async def _egress_refusal(egress: Egress, url: str) -> str | None:
    """Why the browser may not request `url`, or None. Inline data is not a network request."""
    if url.startswith(INLINE_SCHEMES):
        return None
    try:
        await egress.check_url(url)
    except EgressRefused as exc:
        return str(exc)
    except OSError as exc:
        return f"{url}: its host does not resolve ({exc})"
    return None


async def close_quietly(target: Page | BrowserContext) -> bool:
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

    def __init__(self, pool: BrowserPool, context: BrowserContext, routes: RouteLog | None = None) -> None:
        self._pool = pool
        self._context = context
        self.routes = routes or RouteLog()  # redirected and refused documents (see `egress_route`)
        self._marks = itertools.count(1)
        self._watches: dict[Page, _Watch] = {}
        self._one_page = asyncio.Lock()  # a session renders one page at a time (the pool's page budget)
        self.pages = 0  # documents rendered (for the pool's restart budget)
        self.suspect = False  # a page did not close: restart the browser when this session ends
        self._budget: ByteBudget | None = None  # bytes of the page being rendered (one at a time)
        self._closing: set[asyncio.Task[bool]] = set()

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
        selectors: Selectors | None = None,
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
        selectors: Selectors,
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
        self, page: Page, selectors: Selectors, max_scrolls: int, max_load_more: int, deadline: _Deadline
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

    async def _scroll(self, page: Page, job_link: str | None, before: dict[str, Any], deadline: _Deadline) -> bool:
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
        before: dict[str, Any],
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

    async def _check_selectors(self, page: Page, selectors: Selectors, deadline: _Deadline) -> None:
        """A company's CSS override that is not valid CSS: one clear error naming the field."""
        given = {name: css for name, css in selectors.items() if name in SELECTOR_NAMES and css}
        if not given:
            return
        for name in await self._eval(page, browser_js.INVALID_SELECTORS, given, deadline):
            raise BrowserError(f"selectors.{name}: {given[name]!r} is not a valid CSS selector")

    async def _find_control(
        self, page: Page, kind: str, selector: str | None, deadline: _Deadline
    ) -> dict[str, Any] | None:
        mark = f"{kind}-{next(self._marks)}"
        arg = {
            "kind": kind,
            "selector": selector or None,
            "mark": mark,
            "nextWords": browser_js.NEXT_WORDS,
            "moreWords": browser_js.MORE_WORDS,
        }
        found: dict[str, Any] | None = await self._eval(page, browser_js.FIND_CONTROL, arg, deadline)
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
        refusal = await _egress_refusal(self._pool.egress, url)
        if refusal is not None:  # said plainly here; the route handler would only say ERR_BLOCKED_BY_CLIENT
            raise BrowserError(f"refused by the egress policy: {refusal}")
        for _hop in range(MAX_REDIRECTS):
            asked = url
            self.routes.expected.add(asked)
            try:
                return await page.goto(url, wait_until="domcontentloaded", timeout=deadline.ms())
            except PlaywrightError:
                landed = self.routes.landed.pop(url, None)
                if landed is None:
                    raise
                url = landed  # redirected (every hop checked by the route handler): go where it landed
            finally:
                self.routes.expected.discard(asked)
        raise BrowserError(f"{url}: more than {MAX_REDIRECTS} redirects")

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
        if cap is None:
            await self._wait_for_quiet_links(page, job_link, deadline)

    async def _wait_for_quiet_links(self, page: Page, job_link: str | None, deadline: _Deadline) -> None:
        """Network quiet is not enough: a script may fetch its list from a timer that fires after the network
        went idle (late on a busy Pi). Re-settle while the page's links keep changing, a bounded number of times."""
        for _ in range(MAX_QUIET_ROUNDS):
            before = await self._eval(page, browser_js.SNAPSHOT, job_link, deadline)
            if not await self._wait_true(page, browser_js.CHANGED, [job_link, before], deadline.left(QUIET_WINDOW_S)):
                return
            with contextlib.suppress(PlaywrightTimeoutError):
                await page.wait_for_load_state("networkidle", timeout=deadline.ms(self._pool.settle_cap_s))

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
            raise BrowserError(f"{url}: browser unusable: {reason(exc)}") from exc
        self._watches[page] = _Watch.attach(page)
        try:
            await self._watch_bytes(page, url)
            yield page
        finally:
            self._watches.pop(page, None)
            if not await close_quietly(page):
                self.suspect = True
            if self._budget is not None:
                await self._budget.detach()

    async def _watch_bytes(self, page: Page, url: str) -> None:
        """Count what the page receives; past its byte budget the page is closed at once (loads stop, memory is
        freed) and the visit fails with the reason (`_guard`)."""

        def over_budget(_reason: str) -> None:
            task = asyncio.get_running_loop().create_task(close_quietly(page))
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)

        self._budget = ByteBudget(self._pool.document_byte_limit, self._pool.page_byte_limit, over_budget)
        try:
            await self._budget.attach(self._context, page)
        except PlaywrightError as exc:
            self.suspect = True
            raise BrowserError(f"{url}: browser unusable: {reason(exc)}") from exc

    @contextlib.asynccontextmanager
    async def _guard(self, url: str, deadline: _Deadline) -> AsyncIterator[None]:
        """Turn Playwright errors and our own timeouts into BrowserError naming the URL."""
        try:
            async with asyncio.timeout(deadline.seconds + CAPTURE_TIMEOUT_S + 5):
                yield
        except PlaywrightError as exc:
            if self._budget is not None and self._budget.exceeded:  # we closed the page: say why
                raise BrowserError(f"{url}: {self._budget.exceeded}") from exc
            if isinstance(exc, PlaywrightTimeoutError):
                raise BrowserError(f"{url}: timed out after {deadline.seconds:g}s ({reason(exc)})") from exc
            if url in self.routes.refused:  # said plainly: the browser itself only says ERR_BLOCKED_BY_CLIENT
                raise BrowserError(self.routes.refused[url]) from exc
            crashed = not self._pool.connected
            detail = "browser crashed" if crashed else reason(exc)
            raise BrowserError(f"{url}: {detail}") from exc
        except TimeoutError as exc:
            self.suspect = True
            raise BrowserError(f"{url}: timed out after {deadline.seconds:g}s (page unresponsive)") from exc


def _append_before_body_end(html: str, extra: str) -> str:
    index = html.lower().rfind("</body>")
    return html[:index] + extra + html[index:] if index >= 0 else html + extra
