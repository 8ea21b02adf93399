"""Acquirer.scrape end to end on 127.0.0.1: strategy choice, details of new postings, diff, persistence."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.clock import SkipClock
from helpers.scrape import scrape

from scoutly.acquire import Acquirer, AcquisitionFailed
from scoutly.acquire.strategies import strategy_order
from scoutly.config import load_settings
from scoutly.storage.indexes import POSTINGS
from scoutly.testing.http_server import LocalServer, Request, Response

SITES = Path(__file__).parent / "sites" / "static"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        running.directory("/", SITES)
        yield running


def settings_for(server: LocalServer, **extra):
    overrides = {vendor: server.url(f"/{vendor}") for vendor in ("greenhouse", "lever", "ashby", "workday")}
    values = {
        "politeness_delay_s": 0,
        "fetch_timeout_s": 5,
        "ats_api_overrides": overrides,
        "chromium_path": "/nonexistent/chromium",  # no browser in these tests: the rendered strategy fails cleanly
    }
    return load_settings(**{**values, **extra})


def company(**fields) -> dict:
    return {
        "_id": "acme",
        "name": "Acme",
        "careers_url": None,
        "ats": None,
        "ats_token": None,
        "selectors": None,
        "strategy": None,
        "last_success_at": None,
        **fields,
    }


async def test_static_listing_with_pages_details_and_baseline(server: LocalServer, db) -> None:
    acme = company(careers_url=server.url("/acme/careers/"))
    async with Acquirer(settings_for(server)) as acquirer:
        outcome = await scrape(db, acquirer, acme)
    assert outcome.strategy == "static" and outcome.complete and outcome.baseline
    assert outcome.found == 5 and outcome.errors == []
    titles = [doc["title"] for doc in outcome.new]
    assert titles == [
        "Propulsion Engineer",
        "Avionics Software Developer",
        "Launch Site Technician",
        "Mission Planner",
        "Test Pilot (m/w/d)",
    ]
    first = outcome.new[0]
    assert first["url"] == server.url("/acme/jobs/propulsion-engineer.html")  # tracking parameter dropped
    assert first["key"] == first["url"] and first["baseline"] is True and first["_id"]
    assert first["description"] == "As our Propulsion Engineer you build rockets that land.\n\nPython or C++"
    assert first["location"] == "Bremen, DE" and first["employment_type"] == "FULL_TIME"
    assert await db[POSTINGS].count_documents({"company": "acme"}) == 5
    assert set(outcome.stages) == {"listing", "details", "diff"}
    ua = server.hits("/acme/careers/")[0].headers["user-agent"]
    assert "Mozilla/5.0" in ua  # realistic user agent from settings


async def test_second_scrape_reports_changes_and_fetches_details_only_for_new(server: LocalServer, db) -> None:
    acme = company(careers_url=server.url("/acme/careers/"))
    async with Acquirer(settings_for(server)) as acquirer:
        await scrape(db, acquirer, acme)
        page2 = (SITES / "acme/careers/page/2/index.html").read_text()
        changed = page2.replace(
            '<li class="opening"><a href="/acme/jobs/test-pilot.html">Test Pilot (m/w/d)</a><span>Bremen</span></li>',
            '<li class="opening"><a href="/acme/jobs/plain.html">Quality Engineer</a></li>',
        )
        server.route("/acme/careers/page/2/", changed)
        detail_hits_before = len(server.hits("/acme/jobs/propulsion-engineer.html"))
        outcome = await scrape(db, acquirer, {**acme, "last_success_at": "yesterday"})
    assert not outcome.baseline and outcome.complete
    assert [doc["title"] for doc in outcome.new] == ["Quality Engineer"]
    assert outcome.new[0]["baseline"] is False and "ISO 9001" in outcome.new[0]["description"]
    assert outcome.removed == 1 and outcome.still_open == 4 and outcome.missing == 0
    assert len(server.hits("/acme/jobs/propulsion-engineer.html")) == detail_hits_before  # not fetched again
    closed = await db[POSTINGS].find_one({"company": "acme", "title": "Test Pilot (m/w/d)"})
    assert closed["closed_at"] is not None


async def test_removal_confirmed_by_a_second_page_listing(server: LocalServer, db) -> None:
    acme = company(careers_url=server.url("/acme/careers/"))
    async with Acquirer(settings_for(server, max_detail_fetches=0, removal_confirmations=2)) as acquirer:
        await scrape(db, acquirer, acme)
        server.route("/acme/careers/page/2/", "<ul><li><a href='/acme/jobs/plain.html'>Quality Engineer</a></li></ul>")
        first = await scrape(db, acquirer, {**acme, "last_success_at": "x", "strategy": "static"})
        assert (first.removed, first.missing, len(first.new)) == (0, 2, 1)
        pilot = await db[POSTINGS].find_one({"company": "acme", "title": "Test Pilot (m/w/d)"})
        assert pilot["closed_at"] is None and pilot["missed"] == 1
        second = await scrape(db, acquirer, {**acme, "last_success_at": "x", "strategy": "static"})
    assert (second.removed, second.missing, second.new) == (2, 0, [])
    pilot = await db[POSTINGS].find_one({"company": "acme", "title": "Test Pilot (m/w/d)"})
    assert pilot["closed_at"] is not None


async def test_a_posting_seen_again_before_confirmation_stays_open(server: LocalServer, db) -> None:
    acme = company(careers_url=server.url("/acme/careers/"))
    page2 = (SITES / "acme/careers/page/2/index.html").read_text()
    async with Acquirer(settings_for(server, max_detail_fetches=0, removal_confirmations=2)) as acquirer:
        await scrape(db, acquirer, acme)
        server.route("/acme/careers/page/2/", "<main><p>Nothing here</p></main>")  # page 2 half-loaded once
        once = await scrape(db, acquirer, {**acme, "last_success_at": "x", "strategy": "static"})
        server.route("/acme/careers/page/2/", page2)
        back = await scrape(db, acquirer, {**acme, "last_success_at": "x", "strategy": "static"})
        server.route("/acme/careers/page/2/", "<main><p>Nothing here</p></main>")
        again = await scrape(db, acquirer, {**acme, "last_success_at": "x", "strategy": "static"})
    assert (once.missing, once.removed) == (2, 0)
    assert (back.missing, back.removed, back.still_open) == (0, 0, 5)
    assert (again.missing, again.removed) == (2, 0)  # the count started over
    assert await db[POSTINGS].count_documents({"closed_at": None}) == 5


async def test_dry_run_writes_nothing(server: LocalServer, db) -> None:
    async with Acquirer(settings_for(server)) as acquirer:
        outcome = await scrape(db, acquirer, company(careers_url=server.url("/acme/careers/")), dry_run=True)
    assert len(outcome.new) == 5 and all("_id" not in doc for doc in outcome.new)
    assert await db[POSTINGS].count_documents({}) == 0


async def test_greenhouse_hint_uses_the_feed(server: LocalServer, db, corpus: Path) -> None:
    feed = json.loads((corpus / "greenhouse/catawiki.json").read_text())
    server.route("/greenhouse/v1/boards/catawiki/jobs", feed)
    for job in feed["jobs"]:
        server.route(f"/greenhouse/v1/boards/catawiki/jobs/{job['id']}", job)
    catawiki = company(_id="catawiki", careers_url=server.url("/nowhere"), ats="greenhouse", ats_token="catawiki")
    async with Acquirer(settings_for(server)) as acquirer:
        outcome = await scrape(db, acquirer, catawiki)
        assert outcome.strategy == "greenhouse" and outcome.found == 50 and len(outcome.new) == 50
        assert all(doc["key"].startswith("greenhouse:") and doc["description"] for doc in outcome.new)
        assert server.hits("/nowhere") == []  # the cheaper strategy worked: the page was never fetched

        shrunk = copy.deepcopy(feed)
        shrunk["jobs"] = shrunk["jobs"][1:]
        server.route("/greenhouse/v1/boards/catawiki/jobs", shrunk)
        again = await scrape(db, acquirer, {**catawiki, "strategy": "greenhouse", "last_success_at": "x"})
    assert again.new == [] and again.removed == 1 and again.found == 49


async def test_greenhouse_baseline_details_in_one_request(server: LocalServer, db, corpus: Path) -> None:
    full = json.loads((corpus / "greenhouse/catawiki.json").read_text())
    light = {
        "jobs": [
            {k: v for k, v in job.items() if k not in ("content", "departments", "offices")} for job in full["jobs"]
        ]
    }

    def answer(request: Request) -> Response:
        return Response(200, full if request.query.get("content") == ["true"] else light)

    server.handler("/greenhouse/v1/boards/catawiki/jobs", answer)
    catawiki = company(_id="catawiki", careers_url=server.url("/nowhere"), ats="greenhouse", ats_token="catawiki")
    async with Acquirer(settings_for(server)) as acquirer:
        outcome = await scrape(db, acquirer, catawiki)
    assert len(outcome.new) == 50 and all(doc["description"] and doc["department"] for doc in outcome.new)
    assert [r.query for r in server.hits("/greenhouse/v1/boards/catawiki/jobs")] == [{}, {"content": ["true"]}]


async def test_board_embedded_in_page_is_read_from_its_feed(server: LocalServer, db, corpus: Path) -> None:
    server.route("/greenhouse/v1/boards/embedco/jobs", json.loads((corpus / "greenhouse/airbnb.json").read_text()))
    async with Acquirer(settings_for(server, max_detail_fetches=0)) as acquirer:  # its URLs are not on 127.0.0.1
        outcome = await scrape(db, acquirer, company(_id="embedco", careers_url=server.url("/embedco/careers.html")))
    assert outcome.strategy == "greenhouse" and outcome.found == 189


async def test_a_stray_link_to_another_board_is_not_followed(server: LocalServer, db) -> None:
    page = (
        (SITES / "acme/careers/page/2/index.html")
        .read_text()
        .replace(
            "</main>", '<p>Also see our partner <a href="https://jobs.lever.co/partner">Partner jobs</a></p></main>'
        )
    )
    server.route("/acme/mixed", page)
    server.route(
        "/lever/v0/postings/partner", [{"id": "p1", "text": "Partner Engineer", "hostedUrl": "https://x.io/p1"}]
    )
    async with Acquirer(settings_for(server, max_detail_fetches=0)) as acquirer:
        outcome = await scrape(db, acquirer, company(careers_url=server.url("/acme/mixed")), dry_run=True)
    assert outcome.strategy == "static" and outcome.found == 2
    assert server.hits("/lever/v0/postings/partner") == []


async def test_workday_hint_paginates(server: LocalServer, db, corpus: Path) -> None:
    items = json.loads((corpus / "workday/nvidia-cxs-jobPostings.json").read_text())
    items = [dict(item, externalPath=f"{item['externalPath']}-{n}") for n in range(3) for item in items]

    def answer(request: Request) -> Response:
        body = request.json()
        page = items[body["offset"] : body["offset"] + body["limit"]]
        return Response(200, {"total": len(items), "jobPostings": page})

    server.handler("/workday/wday/cxs/gravelstone/Careers/jobs", answer)
    gravel = company(
        _id="gravel", careers_url=server.url("/gravel/Careers"), ats="workday", ats_token="gravelstone/Careers"
    )
    async with Acquirer(settings_for(server, max_detail_fetches=0)) as acquirer:
        outcome = await scrape(db, acquirer, gravel)
    assert outcome.strategy == "workday" and outcome.found == 36 and outcome.complete
    assert outcome.new[0]["url"].startswith(server.url("/gravel/Careers/job/"))
    assert any("not fetched" in note for note in outcome.notes)


async def test_every_strategy_failing_raises_and_writes_nothing(server: LocalServer, db) -> None:
    server.route("/gone", "nope", status=404)
    async with Acquirer(settings_for(server)) as acquirer:
        with pytest.raises(AcquisitionFailed, match=r"static: .*HTTP 404.*rendered: browser"):
            await scrape(db, acquirer, company(careers_url=server.url("/gone")))
    assert await db[POSTINGS].count_documents({}) == 0
    assert len(server.hits("/gone")) == 1  # a 4xx is not retried


async def test_server_error_is_retried_then_reported(server: LocalServer, db) -> None:
    server.sequence(
        "/flaky",
        [
            Response(503, headers={"Retry-After": "0"}),
            Response(200, (SITES / "acme/careers/page/2/index.html").read_text()),
        ],
    )
    async with Acquirer(settings_for(server)) as acquirer:
        outcome = await scrape(db, acquirer, company(careers_url=server.url("/flaky")))
    assert outcome.strategy == "static" and outcome.found == 2


async def test_empty_page_never_closes_known_postings(server: LocalServer, db) -> None:
    acme = company(careers_url=server.url("/acme/careers/"))
    async with Acquirer(settings_for(server)) as acquirer:
        await scrape(db, acquirer, acme)
        server.route("/acme/careers/", "<html><body><h1>Careers</h1><p>Loading…</p></body></html>")
        outcome = await scrape(db, acquirer, {**acme, "last_success_at": "x"})
    assert outcome.found == 0 and not outcome.complete and outcome.removed == 0
    assert any("keeping 5 open" in error for error in outcome.errors)
    assert await db[POSTINGS].count_documents({"closed_at": None}) == 5


async def test_huge_and_non_html_careers_pages_are_refused(server: LocalServer, db) -> None:
    server.large("/huge", 50 * 1024 * 1024)
    server.route("/pdf", b"%PDF-1.4", content_type="application/pdf")
    async with Acquirer(settings_for(server)) as acquirer:
        with pytest.raises(AcquisitionFailed, match="byte limit"):
            await scrape(db, acquirer, company(careers_url=server.url("/huge")))
        with pytest.raises(AcquisitionFailed, match="content type"):
            await scrape(db, acquirer, company(careers_url=server.url("/pdf")))


async def test_redirected_careers_page_resolves_links_against_the_final_url(server: LocalServer, db) -> None:
    server.redirect("/jobs", "/acme/careers/", status=301)
    async with Acquirer(settings_for(server)) as acquirer:
        outcome = await scrape(db, acquirer, company(careers_url=server.url("/jobs")), dry_run=True)
    assert outcome.found == 5 and outcome.new[0]["url"].startswith(server.url("/acme/jobs/"))


async def test_failing_detail_pages_stop_after_three_per_site(server: LocalServer, db) -> None:
    rows = "".join(f'<li class="job"><a href="/missing/{n}-engineer">Engineer {n}</a></li>' for n in range(8))
    server.route("/list", f"<ul>{rows}</ul>")
    async with Acquirer(settings_for(server)) as acquirer:
        outcome = await scrape(db, acquirer, company(careers_url=server.url("/list")))
    assert outcome.found == 8 and outcome.complete and len(outcome.new) == 8
    assert sum(1 for r in server.requests if r.path.startswith("/missing/")) == 3
    assert any("5 new postings not fetched" in note for note in outcome.notes)


async def test_slow_careers_page_times_out(server: LocalServer, db) -> None:
    server.route("/slow", "late", delay=3)
    quick = settings_for(server).model_copy(update={"fetch_timeout_s": 0.3})  # under the 1 s minimum, on purpose
    async with Acquirer(quick) as acquirer:
        with pytest.raises(AcquisitionFailed, match=r"within 0\.3s"):
            await scrape(db, acquirer, company(careers_url=server.url("/slow")))


async def test_invalid_selector_is_an_input_error(server: LocalServer, db) -> None:
    from scoutly.errors import InputError

    acme = company(careers_url=server.url("/acme/careers/"), selectors={"job_link": "a[[["})
    async with Acquirer(settings_for(server)) as acquirer:
        with pytest.raises(InputError, match="not a valid CSS selector"):
            await scrape(db, acquirer, acme)


def test_strategy_order() -> None:
    assert strategy_order(None, hinted_board=False) == ["ats", "static", "rendered"]
    assert strategy_order("rendered", hinted_board=False) == ["rendered", "ats", "static"]
    assert strategy_order("static", hinted_board=False) == ["static", "ats", "rendered"]
    assert strategy_order("greenhouse", hinted_board=False) == ["ats", "static", "rendered"]
    assert strategy_order("rendered", hinted_board=True) == ["ats", "static", "rendered"]


async def test_fallback_strategy_recognises_known_postings_by_url(server: LocalServer, db) -> None:
    jobs = [
        {"id": 900 + n, "title": title, "absolute_url": server.url(f"/co/careers/{slug}"), "location": {"name": "Oslo"}}
        for n, (slug, title) in enumerate([("data-engineer", "Data Engineer"), ("designer", "Product Designer")])
    ]
    server.route("/greenhouse/v1/boards/co/jobs", {"jobs": jobs})
    page = "".join(
        f'<li class="job"><a href="/co/careers/{j["absolute_url"].rsplit("/", 1)[1]}">{j["title"]}</a></li>'
        for j in jobs
    )
    server.route("/co/careers/", f"<ul>{page}</ul>")
    co = company(_id="co", careers_url=server.url("/co/careers/"), ats="greenhouse", ats_token="co")
    async with Acquirer(settings_for(server, max_detail_fetches=0)) as acquirer:
        first = await scrape(db, acquirer, co)
        assert first.strategy == "greenhouse" and len(first.new) == 2
        server.route("/greenhouse/v1/boards/co/jobs", {"status": 404}, status=404)  # the feed goes away
        second = await scrape(db, acquirer, {**co, "strategy": "greenhouse", "last_success_at": "x"})
    assert second.strategy == "static" and second.found == 2
    assert second.new == [] and second.removed == 0 and second.still_open == 2
    assert any("greenhouse:co feed" in note and "HTTP 404" in note for note in second.notes)
    assert await db[POSTINGS].count_documents({"company": "co"}) == 2


async def test_change_of_source_closes_nothing_until_confirmed(server: LocalServer, db) -> None:
    acme = company(careers_url=server.url("/acme/careers/"))
    async with Acquirer(settings_for(server, max_detail_fetches=0)) as acquirer:
        await scrape(db, acquirer, acme)
        server.route("/acme/careers/", "<ul><li><a href='/acme/jobs/plain.html'>Quality Engineer</a></li></ul>")
        changed = await scrape(db, acquirer, {**acme, "strategy": "rendered", "last_success_at": "x"})
        assert changed.strategy == "static" and not changed.complete and changed.removed == 0
        assert "instead of rendered" in changed.errors[0]
        confirmed = await scrape(db, acquirer, {**acme, "strategy": "static", "last_success_at": "x"})
    assert confirmed.complete and confirmed.removed == 5


async def test_concurrent_scrapes_share_politeness_per_domain(server: LocalServer, db) -> None:
    import asyncio

    slugs = [f"co{n}" for n in range(5)]
    clock = SkipClock()  # the politeness waits are asked of it, and skipped
    settings = settings_for(server, politeness_delay_s=0.2, max_detail_fetches=0)
    async with Acquirer(settings, clock=clock) as acquirer:
        started = clock.monotonic()
        outcomes = await asyncio.gather(
            *(scrape(db, acquirer, company(_id=slug, careers_url=server.url("/acme/careers/"))) for slug in slugs)
        )
        elapsed = clock.monotonic() - started
    assert [o.found for o in outcomes] == [5] * 5 and all(o.baseline for o in outcomes)
    assert await db[POSTINGS].count_documents({}) == 25
    # 10 page requests to one host, one at a time, 0.2 s apart: a wait before each after the first
    assert len(clock.sleeps) == 9 and all(0 < wait <= 0.2 for wait in clock.sleeps), clock.sleeps
    assert elapsed >= 9 * 0.2
