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

The rendering itself is in `browser_session.py`, the returned types and errors in `browser_models.py`, the
JavaScript run in pages in `browser_js.py`, the process tree (memory, orphans) in `browser_procs.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import time
from collections.abc import AsyncIterator
from pathlib import Path

import psutil
from loguru import logger
from playwright.async_api import Browser, Playwright, ViewportSize, async_playwright
from playwright.async_api import Error as PlaywrightError

from scoutly.acquire import browser_procs, chromium_sandbox
from scoutly.acquire.browser_models import BrowserError, BrowserUnavailable, PartialListing, RenderedPage
from scoutly.acquire.browser_session import (
    CLOSE_TIMEOUT_S,
    BrowserSession,
    RouteLog,
    close_quietly,
    egress_route,
    reason,
)
from scoutly.acquire.egress import EgressPolicy
from scoutly.acquire.egress_net import Egress, checked_client
from scoutly.acquire.http import Http, HttpLimits
from scoutly.acquire.models import Selectors
from scoutly.config import Settings

__all__ = [
    "BrowserError",
    "BrowserPool",
    "BrowserSession",
    "BrowserUnavailable",
    "PartialListing",
    "RenderedPage",
    "chromium_executable",
]

# Headless Chromium in a container or on a Pi: no GPU, /tmp instead of a small /dev/shm, and none of Chromium's own
# background traffic (without these flags its connections are refused here). The sandbox stays on unless
# chromium_sandbox.py decides otherwise (`--no-sandbox` is added only then, and logged).
LAUNCH_ARGS = (
    "--headless",
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
VIEWPORT: ViewportSize = {"width": 1366, "height": 900}
HARD_LIMIT_RATIO = 1.25  # the watchdog kills a renderer at 1.25× the limit: 1250 MB, well below the unit's 2 GB
PAGE_LOADS_RATIO = 4  # everything one page loads together (scripts, fetched JSON) may be 4× that (like a feed)
WATCHDOG_S = 2.0  # how often the memory watchdog reads Chromium's memory while pages render
MEMORY_CHECK_S = 1.0  # at most one memory reading per second (reading PSS of ~10 processes takes ~20 ms)


def chromium_executable(settings: Settings) -> str:
    """SCOUTLY_CHROMIUM_PATH when set (must exist), else `chromium`/`chromium-browser` on PATH."""
    configured = settings.chromium_path
    if configured:
        if not Path(configured).is_file():
            raise BrowserUnavailable(f"SCOUTLY_CHROMIUM_PATH: {configured} does not exist")
        return str(configured)
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    raise BrowserUnavailable("SCOUTLY_CHROMIUM_PATH: chromium not found on PATH (apt-get install chromium)")


class BrowserPool:
    """A shared, lazily started Chromium with a page budget, restarts by page count and memory, crash recovery."""

    def __init__(
        self,
        settings: Settings,
        *,
        max_pages: int = 5,
        restart_after_pages: int | None = None,
        memory_limit_mb: int | None = None,
        memory_hard_limit_mb: int | None = None,
        settle_cap_s: float = 4.0,
        scroll_wait_s: float = 0.6,
        max_html_chars: int = 10_000_000,
        egress: Egress | None = None,
    ) -> None:
        # restart budget: the arguments, else SCOUTLY_BROWSER_RESTART_AFTER_PAGES / SCOUTLY_BROWSER_MEMORY_LIMIT_MB
        if restart_after_pages is None:
            restart_after_pages = settings.browser_restart_after_pages
        if memory_limit_mb is None:
            memory_limit_mb = settings.browser_memory_limit_mb
        if max_pages < 1 or restart_after_pages < 1 or memory_limit_mb < 1:
            raise ValueError("max_pages, restart_after_pages and memory_limit_mb must be positive")
        self._settings = settings
        # every request of every page is checked against the egress policy (see browser_session.egress_route)
        self.egress = egress or Egress(EgressPolicy.from_settings(settings))
        self.max_pages = max_pages
        self.restart_after_pages = int(restart_after_pages)
        self.memory_limit_mb = int(memory_limit_mb)
        # above this, checked every WATCHDOG_S while pages render, the biggest renderer is killed at once
        self.memory_hard_limit_mb = int(memory_hard_limit_mb or self.memory_limit_mb * HARD_LIMIT_RATIO)
        # byte budget of one rendered page (browser_budget): the document as over HTTP, all it loads 4× that
        self.document_byte_limit = settings.max_page_bytes
        self._fetcher: Http | None = None  # sends Chromium's GET requests (see egress_route)
        self.page_byte_limit = self.document_byte_limit * PAGE_LOADS_RATIO
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
        self._watchdog: asyncio.Task[None] | None = None
        self._sandbox_mode: chromium_sandbox.SandboxMode = settings.chromium_sandbox
        self.sandbox: chromium_sandbox.SandboxDecision | None = None  # how Chromium was launched (after the first)

    async def __aenter__(self) -> BrowserPool:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # --- public ----------------------------------------------------------------------------------------------
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
                    raise BrowserError(f"browser unusable: {reason(exc)}") from exc
                try:
                    routes = RouteLog()
                    await context.route("**/*", egress_route(self.egress, routes, self._get_fetcher()))
                    session = BrowserSession(self, context, routes)
                    yield session
                finally:
                    if not await close_quietly(context) and session is not None:
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

    def _get_fetcher(self) -> Http:
        """Acquisition's HTTP client for Chromium's GET requests: egress-checked at every redirect hop and at
        connect time, one attempt, no politeness delay (the browser's own loads of one page), no cookie jar."""
        if self._fetcher is None:
            client = checked_client(self._settings, self.egress, keep_cookies=False)
            timeout_s = float(self._settings.fetch_timeout_s)
            limits = HttpLimits(delay_s=0, max_bytes=self.document_byte_limit, timeout_s=timeout_s, attempts=1)
            self._fetcher = Http(client, limits, policy=self.egress.policy)
        return self._fetcher

    async def close(self) -> None:
        """Close the browser and the Playwright driver; kill anything of Chromium that is left. Idempotent."""
        self._closed = True
        fetcher, self._fetcher = self._fetcher, None
        if fetcher is not None:
            await fetcher.client.aclose()
        try:
            await self._shutdown_browser()
        finally:
            await self._stop_driver()
            leftovers = [p for marker in self._markers for p in browser_procs.marked_processes(marker)]
            if leftovers:
                await asyncio.to_thread(browser_procs.kill_all, leftovers)

    # --- lifecycle --------------------------------------------------------------------------------------------
    def _restartreason(self) -> str | None:
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
                reason = self._restartreason()
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
        sandbox = await asyncio.to_thread(chromium_sandbox.current, self._sandbox_mode)
        try:
            browser = await self._playwright.chromium.launch(
                executable_path=executable,
                headless=True,
                chromium_sandbox=sandbox.sandbox,  # False makes Playwright add --no-sandbox too
                args=[*LAUNCH_ARGS, *sandbox.args, browser_procs.marker_arg(marker)],
                timeout=60_000,
            )
        except BaseException as exc:
            await asyncio.to_thread(browser_procs.kill_all, browser_procs.marked_processes(marker))
            if not isinstance(exc, PlaywrightError):
                raise
            fallback = chromium_sandbox.after_failed_launch(sandbox, reason(exc)) if fresh_driver else None
            if fallback is not None:  # auto: the kernel refused the sandbox after all; once, with a warning
                chromium_sandbox.remember(fallback)
                await self._launch()
                return
            await self._stop_driver()
            if not fresh_driver:  # the long-running driver may be what died: one more try with a new one
                logger.warning("Playwright driver unusable ({}): starting a new one", reason(exc))
                await self._launch()
                return
            hint = " (SCOUTLY_CHROMIUM_SANDBOX=on needs a non-root user and user namespaces; auto falls back)"
            raise BrowserUnavailable(
                f"SCOUTLY_CHROMIUM_PATH: Chromium {executable} failed to start: {reason(exc)}"
                + (hint if sandbox.mode == "on" else "")
            ) from exc
        self.sandbox = sandbox
        self._browser = browser
        self._process = await asyncio.to_thread(browser_procs.find_browser, marker)
        self._pages_since_launch = 0
        self._retire = None
        self.launches += 1
        if self._process is not None:
            self._watchdog = asyncio.create_task(self._watch_memory(self._process), name="chromium-memory-watchdog")
        else:  # e.g. a wrapper script that starts Chromium without exec: it does not carry our marker
            logger.warning(
                "Chromium's process (marker {}) not found: its memory limits are not enforced; point "
                "SCOUTLY_CHROMIUM_PATH at the Chromium binary itself",
                marker,
            )

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
