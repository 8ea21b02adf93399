"""BrowserPool rendering on real Chromium against JavaScript sites on 127.0.0.1 (tests/sites/js/).

One pool and one server are shared by the module (Chromium starts once); lifecycle tests
(crashes, restarts, orphans) live in test_browser_lifecycle.py with pools of their own.
"""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from selectolax.lexbor import LexborHTMLParser

from scoutly.acquire.browser import BrowserError, BrowserPool, RenderedPage
from scoutly.config import Settings
from scoutly.testing.http_server import LocalServer, Request, Response

SITES = Path(__file__).parent / "sites" / "js"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed"),
]


def jobs_api(request: Request) -> Response:
    """/api/jobs?offset=&limit=&total= → that slice of a generated board (a little network latency)."""
    offset, limit, total = (int(request.query[name][0]) for name in ("offset", "limit", "total"))
    jobs = [
        {"id": i, "title": f"Engineer {i}", "location": "Berlin"} for i in range(offset, min(offset + limit, total))
    ]
    return Response(200, {"jobs": jobs}, delay=0.05)


def serve_sites(server: LocalServer) -> None:
    """The JS test sites at /js/, their API, and the routes for redirects, errors and hangs."""
    server.directory("/js", SITES)
    server.handler("/api/jobs", jobs_api)
    server.route("/api/ping", {"ok": True})
    server.route("/hang", "too late", delay=60)
    server.redirect("/careers", "/js/list.html")
    server.route("/gone", "<h1>No such page</h1>", status=404)
    server.route("/broken", "<h1>Server error</h1>", status=500)


def job_links(page: RenderedPage, css: str = "a.job-link") -> list[str]:
    return [node.attributes.get("href") or "" for node in LexborHTMLParser(page.html).css(css)]


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        serve_sites(running)
        yield running


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def pool() -> AsyncIterator[BrowserPool]:
    async with BrowserPool(Settings(_env_file=None), max_pages=3, settle_cap_s=3.0) as shared:
        yield shared


async def test_js_rendered_list_blocks_images_and_sends_user_agent(pool: BrowserPool, server: LocalServer) -> None:
    pages = await pool.render_listing(server.url("/js/list.html"))
    assert len(pages) == 1
    page = pages[0]
    assert page.status == 200 and page.url == server.url("/js/list.html")
    links = job_links(page)
    assert len(links) == 12 and links[0] == "/jobs/0?utm_source=site"
    assert server.hits("/assets/logo.png") == []  # images are never downloaded
    assert server.hits("/js/list.html")[-1].headers["user-agent"] == Settings(_env_file=None).user_agent


async def test_lazy_list_is_scrolled_until_it_stops_growing(pool: BrowserPool, server: LocalServer) -> None:
    pages = await pool.render_listing(server.url("/js/lazy.html?total=45"))
    assert len(pages) == 1
    assert len(job_links(pages[0])) == 45
    assert "all loaded" in pages[0].html and pages[0].truncated is False


async def test_lazy_list_scrolling_is_bounded_and_says_so(pool: BrowserPool, server: LocalServer) -> None:
    pages = await pool.render_listing(server.url("/js/lazy.html?total=200"), max_scrolls=2)
    assert len(job_links(pages[0])) == 30  # first batch + two scrolls of 10
    assert pages[0].truncated is True


@pytest.mark.parametrize("style", ["link", "form", "more"])  # <a rel=next>, a GET form's button, "Show more" link
async def test_pagination_follows_next_pages(pool: BrowserPool, server: LocalServer, style: str) -> None:
    pages = await pool.render_listing(server.url(f"/js/paged.html?style={style}"))
    assert [p.url.rsplit("page=", 1)[-1] for p in pages[1:]] == ["2", "3"]
    assert [len(job_links(p)) for p in pages] == [10, 10, 5]
    all_links = {link for p in pages for link in job_links(p)}
    assert len(all_links) == 25 and not pages[-1].truncated


