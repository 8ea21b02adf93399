"""Hostile pages next to a harmless company, with the allow list off for the targets (issue 11).

The careers site lives on 127.0.0.1, which the allow list admits; 127.0.0.2 stands in for a host inside the
user's network (a router, a NAS, cloud metadata) and is not allowed. Every hostile kind ends in its bounded
outcome with its reason, the internal host sees no request, and a harmless company processed at the same time
succeeds without losing its lease.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from ipaddress import ip_network

import pytest
from helpers.processor import fast_settings, seed_jobs

from scoutly.acquire.browser import BrowserError, BrowserPool
from scoutly.config import Settings
from scoutly.processor import run_processor
from scoutly.storage.indexes import COMPANIES, QUEUE, RUNS
from scoutly.testing.hostile_pages import POSTINGS, deep_json_ld, gzip_bomb, harmless, many_links, nested_divs, page
from scoutly.testing.http_server import HTML, LocalServer
from scoutly.testing.loop_lag import loop_lag

pytestmark = pytest.mark.egress_strict  # the suite's loopback allowance is off: only SITE_ONLY below

SITE_ONLY = (ip_network("127.0.0.1/32"),)
INTERNAL_PATHS = ("/secret", "/admin", "/frame", "/pixel.png", "/latest/meta-data/")


@pytest.fixture
def internal() -> Iterator[LocalServer]:
    with LocalServer("127.0.0.2") as running:
        for path in INTERNAL_PATHS:
            running.route(path, page("<h2>Jobs</h2><ul><li><a href='/jobs/secret-role'>Router admin</a></li></ul>"))
        yield running


@pytest.fixture
def site(internal: LocalServer) -> Iterator[LocalServer]:
    calls_inside = f"""<script>
      fetch('{internal.url("/secret")}').then(r => r.text()).then(t => document.title = t).catch(() => {{}});
      const x = new XMLHttpRequest(); x.open('GET', '{internal.url("/admin")}'); x.send();
    </script>
    <iframe src="{internal.url("/frame")}"></iframe><img src="{internal.url("/pixel.png")}">"""
    with LocalServer() as running:
        running.route("/nested", nested_divs(200_000))
        running.route("/deep-json", deep_json_ld(100_000))
        running.route("/links", many_links(100_000))
        running.redirect("/redirect", internal.url("/latest/meta-data/"))
        running.route("/slow", harmless(), delay=6)
        running.route("/bomb", gzip_bomb(64 * 1024 * 1024), content_type=HTML, headers={"Content-Encoding": "gzip"})
        running.route("/calls-inside", page(POSTINGS + calls_inside))
        running.route("/harmless", harmless())
        running.redirect("/moved", "/elsewhere/careers", status=301)
        running.route("/elsewhere/careers", harmless())
        running.route("/jumps", page("<p>Moving…</p><script>location.href = '/moved'</script>"))
        yield running


def untouched(internal: LocalServer) -> bool:
    return all(internal.hits(path) == [] for path in INTERNAL_PATHS)


# kind → (job status, what its run or error says); "done" kinds must still find the three postings
OUTCOMES = {
    "nested": ("done", None),
    "deep-json": ("done", None),
    "links": ("failed", "exceeds the"),
    "redirect": ("failed", "egress policy"),
    "slow": ("failed", "within"),
    "bomb": ("failed", "exceeds the"),
}


async def test_each_hostile_kind_is_bounded_and_a_harmless_company_keeps_its_lease(
    db, db_uri, site: LocalServer, internal: LocalServer
):
    slugs = [*OUTCOMES, "harmless"]
    await seed_jobs(db, slugs)
    for slug in slugs:
        await db[COMPANIES].update_one({"_id": slug}, {"$set": {"careers_url": site.url(f"/{slug}")}})
    settings = fast_settings(
        db_uri,
        allow_networks=SITE_ONLY,
        lease_seconds=1.5,  # shorter than the slowest hostile page: only heartbeats keep the leases
        heartbeat_seconds=0.2,  # (a beat late by the loop-lag bound below, 1 s, still lands inside the lease)
        fetch_timeout_s=2,
        max_page_bytes=4 * 1024 * 1024,  # the 2.2 MB nested page is read, the 6.6 MB 100k-link page is not
        politeness_delay_s=0,
        chromium_path="/nonexistent/chromium",
        max_attempts=5,
    )
    async with loop_lag() as lag:
        await run_processor(settings, drain=True, db=db, display=False, signals=False, host_lock=False)
    jobs = {doc["company"]: doc async for doc in db[QUEUE].find()}
    runs = {doc["company"]: doc async for doc in db[RUNS].find()}
    assert jobs["harmless"]["status"] == "done" and runs["harmless"]["found"] == 3
    for slug, (status, says) in OUTCOMES.items():
        job = jobs[slug]
        assert job["status"] == status, (slug, job)
        assert "lease" not in (job.get("last_error") or ""), (slug, job)
        if status == "done":
            assert runs[slug]["found"] == 3, (slug, runs[slug])
        else:
            assert job["attempts"] == 1, (slug, job)  # retried later, never dead at once
            assert says in job["last_error"], (slug, job["last_error"])
    assert untouched(internal)
    assert lag.longest_stall_s < 1.0, lag  # goal 0.5 s; slack for 2 shared CPUs


@pytest.mark.browser
@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")
async def test_chromium_blocks_every_request_a_page_makes_inside(site: LocalServer, internal: LocalServer):
    settings = Settings(_env_file=None, allow_networks=SITE_ONLY)
    async with BrowserPool(settings) as pool:
        [rendered] = await pool.render_listing(site.url("/calls-inside"), timeout_s=30)
        assert "Backend Engineer" in rendered.html and "Router admin" not in rendered.html
        refused = r"/redirect: redirected to .*127\.0\.0\.2.*refused by the egress policy"
        with pytest.raises(BrowserError, match=refused):
            await pool.render_listing(site.url("/redirect"), timeout_s=30)
        # an allowed redirect is followed (each hop checked) and the page is read as coming from where it landed
        [moved] = await pool.render_listing(site.url("/moved"), timeout_s=30)
        assert moved.url == site.url("/elsewhere/careers") and "Backend Engineer" in moved.html
        # a navigation the page makes itself into a redirect gets the final answer (its hops checked too)
        [jumped] = await pool.render_listing(site.url("/jumps"), timeout_s=30)
        assert "Backend Engineer" in jumped.html
    assert untouched(internal)
