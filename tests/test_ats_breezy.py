"""Breezy HR's public `/json` position list. Not in the corpus, and Breezy publishes no reference for it: the answer
below is written by us in the shape https://<company>.breezy.hr/json serves (a list of positions with id, name,
url …/p/<id>-<slug>, type {id, name}, location {name, city, state, country, is_remote}, locations, department,
salary; no descriptions)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from scoutly.acquire.ats import AtsBoard, AtsVendors, FeedFormatError, ats_key_for_url, breezy, detect_board
from scoutly.acquire.http import FetchError, Http, HttpLimits
from scoutly.testing.http_server import LocalServer

POSITIONS = [
    {
        "id": "7d2c4e5f6a1b",
        "friendly_id": "7d2c4e5f6a1b-senior-frontend-engineer",
        "name": "Senior Frontend Engineer",
        "url": "https://acme.breezy.hr/p/7d2c4e5f6a1b-senior-frontend-engineer",
        "published_date": "2026-10-01T09:00:00.000Z",
        "type": {"id": "fullTime", "name": "Full-Time"},
        "location": {
            "country": {"name": "United States", "id": "US"},
            "state": {"id": "CO", "name": "Colorado"},
            "city": "Denver",
            "name": "Denver, CO",
            "is_remote": True,
        },
        "department": "Engineering",
        "salary": "$140k - $170k",
    },
    {
        "id": "0a9b8c7d6e5f",
        "name": "Office Manager",
        "url": "https://acme.breezy.hr/p/0a9b8c7d6e5f-office-manager",
        "type": {"id": "partTime", "name": "Part-Time"},
        "location": {"country": {"name": "Germany", "id": "DE"}, "city": "Berlin", "is_remote": False},
        "department": None,
    },
    {"id": "ffffffffffff", "name": "", "url": "https://acme.breezy.hr/p/ffffffffffff"},
]


def test_parse_the_json_shape() -> None:
    postings = breezy.parse(POSITIONS)
    assert [(p.key, p.title, p.url) for p in postings] == [
        (
            "breezy:7d2c4e5f6a1b",
            "Senior Frontend Engineer",
            "https://acme.breezy.hr/p/7d2c4e5f6a1b-senior-frontend-engineer",
        ),
        ("breezy:0a9b8c7d6e5f", "Office Manager", "https://acme.breezy.hr/p/0a9b8c7d6e5f-office-manager"),
    ]
    first, second = postings
    assert (first.location, first.department, first.employment_type, first.remote, first.description) == (
        "Denver, CO",
        "Engineering",
        "Full-Time",
        True,
        None,
    )
    assert (second.location, second.remote, second.department) == ("Berlin, Germany", False, None)
    assert all(ats_key_for_url(p.url) == p.key for p in postings)
    with pytest.raises(FeedFormatError, match="expected the answer as a list, got an object"):
        breezy.parse({"error": "not a list"})  # not an empty listing: the page strategies are tried next


def test_detection() -> None:
    assert detect_board("https://acme.breezy.hr/") == AtsBoard("breezy", "acme")
    assert detect_board("https://breezy.hr/pricing") is None
    assert detect_board("https://developer.breezy.hr/reference/overview") is None
    assert ats_key_for_url("https://acme.breezy.hr/p/7d2c4e5f6a1b-senior-frontend-engineer/apply") == (
        "breezy:7d2c4e5f6a1b"
    )
    assert ats_key_for_url("https://acme.breezy.hr/p/not-hex") is None


@pytest.fixture
async def http() -> AsyncIterator[Http]:
    async with httpx.AsyncClient(follow_redirects=True) as client:
        yield Http(client, HttpLimits(delay_s=0, timeout_s=5, backoff_s=0.01, attempts=1))


async def test_fetch_reads_the_list(server: LocalServer, http: Http) -> None:
    server.route("/breezy/json", POSITIONS)
    listing = await AtsVendors({"breezy": server.url("/breezy")}).fetch(http, AtsBoard("breezy", "acme"))
    assert [p.title for p in listing.postings] == ["Senior Frontend Engineer", "Office Manager"]


async def test_no_careers_site_is_a_fetch_error(server: LocalServer, http: Http) -> None:
    """Breezy sends an unknown company to its marketing home page: an HTML page, not a feed."""
    server.route("/home", "<html><body>Breezy HR</body></html>")
    server.redirect("/breezy/json", "/home")
    with pytest.raises(FetchError, match="content type"):
        await AtsVendors({"breezy": server.url("/breezy")}).fetch(http, AtsBoard("breezy", "acme"))
