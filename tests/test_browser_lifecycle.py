"""BrowserPool lifecycle on real Chromium: crashes, restarts by page count and memory, the page budget,
and no orphaned Chromium after close, cancellation, SIGTERM/SIGKILL of the owner, or a previous dead run."""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from test_browser_render import serve_sites

from scoutly.acquire import browser_procs
from scoutly.acquire.browser import BrowserError, BrowserPool, BrowserUnavailable
from scoutly.config import Settings
from scoutly.errors import ConfigError
from scoutly.testing.http_server import LocalServer, Request, Response

REPO = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed"),
]


def settings(**overrides: object) -> Settings:
    return Settings(_env_file=None, **overrides)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        serve_sites(running)
        yield running


def chromium_of(pool: BrowserPool) -> list[psutil.Process]:
    """Every living process of every Chromium this pool ever launched."""
    return [p for marker in pool._markers for p in browser_procs.marked_processes(marker)]


async def wait_for_hit(server: LocalServer, path: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not server.hits(path):
        assert time.monotonic() < deadline, f"{path} was never requested"
        await asyncio.sleep(0.05)


def gone(pids: list[int], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = [pid for pid in pids if psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"]
        if not alive:
            return True
        time.sleep(0.1)
    return False


async def test_close_leaves_no_chromium(server: LocalServer) -> None:
    pool = BrowserPool(settings())
    async with pool:
        await pool.render_page(server.url("/js/list.html"))
        tree = chromium_of(pool)
        assert len(tree) >= 2 and pool.browser_pid in [p.pid for p in tree]
    assert chromium_of(pool) == []
    assert gone([p.pid for p in tree])
    with pytest.raises(BrowserError, match="closed"):
        await pool.render_page(server.url("/js/list.html"))


async def test_cancelled_owner_task_leaves_no_chromium(server: LocalServer) -> None:
    pool = BrowserPool(settings())

    async def owner() -> None:
        async with pool:
            await pool.render_page(server.url("/hang"), timeout_s=60)

    task = asyncio.create_task(owner())
    await wait_for_hit(server, "/hang")
    tree = [p.pid for p in chromium_of(pool)]
    assert tree
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert chromium_of(pool) == [] and gone(tree)


CHILD = textwrap.dedent(
    """
    import asyncio, sys
    from scoutly.acquire.browser import BrowserPool
    from scoutly.config import Settings

    async def main():
        async with BrowserPool(Settings(_env_file=None)) as pool:
            await pool.render_page(sys.argv[1])
            print(pool._markers[-1], flush=True)
            await pool.render_page(sys.argv[2], timeout_s=120)   # mid-page when the signal arrives

    asyncio.run(main())
    """
)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_owner_process_killed_mid_page_leaves_no_chromium(server: LocalServer, sig: signal.Signals) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, server.url("/js/list.html"), server.url("/hang")],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        ready, _, _ = select.select([child.stdout], [], [], 60)
        assert ready, "the child did not start Chromium within 60 s"
        marker = child.stdout.readline().strip()  # type: ignore[union-attr]
        assert marker, "the child did not start Chromium"
        deadline = time.monotonic() + 15
        while not server.hits("/hang"):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        tree = [p.pid for p in browser_procs.marked_processes(marker)]
        assert tree
        child.send_signal(sig)
        child.wait(timeout=15)
        assert gone(tree, timeout=10), "Chromium outlived its owner"
        assert browser_procs.marked_processes(marker) == []
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


async def test_browser_killed_mid_page_raises_then_relaunches(server: LocalServer) -> None:
    async with BrowserPool(settings()) as pool:
        await pool.render_page(server.url("/js/list.html"))
        first_pid = pool.browser_pid
        rendering = asyncio.create_task(pool.render_page(server.url("/hang"), timeout_s=60))
        await wait_for_hit(server, "/hang")
        started = time.monotonic()
        browser_procs.kill_all(browser_procs.tree(psutil.Process(first_pid)))
        with pytest.raises(BrowserError) as raised:
            await rendering
        assert time.monotonic() - started < 10  # noticed at once, not after the 60 s budget
        assert "/hang" in str(raised.value)
        page = await pool.render_page(server.url("/js/list.html"))  # transparently relaunched
        assert page.status == 200 and "job-link" in page.html
        assert pool.browser_pid != first_pid and pool.launches == 2 and pool.restarts["crash"] == 1


async def test_renderer_crash_is_a_browser_error_and_the_pool_goes_on(server: LocalServer) -> None:
    async with BrowserPool(settings()) as pool:
        with pytest.raises(BrowserError):
            await pool.render_page("chrome://crash", timeout_s=10)
        page = await pool.render_page(server.url("/js/list.html"))
        assert page.status == 200 and "job-link" in page.html


async def test_restart_after_n_pages_closes_the_old_browser(server: LocalServer) -> None:
    async with BrowserPool(settings(), restart_after_pages=2) as pool:
        listing = await pool.render_listing(server.url("/js/paged.html"), max_next_pages=1)  # 2 pages
        assert len(listing) == 2
        old_tree = [p.pid for p in chromium_of(pool)]
        await pool.render_page(server.url("/js/list.html"))
        assert pool.launches == 2 and pool.restarts["pages"] == 1
        assert gone(old_tree)
        assert pool.pages_rendered == 3


async def test_restart_when_the_process_tree_passes_the_memory_limit(server: LocalServer) -> None:
    # any real Chromium is above 1 MB; the watchdog's hard limit stays out of the way
    async with BrowserPool(settings(), memory_limit_mb=1, memory_hard_limit_mb=100_000) as pool:
        await pool.render_page(server.url("/js/list.html"))
        first_pid = pool.browser_pid
        assert pool.peak_browser_mb > 50
        await pool.render_page(server.url("/js/list.html"))
        assert pool.restarts["memory"] == 1 and pool.browser_pid != first_pid
        assert gone([first_pid])


async def test_restart_waits_for_pages_in_flight(server: LocalServer) -> None:
    server.route("/slow", "<h1>slow</h1>", delay=1.5)
    async with BrowserPool(settings(), restart_after_pages=1, max_pages=3) as pool:
        slow = asyncio.create_task(pool.render_page(server.url("/slow")))
        await wait_for_hit(server, "/slow")
        await pool.render_page(server.url("/js/list.html"))  # budget of 1 page used up: restart due
        third = await pool.render_page(server.url("/js/list.html"))  # waits for `slow`, then relaunches
        assert (await slow).status == 200  # the in-flight page was not killed by the restart
        assert third.status == 200 and pool.launches == 2 and pool.restarts["pages"] == 1


async def test_at_most_max_pages_render_at_once(server: LocalServer) -> None:
    active = peak = 0
    lock = threading.Lock()

    def counted(_request: Request) -> Response:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(1.0)  # long enough that the pages overlap even on a loaded machine
        with lock:
            active -= 1
        return Response(200, "<h1>counted</h1>")

    server.handler("/counted", counted)
    async with BrowserPool(settings(), max_pages=2) as pool:
        pages = await asyncio.gather(*(pool.render_page(server.url(f"/counted?n={n}")) for n in range(5)))
    assert all(p.status == 200 for p in pages)
    assert peak == 2


async def test_orphans_of_a_dead_owner_are_reaped_on_start(server: LocalServer) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    marker = f"{dead.pid}-deadbeef0000"
    # stands in for a Chromium whose Python owner died without cleaning up
    orphan = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", browser_procs.marker_arg(marker)])
    try:
        assert [p.pid for p in browser_procs.marked_processes(marker)] == [orphan.pid]
        async with BrowserPool(settings()) as pool:
            await pool.render_page(server.url("/js/list.html"))
        orphan.wait(timeout=5)  # ended long before its 60 s sleep: killed (psutil reaped it, so no exit code)
        assert not browser_procs.marked_processes(marker)
    finally:
        if orphan.poll() is None:
            orphan.kill()
            orphan.wait()


async def test_missing_chromium_is_a_one_line_config_error(tmp_path: Path) -> None:
    async with BrowserPool(settings(chromium_path=str(tmp_path / "no-chromium"))) as pool:
        with pytest.raises(BrowserUnavailable, match="SCOUTLY_CHROMIUM_PATH") as raised:
            await pool.render_page("http://127.0.0.1:9/")
    assert isinstance(raised.value, ConfigError) and isinstance(raised.value, BrowserError)
    assert "\n" not in str(raised.value)


def test_restart_budget_comes_from_settings_unless_given() -> None:
    configured = settings(browser_memory_limit_mb=800, browser_restart_after_pages=7)
    pool = BrowserPool(configured)
    assert (pool.memory_limit_mb, pool.restart_after_pages) == (800, 7)
    pool = BrowserPool(configured, memory_limit_mb=300, restart_after_pages=2)
    assert (pool.memory_limit_mb, pool.restart_after_pages) == (300, 2)


async def test_a_dead_playwright_driver_is_replaced(server: LocalServer) -> None:
    async with BrowserPool(settings()) as pool:
        await pool.render_page(server.url("/js/list.html"))
        driver = psutil.Process(pool.browser_pid).parent()
        assert driver is not None and "run-driver" in driver.cmdline()
        driver.kill()
        driver.wait(5)
        with contextlib.suppress(BrowserError):  # the call that discovers the dead driver may fail
            await pool.render_page(server.url("/js/list.html"))
        page = await pool.render_page(server.url("/js/list.html"))
        assert page.status == 200 and "job-link" in page.html


async def test_a_runaway_page_is_killed_before_it_eats_the_memory(server: LocalServer) -> None:
    async with BrowserPool(settings(), memory_limit_mb=300, memory_hard_limit_mb=600) as pool:
        started = time.monotonic()
        with pytest.raises(BrowserError):
            await pool.render_page(server.url("/js/hog.html"), timeout_s=30)
        assert time.monotonic() - started < 20  # stopped by the watchdog, not by the 30 s budget
        assert pool.renderers_killed >= 1
        page = await pool.render_page(server.url("/js/list.html"))  # on a restarted browser
        assert page.status == 200 and pool.restarts["memory"] == 1
