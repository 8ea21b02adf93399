"""Acquirer end to end with the real BrowserPool on Debian's Chromium: JavaScript-built listings are read by the
rendered strategy, remembered, and bounded listings never close postings."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.scrape import scrape

from scoutly.acquire import Acquirer
from scoutly.config import load_settings
from scoutly.storage.indexes import POSTINGS
from scoutly.testing.http_server import LocalServer, Request, Response

SITES = Path(__file__).parent / "sites" / "js"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed"),
]


def jobs_api(request: Request) -> Response:
    offset, limit, total = (int(request.query[name][0]) for name in ("offset", "limit", "total"))
    jobs = [
        {"id": i, "title": f"Engineer {i}", "location": "Berlin"} for i in range(offset, min(offset + limit, total))
    ]
    return Response(200, {"jobs": jobs})


def detail(title: str) -> str:
    data = {
        "@type": "JobPosting",
        "title": title,
        "description": f"<p>{title}: build things.</p>",
        "jobLocation": {"address": {"addressLocality": "Berlin"}},
    }
    return f'<script type="application/ld+json">{json.dumps(data)}</script><h1>{title}</h1>'


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        running.directory("/js", SITES)
        running.handler("/api/jobs", jobs_api)
        running.route("/jobs/0", detail("Engineer 0"))
        running.route("/jobs/1", detail("Engineer 1"))
        yield running


def settings(**extra):
    return load_settings(politeness_delay_s=0, fetch_timeout_s=10, **extra)


def company(url: str, **fields) -> dict:
    return {"_id": "jsco", "name": "JS Co", "careers_url": url, "last_success_at": None, **fields}


async def test_javascript_listing_uses_the_rendered_strategy(server: LocalServer, db) -> None:
    async with Acquirer(settings(max_detail_fetches=2), max_pages=2) as acquirer:
        outcome = await scrape(db, acquirer, company(server.url("/js/list.html")))
        assert outcome.strategy == "rendered" and outcome.complete and outcome.found == 12
        assert outcome.new[0]["url"] == server.url("/jobs/0")  # tracking parameter dropped
        assert outcome.new[0]["source"] == "rendered"
        assert outcome.new[0]["description"] == "Engineer 0: build things."
        assert outcome.new[0]["location"] == "Berlin"
        assert await db[POSTINGS].count_documents({"company": "jsco"}) == 12

        hits = len(server.hits("/js/list.html"))
        again = await scrape(db, acquirer, company(server.url("/js/list.html"), strategy="rendered", last_success_at=1))
        assert again.strategy == "rendered" and again.new == [] and again.still_open == 12
        assert len(server.hits("/js/list.html")) == hits + 1  # remembered: no static fetch first


async def test_paginated_javascript_listing(server: LocalServer, db) -> None:
    async with Acquirer(settings(max_detail_fetches=0)) as acquirer:
        outcome = await scrape(db, acquirer, company(server.url("/js/paged.html")), dry_run=True)
    assert outcome.strategy == "rendered" and outcome.found == 25 and outcome.complete


async def test_bounded_lazy_listing_is_incomplete_and_closes_nothing(server: LocalServer, db) -> None:
    async with Acquirer(settings(max_detail_fetches=0)) as acquirer:
        first = await scrape(db, acquirer, company(server.url("/js/lazy.html?total=45")))
        assert first.complete and first.found == 45
        bounded = await scrape(db, acquirer, company(server.url("/js/lazy.html?total=500"), last_success_at=1))
    assert not bounded.complete and bounded.errors and bounded.removed == 0
    assert await db[POSTINGS].count_documents({"company": "jsco", "closed_at": None}) >= 45
