"""BambooHR careers list. The corpus holds BambooHR links (html-listing/blueorchard.html) but no BambooHR JSON,
so the answer below is written by us in the shape BambooHR's public /careers/list returns."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.scrape import scrape

from scoutly.acquire import Acquirer
from scoutly.acquire.ats import ats_key_for_url, bamboohr, boards_in_page, detect_board
from scoutly.acquire.extract import extract_postings
from scoutly.config import load_settings
from scoutly.testing.http_server import LocalServer

LIST = {
    "meta": {"totalCount": 3},
    "result": [
        {
            "id": "220",
            "jobOpeningName": "Associate Impact Manager",
            "departmentLabel": "Impact",
            "employmentStatusLabel": "Full-Time",
            "location": {"city": "Geneva", "state": None},
            "atsLocation": {"country": "Switzerland"},
            "isRemote": None,
        },
        {
            "id": "223",
            "jobOpeningName": "(Senior) Investment Officer",
            "departmentLabel": "Investments",
            "employmentStatusLabel": "Full-Time",
            "location": {"city": "Zurich", "state": None},
            "isRemote": "no",
        },
        {"id": "224", "jobOpeningName": "Operations Officer", "location": None, "isRemote": "yes"},
    ],
}
DETAIL = {
    "result": {
        "jobOpening": {
            "jobOpeningName": "Associate Impact Manager",
            "description": "<p>Measure <b>impact</b>.</p><ul><li>Reports</li></ul>",
        }
    }
}


def test_parse() -> None:
    postings = bamboohr.parse(LIST, "blueorchard")
    assert [(p.key, p.title, p.url) for p in postings] == [
        ("bamboohr:220", "Associate Impact Manager", "https://blueorchard.bamboohr.com/careers/220"),
        ("bamboohr:223", "(Senior) Investment Officer", "https://blueorchard.bamboohr.com/careers/223"),
        ("bamboohr:224", "Operations Officer", "https://blueorchard.bamboohr.com/careers/224"),
    ]
    assert (postings[0].location, postings[0].department, postings[0].employment_type) == (
        "Geneva, Switzerland",
        "Impact",
        "Full-Time",
    )
    assert [p.remote for p in postings] == [None, False, True]
    assert all(ats_key_for_url(p.url) == p.key for p in postings)


@pytest.mark.corpus
def test_corpus_page_links_are_keyed_and_point_at_the_board(corpus: Path) -> None:
    html = (corpus / "html-listing" / "blueorchard.html").read_text(encoding="utf-8")
    base = "https://www.blueorchard.com/careers/"
    assert [p.key for p in extract_postings(html, base)] == ["bamboohr:220", "bamboohr:223", "bamboohr:224"]
    assert detect_board("https://blueorchard.bamboohr.com/careers/220").token == "blueorchard"
    assert boards_in_page(html, base)[0].vendor == "bamboohr"


async def test_page_linking_to_bamboohr_is_read_from_the_feed(server: LocalServer, db) -> None:
    server.route("/bamboohr/careers/list", LIST)
    server.route("/bamboohr/careers/220/detail", DETAIL)
    links = "".join(f'<li><a href="https://blueorchard.bamboohr.com/careers/{i}">Job {i}</a></li>' for i in (220, 223))
    server.route("/careers/", f"<main><ul>{links}</ul></main>")
    settings = load_settings(
        politeness_delay_s=0, max_detail_fetches=1, ats_api_overrides={"bamboohr": server.url("/bamboohr")}
    )
    async with Acquirer(settings) as acquirer:
        outcome = await scrape(db, acquirer, {"_id": "blueorchard", "careers_url": server.url("/careers/")})
    assert outcome.strategy == "bamboohr" and outcome.found == 3
    assert outcome.new[0]["description"] == "Measure impact.\n\nReports"