async def test_pagination_is_bounded_and_marks_the_last_page_truncated(pool: BrowserPool, server: LocalServer) -> None:
    pages = await pool.render_listing(server.url("/js/paged.html"), max_next_pages=1)
    assert len(pages) == 2 and pages[-1].truncated is True


async def test_client_side_pagination_by_button(pool: BrowserPool, server: LocalServer) -> None:
    pages = await pool.render_listing(server.url("/js/jspaged.html"))
    assert [len(job_links(p)) for p in pages] == [8, 8, 6]
    assert len({link for p in pages for link in job_links(p)}) == 22


@pytest.mark.parametrize("query", ["lang=en", "lang=de", "banner=1"])  # English, German, under a cookie banner
async def test_load_more_button_is_clicked_until_it_disappears(
    pool: BrowserPool, server: LocalServer, query: str
) -> None:
    pages = await pool.render_listing(server.url(f"/js/loadmore.html?{query}"))
    assert len(pages) == 1 and len(job_links(pages[0])) == 35


async def test_load_more_clicks_are_bounded(pool: BrowserPool, server: LocalServer) -> None:
    pages = await pool.render_listing(server.url("/js/loadmore.html"), max_load_more=1)
    assert len(job_links(pages[0])) == 20 and pages[0].truncated is True


async def test_selector_override_waits_for_links_and_finds_the_next_control(
    pool: BrowserPool, server: LocalServer
) -> None:
    generic = await pool.render_listing(server.url("/js/custom.html"))
    assert len(generic) == 1 and job_links(generic[0], "a.opening") == []  # the cards came too late, no pager
    selectors = {"job_link": "a.opening", "next_page": ".pg-fwd"}
    pages = await pool.render_listing(server.url("/js/custom.html"), selectors=selectors)
    assert [len(job_links(p, "a.opening")) for p in pages] == [5, 5, 5]
    assert job_links(pages[2], "a.opening")[-1] == "/positions/15"


async def test_iframe_embeds_report_urls_and_merge_same_origin_content(pool: BrowserPool, server: LocalServer) -> None:
    page = await pool.render_page(server.url("/js/embed.html"))
    assert server.url("/js/board.html") in page.frame_urls
    assert f"http://localhost:{server.port}/js/other.html" in page.frame_urls
    board_links = job_links(page, "a.board-link")
    assert board_links[0] == server.url("/js/postings/100")  # made absolute against the frame's URL
    assert len(board_links) == 4
    assert "CROSS-ORIGIN-BOARD-CONTENT" not in page.html


async def test_redirect_reports_the_final_url(pool: BrowserPool, server: LocalServer) -> None:
    pages = await pool.render_listing(server.url("/careers"))
    assert pages[0].url == server.url("/js/list.html") and pages[0].status == 200
    assert len(job_links(pages[0])) == 12


@pytest.mark.parametrize(("path", "status"), [("/gone", 404), ("/broken", 500)])
async def test_error_status_is_reported_not_raised(
    pool: BrowserPool, server: LocalServer, path: str, status: int
) -> None:
    pages = await pool.render_listing(server.url(path))
    assert len(pages) == 1 and pages[0].status == status
    detail = await pool.render_page(server.url(path))
    assert detail.status == status and "<h1>" in detail.html


async def test_navigation_timeout_raises_browser_error_in_time(pool: BrowserPool, server: LocalServer) -> None:
    started = time.monotonic()
    with pytest.raises(BrowserError, match="timed out"):
        await pool.render_page(server.url("/hang"), timeout_s=1.5)
    assert time.monotonic() - started < 6
    assert len(job_links(await pool.render_page(server.url("/js/list.html")))) == 12  # the pool is still fine


async def test_page_that_never_goes_quiet_is_captured_within_its_budget(pool: BrowserPool, server: LocalServer) -> None:
    started = time.monotonic()
    page = await pool.render_page(server.url("/js/busy.html"), timeout_s=10)
    assert time.monotonic() - started < 8  # the network-idle wait is capped (settle_cap_s=3)
    assert len(job_links(page)) == 3


