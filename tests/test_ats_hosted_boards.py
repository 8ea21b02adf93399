"""A careers page whose postings live on a hosted ATS board — linked, iframed, or embedded as a widget — is read
from that vendor's public feed. The pages are written by us in the shapes vendors document for embedding."""

from __future__ import annotations

import pytest
from helpers.clock import SkipClock
from helpers.scrape import scrape
from test_ats_breezy import POSITIONS as BREEZY_POSITIONS
from test_ats_comeet import POSITIONS as COMEET_POSITIONS
from test_ats_comeet import TOKEN as COMEET_TOKEN
from test_ats_comeet import UID as COMEET_UID
from test_ats_comeet import WIDGET as COMEET_WIDGET
from test_ats_pinpoint import POSTINGS as PINPOINT_POSTINGS
from test_ats_pinpoint import UUID_A
from test_ats_recruitee import OFFERS as RECRUITEE_OFFERS
from test_ats_rippling import PAGE as RIPPLING_PAGE
from test_ats_teamtailor import feed as teamtailor_feed
from test_ats_teamtailor import item as teamtailor_item

from scoutly.acquire import Acquirer
from scoutly.acquire.ats import VENDORS, AtsBoard, boards_in_page
from scoutly.config import load_settings
from scoutly.seeding.models import ATS_VENDORS
from scoutly.testing.http_server import LocalServer

PAGES = {
    # postings link to the hosted board's posting pages
    "recruitee-links": (
        "recruitee",
        '<main><h1>Careers</h1><ul><li><a href="https://acme.recruitee.com/o/backend-engineer">Backend Engineer</a>'
        '</li><li><a href="https://acme.recruitee.com/o/customer-success-lead">Customer Success Lead</a></li></ul>'
        "</main>",
    ),
    # the board is shown in an iframe
    "recruitee-iframe": (
        "recruitee",
        '<main><h1>Join us</h1><iframe src="https://acme.recruitee.com/?embed=true" title="jobs"></iframe></main>',
    ),
    # Pinpoint's documented jobs widget: a div naming the subdomain, filled by a script
    "pinpoint-widget": (
        "pinpoint",
        '<head><script type="module" src="https://cdn.example.net/external-jobs-table/index.js"></script></head>'
        '<main><div data-pinpoint-subdomain="acme" class="pinpoint-external-jobs-table-widget"></div></main>',
    ),
    "pinpoint-links": (
        "pinpoint",
        f'<main><a href="https://acme.pinpointhq.com/en/postings/{UUID_A}">Data Analyst</a></main>',
    ),
    # a Teamtailor career site in an iframe, with links to its jobs as well
    "teamtailor-iframe": (
        "teamtailor",
        '<main><iframe src="https://acme.teamtailor.com/jobs?embed=1"></iframe>'
        '<a href="https://acme.teamtailor.com/jobs/1001-job-1">Job 1</a></main>',
    ),
    # a Breezy careers site linked from the page's list
    "breezy-links": (
        "breezy",
        '<main><ul><li><a href="https://acme.breezy.hr/p/7d2c4e5f6a1b-senior-frontend-engineer">Senior Frontend'
        ' Engineer</a></li><li><a href="https://acme.breezy.hr/p/0a9b8c7d6e5f-office-manager">Office Manager</a>'
        "</li></ul></main>",
    ),
    # a Rippling board in an iframe
    "rippling-iframe": ("rippling", '<main><iframe src="https://ats.rippling.com/acme/jobs"></iframe></main>'),
    # Comeet's careers widget: COMEET.init({token, company-uid}) in an inline script
    "comeet-widget": ("comeet", f'<main><h1>Open positions</h1><div id="positions"></div></main>{COMEET_WIDGET}'),
}
FEEDS = {
    "recruitee": ("/recruitee/api/offers/", RECRUITEE_OFFERS, 2),
    "pinpoint": ("/pinpoint/postings.json", PINPOINT_POSTINGS, 2),
    "teamtailor": (
        "/teamtailor/jobs.rss",
        teamtailor_feed(teamtailor_item(1001, "Job 1"), teamtailor_item(1002, "Job 2")),
        2,
    ),
    "breezy": ("/breezy/json", BREEZY_POSITIONS, 2),
    "rippling": ("/rippling/api/v2/board/acme/jobs", RIPPLING_PAGE, 2),
    "comeet": (f"/comeet/company/{COMEET_UID}/positions", COMEET_POSITIONS, 2),
}


@pytest.mark.parametrize("page", sorted(PAGES))
async def test_page_pointing_at_a_hosted_board_is_read_from_its_feed(server: LocalServer, db, page: str) -> None:
    vendor, html = PAGES[page]
    path, feed, count = FEEDS[vendor]
    server.route(path, feed, content_type="application/rss+xml" if isinstance(feed, str) else None)
    server.route("/careers/", f"<!doctype html><html>{html}</html>")
    settings = load_settings(politeness_delay_s=0, ats_api_overrides={vendor: server.url(f"/{vendor}")})
    async with Acquirer(settings, clock=SkipClock()) as acquirer:  # retry waits (vendor host offline) skipped
        outcome = await scrape(db, acquirer, {"_id": "acme", "careers_url": server.url("/careers/")})
    assert outcome.strategy == vendor
    assert outcome.found == count
    assert server.hits(path)


def test_seed_files_accept_every_vendor_with_a_feed() -> None:
    assert set(ATS_VENDORS) == set(VENDORS)


async def test_a_refused_comeet_feed_leaves_no_token_behind(server: LocalServer, db) -> None:
    """The page's own links are used instead, and neither the notes nor the stored postings carry the token."""
    server.route(f"/comeet/company/{COMEET_UID}/positions", {"error": "Token is invalid"}, status=400)
    links = '<ul><li><a href="/careers/jobs/account-executive">Account Executive</a></li>'
    links += '<li><a href="/careers/jobs/qa-engineer">QA Engineer</a></li></ul>'
    server.route("/careers/", f"<!doctype html><html><main>{links}</main>{COMEET_WIDGET}</html>")
    settings = load_settings(politeness_delay_s=0, ats_api_overrides={"comeet": server.url("/comeet")})
    async with Acquirer(settings) as acquirer:
        outcome = await scrape(db, acquirer, {"_id": "acme", "careers_url": server.url("/careers/")})
    assert outcome.strategy == "static" and outcome.found == 2
    assert any("comeet:" in note and "HTTP 400" in note for note in outcome.notes), outcome.notes
    stored = [str(document) async for document in db.postings.find({})]
    assert stored and not any(COMEET_TOKEN in text for text in [*outcome.notes, *outcome.errors, *stored])


def test_a_page_that_is_itself_a_hosted_board_names_it_first() -> None:
    """A careers URL that redirected to a hosted board: the final address names the board, ahead of its links."""
    html = '<a href="https://acme.breezy.hr/p/7d2c4e5f6a1b-x">Job</a><iframe src="https://other.recruitee.com/">'
    boards = boards_in_page(html, "https://acme.teamtailor.com/jobs")
    assert boards[0] == AtsBoard("teamtailor", "acme", host="acme.teamtailor.com")
    assert AtsBoard("recruitee", "other") in boards
    assert boards_in_page("<p>No jobs</p>", "https://www.example.org/careers") == []
