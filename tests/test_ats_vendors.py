"""The ATS vendor registry: one `AtsVendor` per vendor, API bases as vendor configuration, `FeedFormatError` for a
feed of the wrong shape (every vendor), the shared pagination loop, and the page strategies after a malformed
feed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scoutly.acquire import Acquirer
from scoutly.acquire.ats import VENDOR_TYPES, VENDORS, AtsBoard, AtsVendor, AtsVendors, FeedFormatError, comeet
from scoutly.acquire.ats.vendor import Page, paginate
from scoutly.acquire.http import Http
from scoutly.acquire.models import PostingFound
from scoutly.config import load_settings
from scoutly.testing.http_server import JSON, LocalServer

SITES = Path(__file__).parent / "sites" / "static"
SECRET = "0123456789abcdefABCD"


def test_registry_holds_one_configured_instance_per_vendor() -> None:
    assert list(VENDORS) == [kind.name for kind in VENDOR_TYPES]
    assert all(isinstance(vendor, AtsVendor) and vendor.name == name for name, vendor in VENDORS.items())
    assert all(vendor.api is None for vendor in VENDORS.values())  # the public APIs
    local = AtsVendors({"greenhouse": "http://127.0.0.1:9/gh/", "lever": "http://127.0.0.1:9/lever"})
    assert local["greenhouse"].api == "http://127.0.0.1:9/gh" and local["lever"].api == "http://127.0.0.1:9/lever"
    assert local["ashby"].api is None and VENDORS["greenhouse"].api is None  # the default registry is untouched
    assert "greenhouse" in local and "taleo" not in local and None not in local


def test_the_acquirer_configures_its_vendors_from_the_settings() -> None:
    settings = load_settings(ats_api_overrides={"workday": "http://127.0.0.1:9/wd"})
    acquirer = Acquirer(settings)
    assert acquirer.vendors["workday"].api == "http://127.0.0.1:9/wd"
    assert acquirer.vendors["greenhouse"].api is None


# A feed of the wrong shape for every vendor: (board, path of its feed under the API base, answer).
WRONG_SHAPES: dict[str, tuple[AtsBoard, str, Any]] = {
    "greenhouse": (
        AtsBoard("greenhouse", "acme"),
        "/v1/boards/acme/jobs",
        {"jobs": [{"id": 1, "title": "T", "location": "Berlin"}]},
    ),
    "lever": (AtsBoard("lever", "acme"), "/v0/postings/acme", [{"id": "x", "text": "T", "categories": "Engineering"}]),
    "ashby": (
        AtsBoard("ashby", "acme"),
        "/posting-api/job-board/acme",
        {"jobs": [{"id": 1, "title": "T", "secondaryLocations": 5}]},
    ),
    "workday": (
        AtsBoard("workday", "acme", host="acme.wd1.myworkdayjobs.com", site="Careers"),
        "/wday/cxs/acme/Careers/jobs",
        [{"title": "T"}],
    ),
    "smartrecruiters": (
        AtsBoard("smartrecruiters", "acme"),
        "/v1/companies/acme/postings",
        {"content": [{"id": 1, "name": "T", "location": "Berlin"}], "totalFound": 1},
    ),
    "workable": (
        AtsBoard("workable", "acme"),
        "/api/v3/accounts/acme/jobs",
        {"results": [{"title": "T", "shortcode": "X", "location": "Berlin"}]},
    ),
    "personio": (AtsBoard("personio", "acme"), "/xml", "<workzag-jobs><position>"),
    "bamboohr": (AtsBoard("bamboohr", "acme"), "/careers/list", {"result": 5}),
    "recruitee": (AtsBoard("recruitee", "acme"), "/api/offers/", {"offers": 5}),
    "pinpoint": (AtsBoard("pinpoint", "acme"), "/postings.json", {"data": 5}),
    "comeet": (comeet.board("AB.12", SECRET), "/company/AB.12/positions", {"positions": 5}),
    "teamtailor": (AtsBoard("teamtailor", "acme"), "/jobs.rss", "<rss><channel><item>"),
    "breezy": (AtsBoard("breezy", "acme"), "/json", [{"id": "1", "name": "T", "locations": 5}]),
    "rippling": (AtsBoard("rippling", "acme"), "/api/v2/board/acme/jobs", {"items": 5}),
}


def test_every_vendor_has_a_wrong_shape_case() -> None:
    assert set(WRONG_SHAPES) == set(VENDORS)


@pytest.mark.parametrize("name", sorted(WRONG_SHAPES))
async def test_a_feed_of_the_wrong_shape_is_a_feed_format_error(server: LocalServer, http: Http, name: str) -> None:
    board, path, answer = WRONG_SHAPES[name]
    xml = isinstance(answer, str)
    server.route(f"/{name}{path}", answer, content_type="application/xml" if xml else JSON)
    with pytest.raises(FeedFormatError) as raised:
        await AtsVendors({name: server.url(f"/{name}")}).fetch(http, board)
    assert ("not valid XML" if xml else "not in the expected shape") in str(raised.value)
    assert SECRET not in str(raised.value)


async def test_a_detail_answer_of_the_wrong_shape_is_a_feed_format_error(server: LocalServer, http: Http) -> None:
    server.route("/bamboohr/careers/7/detail", {"result": "closed"})
    posting = PostingFound(key="bamboohr:7", title="T", url="https://acme.bamboohr.com/careers/7")
    with pytest.raises(FeedFormatError, match="expected `result` as an object, got a string"):
        await AtsVendors({"bamboohr": server.url("/bamboohr")}).describe(http, AtsBoard("bamboohr", "acme"), posting)


async def test_a_malformed_feed_falls_through_to_the_page(server: LocalServer) -> None:
    server.directory("/", SITES)
    server.route("/greenhouse/v1/boards/acme/jobs", {"jobs": [{"id": 1, "title": "T", "location": "Berlin"}]})
    settings = load_settings(
        politeness_delay_s=0,
        fetch_timeout_s=5,
        ats_api_overrides={"greenhouse": server.url("/greenhouse")},
        chromium_path="/nonexistent/chromium",
    )
    company = {"_id": "acme", "careers_url": server.url("/acme/careers/"), "ats": "greenhouse", "ats_token": "acme"}
    async with Acquirer(settings) as acquirer:
        listing = await acquirer.listing(company)
    assert listing.strategy == "static" and listing.complete and len(listing.postings) == 5
    assert any("greenhouse:acme feed" in note and "not in the expected shape" in note for note in listing.notes)


def _posting(key: str, location: str | None = None) -> PostingFound:
    return PostingFound(key=key, title=key, url=None, location=location)


async def test_paginate_reads_until_the_last_page_and_merges_repeats() -> None:
    asked: list[int] = []

    async def read(number: int) -> Page[int]:
        asked.append(number)
        if number == 0:
            return Page([_posting("a", "Berlin"), _posting("b")], 1)
        return Page([_posting("a", "Paris"), _posting("c")])  # the last page: no next cursor

    def merge(first: PostingFound, again: PostingFound) -> None:
        first.location = f"{first.location}, {again.location}"

    board = AtsBoard("rippling", "acme")
    listing = await paginate(board, read, 0, max_pages=5, merge=merge)
    assert asked == [0, 1] and listing.complete and listing.board == board and listing.strategy == "rippling"
    assert [(p.key, p.location) for p in listing.postings] == [("a", "Berlin, Paris"), ("b", None), ("c", None)]
    plain = await paginate(board, read, 0, max_pages=5)  # without `merge`, a repeat is dropped
    assert [(p.key, p.location) for p in plain.postings] == [("a", "Berlin"), ("b", None), ("c", None)]


async def test_paginate_stops_at_its_page_cap_and_says_the_listing_is_partial() -> None:
    async def endless(number: int) -> Page[int]:
        return Page([_posting(f"job-{number}")], number + 1)

    listing = await paginate(AtsBoard("workable", "acme"), endless, 0, max_pages=3)
    assert len(listing.postings) == 3 and not listing.complete
    assert listing.errors == ["workable:acme: stopped after 3 feed pages (more were offered)"]
