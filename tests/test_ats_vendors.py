"""The ATS vendor registry: one `AtsVendor` per vendor, API bases as vendor configuration, `FeedFormatError` for a
feed of the wrong shape (every vendor), the shared pagination loop, and the page strategies after a malformed
feed."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoutly.acquire import Acquirer
from scoutly.acquire.ats import (
    VENDOR_TYPES,
    VENDORS,
    AtsBoard,
    AtsVendor,
    AtsVendors,
    FeedFormatError,
    ashby,
    bamboohr,
    breezy,
    comeet,
    greenhouse,
    lever,
    personio,
    pinpoint,
    recruitee,
    rippling,
    smartrecruiters,
    teamtailor,
    workable,
    workday,
)
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
    assert ("not valid XML" if xml else "not in the expected shape: expected ") in str(raised.value)
    assert SECRET not in str(raised.value)
    assert xml or raised.value.__context__ is None  # said by the reader, not caught from a TypeError or the like


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


# --- wrong shapes, vendor by vendor: a FeedFormatError or a listing without the bad items, never another error ---

_JSON_LEAVES = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=12)
ANY_JSON = st.recursive(
    _JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


def _field_names(module: Any) -> list[str]:
    """Every key a vendor module reads (`.get("x")`, `["x"]`), so generated items carry fields it knows."""
    source = Path(module.__file__).read_text(encoding="utf-8")
    return sorted(set(re.findall(r"""(?:\.get\(|\[)["']([A-Za-z_]+)["']""", source)))


def _items(module: Any) -> st.SearchStrategy[Any]:
    """JSON objects whose keys are mostly the module's own field names, with values of any JSON type (text
    values that look like the vendor's URLs now and then, so items get past their key checks)."""
    names = _field_names(module)
    urls = st.sampled_from(
        [
            "https://acme.pinpointhq.com/en/postings/0b6f1f5e-2f1a-4b7e-9a55-5a8c1f7e2d11",
            "https://acme.recruitee.com/o/engineer",
            "https://ats.rippling.com/acme/jobs/0b6f1f5e-2f1a-4b7e-9a55-5a8c1f7e2d11",
            "https://acme.breezy.hr/p/0123abcd4567-engineer",
            "/job/Berlin/Engineer_R123",
            "http://[::1",  # no URL at all: urlsplit raises ValueError
        ]
    )
    values = ANY_JSON | st.text(min_size=1, max_size=6) | urls
    return st.recursive(
        st.dictionaries(st.sampled_from(names), values, max_size=8),
        lambda inner: st.dictionaries(st.sampled_from(names), values | inner | st.lists(inner, max_size=3), max_size=8),
        max_leaves=6,
    )


def _answers(module: Any) -> st.SearchStrategy[Any]:
    """A vendor's answer: any JSON, a list of items, or an object holding items under one of its field names."""
    items = st.lists(_items(module) | ANY_JSON, max_size=4)
    names = _field_names(module)
    return ANY_JSON | items | st.dictionaries(st.sampled_from(names), items | ANY_JSON, max_size=4) | _items(module)


_BOARDS = {
    "workday": AtsBoard("workday", "acme", host="acme.wd1.myworkdayjobs.com", site="Careers"),
    "recruitee": AtsBoard("recruitee", "acme"),
}

# Every pure reader of a vendor's JSON answers: (module, reader).
JSON_READERS: list[tuple[Any, Callable[[Any], object]]] = [
    (ashby, ashby.parse),
    (bamboohr, lambda data: bamboohr.parse(data, "acme")),
    (bamboohr, bamboohr.parse_detail),
    (breezy, breezy.parse),
    (comeet, comeet.parse),
    (greenhouse, greenhouse.parse),
    (lever, lever.parse),
    (pinpoint, pinpoint.parse),
    (recruitee, lambda data: recruitee.parse(data, _BOARDS["recruitee"])),
    (rippling, rippling.parse),
    (rippling, lambda data: rippling.parse_page(data, 0)),
    (rippling, rippling.parse_detail),
    (smartrecruiters, lambda data: smartrecruiters.parse(data, "acme")),
    (smartrecruiters, smartrecruiters.parse_page),
    (smartrecruiters, smartrecruiters.parse_detail),
    (workable, lambda data: workable.parse(data, "acme")),
    (workable, lambda data: workable.parse_page(data, "acme")),
    (workable, workable.parse_detail),
    (workday, lambda data: workday.parse(data, _BOARDS["workday"])),
    (workday, lambda data: workday.parse_page(data, _BOARDS["workday"], None)),
    (workday, workday.parse_detail),
    (workday, lambda data: workday.parse_legacy_widget(data, "https://acme.wd1.myworkdayjobs.com")),
]


def test_every_json_vendor_has_its_readers_checked() -> None:
    xml = {"personio", "teamtailor"}
    assert {module.VENDOR for module, _ in JSON_READERS} == set(VENDORS) - xml


@pytest.mark.parametrize(
    ("module", "read"), JSON_READERS, ids=[f"{m.VENDOR}-{i}" for i, (m, _) in enumerate(JSON_READERS)]
)
@pytest.mark.slow  # about a minute for all readers
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_reader_given_any_json_answers_postings_or_a_feed_format_error(
    module: Any, read: Callable[[Any], object], data: st.DataObject
) -> None:
    answer = data.draw(_answers(module))
    try:
        result = read(answer)
    except FeedFormatError as exc:
        assert "expected" in exc.reason
        return
    if isinstance(result, list):
        assert all(isinstance(posting, PostingFound) for posting in result)


# One well-formed posting per JSON vendor, in its feed: (board, feed path under the API base, the answer holding
# `items`, one good item). The good item gives one posting; the wrong shapes built from it below must give a
# FeedFormatError or a listing without the bad items — never another exception.
_UUID = "0b6f1f5e-2f1a-4b7e-9a55-5a8c1f7e2d11"
FEEDS: dict[str, tuple[AtsBoard, str, Callable[[list[Any]], Any], dict[str, Any]]] = {
    "greenhouse": (
        AtsBoard("greenhouse", "acme"),
        "/v1/boards/acme/jobs",
        lambda items: {"jobs": items, "meta": {"total": len(items)}},
        {
            "id": 1,
            "title": "Engineer",
            "absolute_url": "https://boards.greenhouse.io/acme/jobs/1",
            "location": {"name": "Berlin"},
            "offices": [{"name": "Berlin", "location": "Berlin, Germany"}],
            "departments": [{"name": "R&D"}],
            "metadata": [{"name": "Employment type", "value": "Full-time"}],
            "content": "&lt;p&gt;Build things&lt;/p&gt;",
        },
    ),
    "lever": (
        AtsBoard("lever", "acme"),
        "/v0/postings/acme",
        lambda items: items,
        {
            "id": _UUID,
            "text": "Engineer",
            "state": "published",
            "hostedUrl": f"https://jobs.lever.co/acme/{_UUID}",
            "urls": {"show": f"https://jobs.lever.co/acme/{_UUID}"},
            "categories": {"location": "Berlin", "team": "R&D", "commitment": "Full-time"},
            "workplaceType": "hybrid",
            "descriptionPlain": "Build things",
            "description": "<p>Build things</p>",
            "content": {"descriptionHtml": "<p>Build</p>", "lists": [], "closingHtml": "<p>Bye</p>"},
            "lists": [{"text": "You", "content": "<li>code</li>"}],
            "additionalPlain": "Apply",
        },
    ),
    "ashby": (
        AtsBoard("ashby", "acme"),
        "/posting-api/job-board/acme",
        lambda items: {"jobs": items, "apiVersion": "1"},
        {
            "id": _UUID,
            "title": "Engineer",
            "jobUrl": f"https://jobs.ashbyhq.com/acme/{_UUID}",
            "location": "Berlin",
            "secondaryLocations": [{"location": "Paris"}],
            "isRemote": False,
            "isListed": True,
            "department": "R&D",
            "team": "Platform",
            "employmentType": "FullTime",
            "descriptionHtml": "<p>Build things</p>",
        },
    ),
    "workday": (
        AtsBoard("workday", "acme", host="acme.wd1.myworkdayjobs.com", site="Careers"),
        "/wday/cxs/acme/Careers/jobs",
        lambda items: {"total": len(items), "jobPostings": items},
        {
            "title": "Engineer",
            "externalPath": "/job/Berlin/Engineer_R1",
            "locationsText": "Berlin",
            "bulletFields": ["R1"],
            "timeType": "Full time",
            "remoteType": "Hybrid",
        },
    ),
    "smartrecruiters": (
        AtsBoard("smartrecruiters", "acme"),
        "/v1/companies/acme/postings",
        lambda items: {"offset": 0, "limit": 100, "totalFound": len(items), "content": items},
        {
            "id": "744000",
            "name": "Engineer",
            "postingUrl": "https://jobs.smartrecruiters.com/Acme/744000-engineer",
            "location": {"city": "Berlin", "country": "de", "remote": False},
            "company": {"identifier": "Acme"},
            "department": {"label": "R&D"},
            "typeOfEmployment": {"label": "Full-time"},
        },
    ),
    "workable": (
        AtsBoard("workable", "acme"),
        "/api/v3/accounts/acme/jobs",
        lambda items: {"total": len(items), "results": items},
        {
            "title": "Engineer",
            "shortcode": "ABC123",
            "url": "https://apply.workable.com/acme/j/ABC123/",
            "location": {"city": "Berlin", "country": "Germany"},
            "department": ["R&D"],
            "type": "full",
            "remote": False,
            "state": "published",
        },
    ),
    "bamboohr": (
        AtsBoard("bamboohr", "acme"),
        "/careers/list",
        lambda items: {"meta": {"totalCount": len(items)}, "result": items},
        {
            "id": "7",
            "jobOpeningName": "Engineer",
            "location": {"city": "Berlin", "state": "BE"},
            "atsLocation": {"country": "Germany"},
            "departmentLabel": "R&D",
            "employmentStatusLabel": "Full-Time",
            "isRemote": "No",
        },
    ),
    "recruitee": (
        AtsBoard("recruitee", "acme"),
        "/api/offers/",
        lambda items: {"offers": items},
        {
            "id": 1,
            "title": "Engineer",
            "slug": "engineer",
            "status": "published",
            "careers_url": "https://acme.recruitee.com/o/engineer",
            "location": "Berlin",
            "city": "Berlin",
            "country": "Germany",
            "department": "R&D",
            "employment_type_code": "fulltime",
            "remote": False,
            "description": "<p>Build things</p>",
            "requirements": "<p>Code</p>",
        },
    ),
    "pinpoint": (
        AtsBoard("pinpoint", "acme"),
        "/postings.json",
        lambda items: {"data": items},
        {
            "title": "Engineer",
            "url": f"https://acme.pinpointhq.com/en/postings/{_UUID}",
            "location": {"name": "Berlin", "city": "Berlin", "province": "BE"},
            "workplace_type": "hybrid",
            "job": {"department": {"name": "R&D"}},
            "employment_type": "full_time",
            "description_header": "About",
            "description": "<p>Build things</p>",
        },
    ),
    "comeet": (
        comeet.board("AB.12", SECRET),
        "/company/AB.12/positions",
        lambda items: items,
        {
            "uid": "CD.34",
            "name": "Engineer",
            "url_active_page": "https://www.comeet.com/jobs/acme/AB.12/engineer/CD.34",
            "location": {"name": "Berlin", "is_remote": False},
            "workplace_type": "Hybrid",
            "department": "R&D",
            "employment_type": "Full-time",
            "details": [{"name": "About", "value": "<p>Build things</p>", "order": 1}],
        },
    ),
    "breezy": (
        AtsBoard("breezy", "acme"),
        "/json",
        lambda items: items,
        {
            "id": "0123abcd4567",
            "name": "Engineer",
            "url": "https://acme.breezy.hr/p/0123abcd4567-engineer",
            "locations": [{"name": "Berlin", "is_remote": False}],
            "location": {"city": "Berlin", "country": {"name": "Germany"}},
            "department": "R&D",
            "type": {"name": "Full-Time"},
        },
    ),
    "rippling": (
        AtsBoard("rippling", "acme"),
        "/api/v2/board/acme/jobs",
        lambda items: {"items": items, "page": 0, "totalPages": 1},
        {
            "id": _UUID,
            "name": "Engineer",
            "url": f"https://ats.rippling.com/acme/jobs/{_UUID}",
            "department": {"name": "R&D"},
            "locations": [{"name": "Berlin", "workplaceType": "HYBRID"}],
        },
    ),
}
# What a field, an item or an answer may be instead: a number, a string, a list, an object, null, a boolean.
WRONG_VALUES: list[Any] = [5, 2.5, "x", [1, "x"], {"a": 1}, None, True, [{"a": "x"}]]


def test_every_json_vendor_has_a_well_formed_feed() -> None:
    assert set(FEEDS) | {"personio", "teamtailor"} == set(VENDORS)


def _wrong_answers(name: str) -> list[tuple[str, Any, int]]:
    """(what is wrong, the answer, how many postings at most a listing of it may hold)."""
    _, _, holding, good = FEEDS[name]
    cases: list[tuple[str, Any, int]] = [(f"the answer is {value!r}", value, 0) for value in WRONG_VALUES]
    cases.append(("items of the wrong type", holding([5, "x", None, [1], {}, {"title": None}, True, good]), 1))
    container = holding([good])
    if isinstance(container, dict):  # each field of the answer of the wrong type
        cases += [
            (f"answer field {key!r} is {v!r}", {**container, key: v}, 1) for key in container for v in WRONG_VALUES
        ]
    for key in good:  # each field of an item of the wrong type, nested ones too
        cases += [(f"item field {key!r} is {v!r}", holding([{**good, key: v}]), 1) for v in WRONG_VALUES]
        if isinstance(good[key], dict):
            for inner in good[key]:
                cases += [
                    (f"item field {key}.{inner} is {v!r}", holding([{**good, key: {**good[key], inner: v}}]), 1)
                    for v in WRONG_VALUES
                ]
        if isinstance(good[key], list) and good[key] and isinstance(good[key][0], dict):
            for inner in good[key][0]:
                cases += [
                    (f"item field {key}[0].{inner} is {v!r}", holding([{**good, key: [{**good[key][0], inner: v}]}]), 1)
                    for v in WRONG_VALUES
                ]
    return cases


@pytest.mark.parametrize("name", sorted(FEEDS))
async def test_a_feed_of_any_wrong_shape_is_a_feed_format_error_or_skips_the_bad_items(
    server: LocalServer, http: Http, name: str
) -> None:
    board, path, holding, _ = FEEDS[name]
    vendors = AtsVendors({name: server.url(f"/{name}")})
    server.route(f"/{name}{path}", json.dumps(holding([FEEDS[name][3]])).encode(), content_type=JSON)
    assert len((await vendors.fetch(http, board)).postings) == 1  # the well-formed feed
    errors = 0
    for wrong, answer, most in _wrong_answers(name):
        server.route(f"/{name}{path}", json.dumps(answer).encode(), content_type=JSON)
        try:
            listing = await vendors.fetch(http, board)
        except FeedFormatError as exc:
            assert exc.reason.startswith("answer not in the expected shape: expected "), wrong
            assert exc.__context__ is None, wrong  # said by the reader, not caught from another error
            errors += 1
            continue
        assert len(listing.postings) <= most, wrong
        assert all(isinstance(posting, PostingFound) and posting.title for posting in listing.postings), wrong
    assert errors  # at least the wrong answers themselves


# Detail answers of the wrong shape, for every vendor with a detail API: (board, posting, detail path).
DETAILS: dict[str, tuple[AtsBoard, PostingFound, str]] = {
    "greenhouse": (
        AtsBoard("greenhouse", "acme"),
        PostingFound(key="greenhouse:1", title="T", url=None),
        "/v1/boards/acme/jobs/1",
    ),
    "bamboohr": (
        AtsBoard("bamboohr", "acme"),
        PostingFound(key="bamboohr:7", title="T", url=None),
        "/careers/7/detail",
    ),
    "smartrecruiters": (
        AtsBoard("smartrecruiters", "acme"),
        PostingFound(key="smartrecruiters:744000", title="T", url=None),
        "/v1/companies/acme/postings/744000",
    ),
    "workable": (
        AtsBoard("workable", "acme"),
        PostingFound(key="workable:ABC123", title="T", url=None),
        "/api/v2/accounts/acme/jobs/ABC123",
    ),
    "workday": (
        FEEDS["workday"][0],
        PostingFound(key="workday:R1", title="T", url="https://acme.wd1.myworkdayjobs.com/Careers/job/Berlin/E_R1"),
        "/wday/cxs/acme/Careers/job/Berlin/E_R1",
    ),
    "rippling": (
        AtsBoard("rippling", "acme"),
        PostingFound(key=f"rippling:{_UUID}", title="T", url=None),
        f"/api/v2/board/acme/jobs/{_UUID}",
    ),
}
DETAIL_FIELDS = {  # a detail answer's nested fields, each given of the wrong type in turn
    "greenhouse": {"title": "T", "content": "<p>x</p>", "location": {"name": "Berlin"}, "departments": []},
    "bamboohr": {"result": {"jobOpening": {"description": "<p>x</p>"}}},
    "smartrecruiters": {"jobAd": {"sections": {"jobDescription": {"title": "About", "text": "<p>x</p>"}}}},
    "workable": {"description": "<p>x</p>", "requirements": "<p>y</p>", "benefits": "<p>z</p>"},
    "workday": {"jobPostingInfo": {"jobDescription": "<p>x</p>", "location": "Berlin", "timeType": "Full time"}},
    "rippling": {"description": {"role": "<p>x</p>", "company": "<p>y</p>"}, "employmentType": {"id": "FULL"}},
}


def _nested_variants(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """`answer` with each of its fields, at any depth, replaced by each wrong value."""
    variants = []
    for key, value in answer.items():
        variants += [{**answer, key: wrong} for wrong in WRONG_VALUES]
        if isinstance(value, dict):
            variants += [{**answer, key: inner} for inner in _nested_variants(value)]
    return variants


@pytest.mark.parametrize("name", sorted(DETAILS))
async def test_a_detail_answer_of_any_wrong_shape_is_a_feed_format_error_or_ignored(
    server: LocalServer, http: Http, name: str
) -> None:
    board, posting, path = DETAILS[name]
    vendors = AtsVendors({name: server.url(f"/{name}")})
    for answer in [*WRONG_VALUES, DETAIL_FIELDS[name], *_nested_variants(DETAIL_FIELDS[name])]:
        server.route(f"/{name}{path}", json.dumps(answer).encode(), content_type=JSON)
        copy = PostingFound(key=posting.key, title=posting.title, url=posting.url)
        try:
            described = await vendors.describe(http, board, copy)
        except FeedFormatError as exc:
            assert "expected" in exc.reason and exc.__context__ is None, answer
            continue
        assert described is copy, answer


def test_a_link_that_is_no_url_is_no_link() -> None:
    """`urlsplit` raises ValueError for some strings (a bad IPv6 host, a port past 65535): such a link is none, and
    the item without it is skipped like one without a link, instead of failing the feed."""
    good = FEEDS["pinpoint"][3]
    for bad in ("http://[::1", "https://acme.pinpointhq.com:99999999/en/postings/x", "http://[zz]/"):
        assert pinpoint.parse({"data": [{**good, "url": bad}, good]}) == pinpoint.parse({"data": [good]})
    rss = "<rss><channel><item><title>T</title><link>http://[::1</link></item></channel></rss>"
    assert teamtailor.parse(rss) == []


_XML_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30)


@settings(max_examples=200, deadline=None)
@given(fields=st.dictionaries(st.sampled_from(["id", "name", "office", "department", "schedule"]), _XML_TEXT))
def test_personio_given_any_field_text_answers_postings_or_a_feed_format_error(fields: dict[str, str]) -> None:
    body = "".join(f"<{tag}>{escape(text)}</{tag}>" for tag, text in fields.items())
    html = escape(fields.get("name", ""))
    description = (
        f"<jobDescriptions><jobDescription><name>A</name><value>{html}</value></jobDescription></jobDescriptions>"
    )
    xml = f"<workzag-jobs><position>{body}{description}</position></workzag-jobs>"
    try:
        postings = personio.parse(xml, AtsBoard("personio", "acme"))
    except FeedFormatError:
        return
    assert all(isinstance(posting, PostingFound) for posting in postings)


@settings(max_examples=200, deadline=None)
@given(fields=st.dictionaries(st.sampled_from(["title", "link", "guid", "remoteStatus", "description"]), _XML_TEXT))
def test_teamtailor_given_any_field_text_answers_postings_or_a_feed_format_error(fields: dict[str, str]) -> None:
    body = "".join(f"<{tag}>{escape(text)}</{tag}>" for tag, text in fields.items())
    place = (
        f"<tt:locations><tt:location><tt:name>{escape(fields.get('title', ''))}</tt:name></tt:location></tt:locations>"
    )
    xml = f'<rss xmlns:tt="https://teamtailor.com/locations"><channel><item>{body}{place}</item></channel></rss>'
    try:
        postings = teamtailor.parse(xml)
    except FeedFormatError:
        return
    assert all(isinstance(posting, PostingFound) for posting in postings)
