"""Polite, bounded HTTP (scoutly/acquire/http.py) against the local test server."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import httpx
import pytest
from helpers.clock import SkipClock

from scoutly.acquire.http import FetchError, Http, HttpLimits
from scoutly.testing.http_server import LocalServer, Response


@pytest.fixture
async def http() -> AsyncIterator[Http]:
    async with httpx.AsyncClient(follow_redirects=True, headers={"User-Agent": "scoutly-test/1"}) as client:
        yield Http(client, HttpLimits(delay_s=0, timeout_s=2, backoff_s=0.01, max_bytes=1_000_000))


async def test_redirect_final_url_and_user_agent(server: LocalServer, http: Http) -> None:
    server.route("/careers/", "<h1>Jobs</h1>")
    server.redirect("/jobs", "/careers/", status=301)
    page = await http.get_html(server.url("/jobs"))
    assert page.url == server.url("/careers/") and page.text == "<h1>Jobs</h1>"
    assert server.hits("/jobs")[0].headers["user-agent"] == "scoutly-test/1"


async def test_404_is_not_retried(server: LocalServer, http: Http) -> None:
    server.route("/missing", "no", status=404)
    with pytest.raises(FetchError, match="HTTP 404") as caught:
        await http.get_html(server.url("/missing"))
    assert caught.value.status == 404 and not caught.value.retryable
    assert len(server.hits("/missing")) == 1


async def test_500_retried_then_succeeds(server: LocalServer, http: Http) -> None:
    server.sequence("/flaky", [Response(500), Response(502), Response(200, {"ok": True})])
    assert await http.get_json(server.url("/flaky")) == {"ok": True}
    assert len(server.hits("/flaky")) == 3


async def test_persistent_500_gives_up(server: LocalServer, http: Http) -> None:
    server.route("/down", "boom", status=503)
    with pytest.raises(FetchError, match="HTTP 503") as caught:
        await http.get_html(server.url("/down"))
    assert caught.value.retryable and len(server.hits("/down")) == 3


@pytest.fixture
def clock() -> SkipClock:
    return SkipClock()


@pytest.fixture
async def skipping_http(clock: SkipClock) -> AsyncIterator[Http]:
    """The `http` fixture's client, with waits asked of `clock` (recorded, not spent)."""
    async with httpx.AsyncClient(follow_redirects=True, headers={"User-Agent": "scoutly-test/1"}) as client:
        yield Http(client, HttpLimits(delay_s=0, timeout_s=2, backoff_s=0.01, max_bytes=1_000_000), clock=clock)


async def test_429_honours_retry_after(server: LocalServer, skipping_http: Http, clock: SkipClock) -> None:
    server.sequence("/limited", [Response(429, headers={"Retry-After": "1"}), Response(200, "ok")])
    started = clock.monotonic()
    assert (await skipping_http.get_html(server.url("/limited"))).text == "ok"
    assert clock.sleeps == [1.0]  # the Retry-After, not the 10 ms backoff
    assert clock.monotonic() - started >= 0.9


async def test_retry_after_as_http_date(server: LocalServer, skipping_http: Http, clock: SkipClock) -> None:
    from email.utils import formatdate

    soon = formatdate(time.time() + 2, usegmt=True)  # whole seconds: between 1 and 2 s from now
    server.sequence("/later", [Response(503, headers={"Retry-After": soon}), Response(200, "ok")])
    started = clock.monotonic()
    assert (await skipping_http.get_html(server.url("/later"))).text == "ok"
    assert len(clock.sleeps) == 1 and 0.9 <= clock.sleeps[0] <= 2.0, clock.sleeps
    assert clock.monotonic() - started >= 0.9  # waited for the date rather than the 10 ms backoff


async def test_timeout(server: LocalServer) -> None:
    server.route("/slow", "late", delay=2)
    async with httpx.AsyncClient() as client:
        http = Http(client, HttpLimits(delay_s=0, timeout_s=0.3, backoff_s=0.01))
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"within 0.3s|timed out"):
            await http.get_html(server.url("/slow"))
    assert time.monotonic() - started < 1.5  # cut at the limit, not at the answer 2 s later
    assert len(server.hits("/slow")) == 1  # a slow site is not hammered


async def test_huge_page_refused_without_reading_it_all(server: LocalServer) -> None:
    server.large("/huge", 50 * 1024 * 1024)
    async with httpx.AsyncClient() as client:
        http = Http(client, HttpLimits(delay_s=0, max_bytes=5 * 1024 * 1024, timeout_s=20))
        started = time.monotonic()
        with pytest.raises(FetchError, match="byte limit"):
            await http.get_html(server.url("/huge"))
    assert time.monotonic() - started < 10


async def test_feeds_may_be_larger_than_pages(server: LocalServer) -> None:
    body = b'{"jobs": ["' + b"x" * 150_000 + b'"]}'
    server.route("/feed", body, content_type="application/json")
    server.route("/page", body, content_type="text/html")
    async with httpx.AsyncClient() as client:
        http = Http(client, HttpLimits(delay_s=0, max_bytes=100_000, max_json_bytes=400_000))
        assert len((await http.get_json(server.url("/feed")))["jobs"][0]) == 150_000
        with pytest.raises(FetchError, match="exceeds"):
            await http.get_html(server.url("/page"))


async def test_declared_length_over_limit_refused(server: LocalServer, http: Http) -> None:
    server.route("/big", b"x" * 2_000_000)
    with pytest.raises(FetchError, match="exceeds"):
        await http.get_html(server.url("/big"))


@pytest.mark.parametrize("content_type", ["application/pdf", "image/png", "application/zip"])
async def test_non_html_refused(server: LocalServer, http: Http, content_type: str) -> None:
    server.route("/file", b"%PDF-1.7 ...", content_type=content_type)
    with pytest.raises(FetchError, match="content type"):
        await http.get_html(server.url("/file"))


async def test_undeclared_binary_refused(server: LocalServer, http: Http) -> None:
    server.handler("/blob", lambda _r: Response(200, b"%PDF-1.4\x00\x01\x02 binary", content_type=""))
    with pytest.raises(FetchError, match="binary content"):
        await http.get_html(server.url("/blob"))


async def test_charset_from_meta(server: LocalServer, http: Http) -> None:
    body = '<meta charset="iso-8859-1"><h1>Entwickler München</h1>'.encode("latin-1")
    server.route("/de", body, content_type="text/html")
    assert "München" in (await http.get_html(server.url("/de"))).text


async def test_politeness_delay_per_domain(server: LocalServer, clock: SkipClock) -> None:
    server.route("/a", "a")
    async with httpx.AsyncClient() as client:
        http = Http(client, HttpLimits(delay_s=0.5), clock=clock)
        started = clock.monotonic()
        for _ in range(3):
            await http.get_html(server.url("/a"))
    assert len(clock.sleeps) == 2 and all(0 < wait <= 0.5 for wait in clock.sleeps), clock.sleeps
    assert clock.monotonic() - started >= 1.0


async def test_connection_refused_is_a_fetch_error(http: Http) -> None:
    with LocalServer() as gone:
        url = gone.url("/x")
    with pytest.raises(FetchError, match="connection failed"):
        await http.get_html(url)
