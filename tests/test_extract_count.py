"""The count check: a page that states how many postings it lists ("Displaying 3 positions", "1–20 of 100") and
an extraction that disagrees make the listing partial (nothing closed), logged and shown by `scoutly scrape`."""

from __future__ import annotations

import sys

import pytest
from helpers.scrape import scrape
from selectolax.lexbor import LexborHTMLParser

from scoutly.acquire import Acquirer
from scoutly.acquire.extract import extract_page
from scoutly.acquire.page_count import count_disagreement, stated_count
from scoutly.cli import app as cli_app
from scoutly.config import load_settings
from scoutly.testing.http_server import LocalServer


def _count(html: str) -> int | None:
    return stated_count(LexborHTMLParser(html).body)


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>Displaying <b>35</b> positions</p>", 35),
        ("<div>Showing 1–20 of 100 jobs</div>", 100),
        ("<h2>12 open roles</h2>", 12),
        ("<span>35 offene Stellen</span>", 35),
        ("<p>12 offres d'emploi</p>", 12),
        ("<p>8 lediga jobb</p>", 8),
        ("<p>7 ofertas de empleo</p>", 7),
        ("<p>35件</p>", 35),
        ("<a>All jobs (35)</a>", 35),
    ],
)
def test_stated_counts_in_several_languages(html: str, expected: int) -> None:
    assert _count(html) == expected


@pytest.mark.parametrize(
    "html",
    [
        "<p>We created over 500 jobs in the region last year and keep growing fast.</p>",  # running text
        "<p>2 results</p><p>3 results</p>",  # contradicting counts
        "<p>Founded in 1998, 40 people</p>",
        "<script>var x = '12 open roles';</script>",
    ],
)
def test_no_count_where_none_is_stated(html: str) -> None:
    assert _count(html) is None


def test_disagreement_sentence() -> None:
    assert count_disagreement(None, 3) is None and count_disagreement(3, 3) is None
    assert "says it lists 4 postings but 3 were read" in (count_disagreement(4, 3) or "")


LISTING = """<html><body><main><h1>Careers</h1><p>Displaying {stated} positions</p><ul class="jobs">
<li><a href="/acme/jobs/1-pilot">Test Pilot</a></li><li><a href="/acme/jobs/2-engineer">Propulsion Engineer</a></li>
<li><a href="/acme/jobs/3-welder">Welder (m/w/d)</a></li></ul></main></body></html>"""


def test_extract_page_reports_the_stated_count() -> None:
    extraction = extract_page(LISTING.format(stated=3), "https://acme.example/careers/")
    assert extraction.stated_count == 3 and len(extraction.postings) == 3


def _settings():
    return load_settings(
        politeness_delay_s=0, fetch_timeout_s=5, max_detail_fetches=0, chromium_path="/nonexistent/chromium"
    )


def _company(server: LocalServer) -> dict:
    return {
        "_id": "acme", "name": "Acme", "careers_url": server.url("/acme/careers/"), "ats": None, "ats_token": None,
        "selectors": None, "strategy": None, "last_success_at": None,
    }  # fmt: skip


async def test_a_count_that_disagrees_makes_the_listing_partial_and_closes_nothing(server: LocalServer, db) -> None:
    server.route("/acme/careers/", LISTING.format(stated=3), content_type="text/html")
    async with Acquirer(_settings()) as acquirer:
        first = await scrape(db, acquirer, _company(server))
        assert first.complete and first.found == 3 and first.errors == []
        # one posting drops out of what is read while the page still says 3: a silent miss becomes visible
        server.route(
            "/acme/careers/",
            LISTING.format(stated=3).replace('<li><a href="/acme/jobs/3-welder">Welder (m/w/d)</a></li>', ""),
            content_type="text/html",
        )
        second = await scrape(db, acquirer, {**_company(server), "last_success_at": "yesterday"})
    assert not second.complete and second.removed == 0
    assert any("says it lists 3 postings but 2 were read" in error for error in second.errors)


def test_scoutly_scrape_shows_the_disagreement(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tmp_path
) -> None:
    server.route("/acme/careers/", LISTING.format(stated=5), content_type="text/html")
    monkeypatch.chdir(tmp_path)  # no stray ./.env
    monkeypatch.setenv("SCOUTLY_POLITENESS_DELAY_S", "0")
    monkeypatch.setenv("SCOUTLY_CHROMIUM_PATH", "/nonexistent/chromium")
    monkeypatch.setenv("SCOUTLY_MAX_DETAIL_FETCHES", "0")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setattr(sys, "argv", ["scoutly", "scrape", "--url", server.url("/acme/careers/")])
    try:
        cli_app.main()
    except SystemExit as exc:
        assert not exc.code
    out = " ".join(capsys.readouterr().out.split())
    assert "incomplete listing" in out and "says it lists 5 postings but 3 were read" in out
