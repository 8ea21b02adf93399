"""Recruitee Careers Site API. Not in the corpus: the answer below is written by us in the shape Recruitee documents
for `GET https://<company>.recruitee.com/api/offers/` (https://docs.recruitee.com/reference/intro-to-careers-site-api,
https://career.recruitee.com/docs): `{"offers": [...]}`, each offer with id, slug, title, status, HTML description and
requirements, location/city/country, remote, department, employment_type_code and careers_url."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from scoutly.acquire.ats import AtsBoard, AtsVendors, ats_key_for_url, board_from_hint, detect_board, recruitee
from scoutly.acquire.http import FetchError, Http, HttpLimits
from scoutly.testing.http_server import LocalServer

OFFERS = {
    "offers": [
        {
            "id": 801,
            "slug": "backend-engineer",
            "title": "Backend Engineer",
            "status": "published",
            "description": "<p>You build our <strong>API</strong>.</p>",
            "requirements": "<ul><li>Elixir</li><li>PostgreSQL</li></ul>",
            "location": "Amsterdam, Netherlands",
            "city": "Amsterdam",
            "country": "Netherlands",
            "remote": False,
            "department": "Engineering",
            "employment_type_code": "fulltime_permanent",
            "careers_url": "https://acme.recruitee.com/o/backend-engineer",
            "careers_apply_url": "https://acme.recruitee.com/o/backend-engineer/c/new",
        },
        {
            "id": 802,
            "slug": "customer-success-lead",
            "title": "Customer Success Lead",
            "status": "published",
            "description": "<p>Remote within the EU.</p>",
            "requirements": "",
            "location": "",
            "city": "Berlin",
            "country": "Germany",
            "remote": True,
            "department": None,
            "careers_url": "https://acme.recruitee.com/o/customer-success-lead",
        },
        {"id": 803, "slug": "untitled", "title": "", "status": "published"},
    ]
}


def test_parse_documented_offers() -> None:
    board = detect_board("https://acme.recruitee.com/")
    assert board == AtsBoard("recruitee", "acme")
    postings = recruitee.parse(OFFERS, board)
    assert [(p.key, p.title, p.url) for p in postings] == [
        ("recruitee:acme/backend-engineer", "Backend Engineer", "https://acme.recruitee.com/o/backend-engineer"),
        (
            "recruitee:acme/customer-success-lead",
            "Customer Success Lead",
            "https://acme.recruitee.com/o/customer-success-lead",
        ),
    ]
    first, second = postings
    assert (first.location, first.department, first.employment_type, first.remote) == (
        "Amsterdam, Netherlands",
        "Engineering",
        "fulltime_permanent",
        False,
    )
    assert first.description == "You build our API.\n\nElixir\n\nPostgreSQL"
    assert (second.location, second.remote, second.department) == ("Berlin, Germany", True, None)
    assert all(ats_key_for_url(p.url) == p.key for p in postings)
    assert board_from_hint("recruitee", "acme", None) == board


def test_detection_and_keys() -> None:
    assert detect_board("https://acme.recruitee.com/o/backend-engineer") == AtsBoard("recruitee", "acme")
    assert detect_board("https://acme.recruitee.com/api/offers/") == AtsBoard("recruitee", "acme")
    assert detect_board("https://recruitee.com/") is None
    assert detect_board("https://www.recruitee.com/pricing") is None
    key = ats_key_for_url("https://acme.recruitee.com/o/backend-engineer?source=x")
    assert key == "recruitee:acme/backend-engineer"
    assert ats_key_for_url("https://acme.recruitee.com/") is None


@pytest.fixture
async def http() -> AsyncIterator[Http]:
    async with httpx.AsyncClient(follow_redirects=True) as client:
        yield Http(client, HttpLimits(delay_s=0, timeout_s=5, backoff_s=0.01, attempts=1))


async def test_fetch_reads_the_offers_endpoint(server: LocalServer, http: Http) -> None:
    server.route("/recruitee/api/offers/", OFFERS)
    listing = await AtsVendors({"recruitee": server.url("/recruitee")}).fetch(http, AtsBoard("recruitee", "acme"))
    assert listing.strategy == "recruitee" and listing.complete
    assert [p.title for p in listing.postings] == ["Backend Engineer", "Customer Success Lead"]


async def test_a_refused_endpoint_is_a_fetch_error(server: LocalServer, http: Http) -> None:
    """Once Recruitee wants its careers token, the feed answers 401: the page strategies must take over."""
    server.route("/recruitee/api/offers/", {"error": "Unauthorized"}, status=401)
    with pytest.raises(FetchError):
        await AtsVendors({"recruitee": server.url("/recruitee")}).fetch(http, AtsBoard("recruitee", "acme"))