async def test_non_html_target_is_a_browser_error(pool: BrowserPool, server: LocalServer) -> None:
    server.route(
        "/cv.pdf",
        b"%PDF-1.4 not really",
        content_type="application/pdf",
        headers={"Content-Disposition": "attachment; filename=cv.pdf"},
    )
    with pytest.raises(BrowserError):
        await pool.render_page(server.url("/cv.pdf"), timeout_s=5)


@pytest.mark.parametrize("path", ["/js/jsredirect.html", "/js/refresh.html", "/js/scrollredirect.html"])
async def test_client_side_redirects_are_followed(pool: BrowserPool, server: LocalServer, path: str) -> None:
    pages = await pool.render_listing(server.url(path))
    assert len(pages) == 1
    assert pages[0].url == server.url("/js/list.html") and pages[0].status == 200
    assert len(job_links(pages[0])) == 12


async def test_next_link_to_another_site_is_not_followed(pool: BrowserPool, server: LocalServer) -> None:
    before = len(server.hits("/js/paged.html"))
    pages = await pool.render_listing(server.url("/js/offsite.html"))
    assert len(pages) == 1 and not pages[0].truncated
    assert len(server.hits("/js/paged.html")) == before


async def test_oversized_document_is_cut_and_marked_incomplete(pool: BrowserPool, server: LocalServer) -> None:
    limit, pool.max_html_chars = pool.max_html_chars, 2000
    try:
        pages = await pool.render_listing(server.url("/js/list.html"))
    finally:
        pool.max_html_chars = limit
    assert len(pages[0].html) == 2000 and pages[0].truncated is True


async def test_a_session_shares_one_context_and_sessions_are_isolated(pool: BrowserPool, server: LocalServer) -> None:
    server.route("/set-cookie", "<p>hello</p>", headers={"Set-Cookie": "visitor=42; Path=/"})
    server.handler("/echo", lambda request: Response(200, f"<p>cookie=[{request.headers.get('cookie', '')}]</p>"))
    async with pool.session() as session:
        await session.render_page(server.url("/set-cookie"))
        same_company = await session.render_page(server.url("/echo"))
        listing = await session.render_listing(server.url("/js/list.html"))
    assert "cookie=[visitor=42]" in same_company.html and len(job_links(listing[0])) == 12
    other_company = await pool.render_page(server.url("/echo"))
    assert "cookie=[]" in other_company.html


async def test_lazy_list_inside_a_scrolling_panel(pool: BrowserPool, server: LocalServer) -> None:
    pages = await pool.render_listing(server.url("/js/lazybox.html"))
    assert len(job_links(pages[0])) == 38


async def test_shadow_dom_widgets_are_part_of_the_html(pool: BrowserPool, server: LocalServer) -> None:
    page = await pool.render_page(server.url("/js/shadow.html"))
    links = job_links(page, "a.widget-link")
    assert len(links) == 6 and links[0] == server.url("/js/roles/200")


async def test_one_session_renders_one_page_at_a_time(pool: BrowserPool, server: LocalServer) -> None:
    active = peak = 0
    lock = threading.Lock()

    def counted(_request: Request) -> Response:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.3)
        with lock:
            active -= 1
        return Response(200, "<h1>counted</h1>")

    server.handler("/one-at-a-time", counted)
    async with pool.session() as session:
        pages = await asyncio.gather(*(session.render_page(server.url(f"/one-at-a-time?n={n}")) for n in range(3)))
    assert [p.status for p in pages] == [200, 200, 200] and peak == 1


async def test_invalid_selector_override_is_one_clear_error(pool: BrowserPool, server: LocalServer) -> None:
    with pytest.raises(BrowserError, match=r"^selectors\.next_page: 'a\.next\[' is not a valid CSS selector$"):
        await pool.render_listing(server.url("/js/list.html"), selectors={"job_link": "a.job", "next_page": "a.next["})
