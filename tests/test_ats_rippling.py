"""Rippling Recruiting boards. Not in the corpus, and Rippling publishes no reference for the board's own feed: the
answers below are written by us in the shape https://ats.rippling.com/api/v2/board/<board>/jobs serves
(`{items, page, pageSize, totalItems, totalPages}`, items with id, name, url, department {name} and locations
[{name, city, state, country, workplaceType}], one item per location of a job)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from helpers.scrape import scrape

from scoutly.acquire import Acquirer
from scoutly.acquire.ats import AtsBoard, AtsVendors, ats_key_for_url, detect_board, rippling
from scoutly.acquire.http import Http, HttpLimits
from scoutly.config import load_settings
from scoutly.testing.http_server import LocalServer, Request, Response

A = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e"
B = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"


def job(uuid: str, name: str, place: str, workplace: str, department: str | None = "Operations") -> dict:
    return {
        "id": uuid,
        "name": name,
        "url": f"https://ats.rippling.com/acme/jobs/{uuid}",
        "department": {"name": department} if department else None,
        "locations": [{"name": place, "country": "United States", "countryCode": "US", "workplaceType": workplace}],
    }


PAGE = {
    "items": [
        job(A, "Clinic Manager", "Austin, TX", "ON_SITE"),
        job(A, "Clinic Manager", "Dallas, TX", "ON_SITE"),
        job(B, "Support Specialist", "Remote (United States)", "REMOTE", None),
    ],
    "page": 0,
    "pageSize": 100,
    "totalItems": 3,
    "totalPages": 1,
}


def test_parse_merges_a_job_listed_per_location() -> None:
    postings = rippling.parse(PAGE)
    assert [(p.key, p.title, p.url) for p in postings] == [
        (f"rippling:{A}", "Clinic Manager", f"https://ats.rippling.com/acme/jobs/{A}"),
        (f"rippling:{B}", "Support Specialist", f"https://ats.rippling.com/acme/jobs/{B}"),
    ]
    first, second = postings
    assert (first.location, first.department, first.remote) == ("Austin, TX, Dallas, TX", "Operations", False)
    assert (second.location, second.department, second.remote) == ("Remote (United States)", None, True)
    assert all(ats_key_for_url(p.url) == p.key for p in postings)


def test_detection() -> None:
    assert detect_board("https://ats.rippling.com/acme/jobs") == AtsBoard("rippling", "acme")
    assert detect_board(f"https://ats.rippling.com/de-DE/acme/jobs/{A}") == AtsBoard("rippling", "acme")
    assert detect_board("https://ats.rippling.com/api/v2/board/acme/jobs") == AtsBoard("rippling", "acme")
    assert detect_board("https://www.rippling.com/recruiting") is None
    assert ats_key_for_url(f"https://ats.rippling.com/en-GB/acme/jobs/{A.upper()}") == f"rippling:{A}"


@pytest.fixture
async def http() -> AsyncIterator[Http]:
    async with httpx.AsyncClient(follow_redirects=True) as client:
        yield Http(client, HttpLimits(delay_s=0, timeout_s=5, backoff_s=0.01, attempts=1))


def paged(total: int, size: int = 2):
    """A board of `total` jobs served `size` per page, whatever pageSize asks (Rippling caps its pages)."""

    def answer(request: Request) -> Response:
        page = int(request.query["page"][0])
        uuids = [f"00000000-0000-4000-8000-{n:012d}" for n in range(total)]
        items = [job(u, f"Job {u[-3:]}", "Austin, TX", "HYBRID") for u in uuids[page * size : (page + 1) * size]]
        body = {"items": items, "page": page, "pageSize": size, "totalItems": total, "totalPages": -(-total // size)}
        return Response(200, body)

    return answer


async def test_fetch_reads_every_page(server: LocalServer, http: Http) -> None:
    server.handler("/rippling/api/v2/board/acme/jobs", paged(5))
    listing = await AtsVendors({"rippling": server.url("/rippling")}).fetch(http, AtsBoard("rippling", "acme"))
    assert len(listing.postings) == 5 and listing.complete
    assert [r.query["page"] for r in server.hits("/rippling/api/v2/board/acme/jobs")] == [["0"], ["1"], ["2"]]


async def test_more_pages_than_the_bound_is_partial(
    server: LocalServer, http: Http, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rippling, "MAX_PAGES", 2)
    server.handler("/rippling/api/v2/board/acme/jobs", paged(9))
    listing = await AtsVendors({"rippling": server.url("/rippling")}).fetch(http, AtsBoard("rippling", "acme"))
    assert len(listing.postings) == 4 and not listing.complete


DETAIL = {
    "name": "Clinic Manager",
    "description": {"company": "<p>About Acme.</p>", "role": "<p>Run the clinic.</p><ul><li>Staffing</li></ul>"},
    "employmentType": {"label": "SALARIED_FT", "id": "Salaried, full-time"},
    "createdOn": "2026-03-31T17:37:26.093000-07:00",
}


def test_parse_detail() -> None:
    assert rippling.parse_detail(DETAIL) == ("Run the clinic.\n\nStaffing\n\nAbout Acme.", "Salaried, full-time")
    assert rippling.parse_detail("nonsense") == (None, None)


async def test_new_postings_are_described_from_the_job_answer(server: LocalServer, db) -> None:
    server.route("/rippling/api/v2/board/acme/jobs", PAGE)
    server.route(f"/rippling/api/v2/board/acme/jobs/{A}", DETAIL)
    server.route(f"/rippling/api/v2/board/acme/jobs/{B}", {"name": "Support Specialist", "description": None})
    settings = load_settings(politeness_delay_s=0, ats_api_overrides={"rippling": server.url("/rippling")})
    company = {"_id": "acme", "careers_url": "https://ats.rippling.com/acme/jobs"}
    async with Acquirer(settings) as acquirer:
        outcome = await scrape(db, acquirer, company)
    assert outcome.strategy == "rippling" and outcome.found == 2
    described = {posting["title"]: posting.get("description") for posting in outcome.new}
    assert described["Clinic Manager"].startswith("Run the clinic.")
