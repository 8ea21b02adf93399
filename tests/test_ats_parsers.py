"""ATS feed parsers on real feeds from the shared corpus (see ../shared/corpus/SOURCES.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scoutly.acquire.ats import (
    ashby,
    ats_key_for_url,
    board_from_hint,
    detect_board,
    greenhouse,
    lever,
    smartrecruiters,
    workable,
    workday,
)
from scoutly.acquire.ats.base import AtsBoard

pytestmark = pytest.mark.corpus


def load(corpus: Path, name: str):
    return json.loads((corpus / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(("name", "count"), [("airbnb", 189), ("catawiki", 50), ("netlify-departments", 13)])
def test_greenhouse_every_job(corpus: Path, name: str, count: int) -> None:
    postings = greenhouse.parse(load(corpus, f"greenhouse/{name}.json"))
    assert len(postings) == count
    assert all(p.key.startswith("greenhouse:") and p.title and p.url for p in postings)


def test_greenhouse_fields_and_content(corpus: Path) -> None:
    postings = {p.key: p for p in greenhouse.parse(load(corpus, "greenhouse/catawiki.json"))}
    android = postings["greenhouse:6954117"]
    assert android.title == "Android Developer"
    assert android.url == "https://job-boards.greenhouse.io/catawiki/jobs/6954117"
    assert android.location == "Lisbon, Portugal" and android.department == "Engineering"
    assert android.description.startswith("At Catawiki, every day brings the extraordinary")
    assert "&lt;" not in android.description and "<p>" not in android.description


def test_greenhouse_offices_dedupes_by_id(corpus: Path) -> None:
    data = load(corpus, "greenhouse/intercom-offices.json")
    entries = [j for o in data["offices"] for d in o["departments"] for j in d["jobs"]]
    postings = greenhouse.parse(data)
    assert len(entries) == 109
    assert len(postings) == len({j["id"] for j in entries}) < 109
    assert all(p.department for p in postings)


def test_greenhouse_keeps_company_site_urls(corpus: Path) -> None:
    first = greenhouse.parse(load(corpus, "greenhouse/airbnb.json"))[0]
    assert first.url == "https://careers.airbnb.com/positions/7995153?gh_jid=7995153"
    assert ats_key_for_url(first.url) == first.key


def test_lever_v0_and_v1(corpus: Path) -> None:
    v0 = lever.parse(load(corpus, "lever/1password.json"))
    assert len(v0) == 24
    first = v0[0]
    assert (first.title, first.location, first.department, first.employment_type) == (
        "Account Manager",
        "Remote Canada",
        "Sales",
        "Full Time",
    )
    assert first.url == "https://jobs.lever.co/1password/11e2165f-481b-45fe-83a9-88a6b3f69acb"
    assert "What we're looking for" in first.description and first.remote is True
    assert ats_key_for_url(first.url) == first.key
    v1 = lever.parse(load(corpus, "lever/humi-lever-v1-postings.json"))
    published = [p for p in load(corpus, "lever/humi-lever-v1-postings.json")["data"] if p["state"] == "published"]
    assert len(v1) == len(published) == 12
    assert all(p.url.startswith("https://jobs.lever.co/humi-2/") for p in v1)


@pytest.mark.parametrize(("name", "count"), [("cursor", 21), ("supabase", 34), ("replit", 37), ("elevenlabs", 58)])
def test_ashby(corpus: Path, name: str, count: int) -> None:
    postings = ashby.parse(load(corpus, f"ashby/{name}.json"))
    assert len(postings) == count
    for posting in postings:
        assert posting.url.startswith(f"https://jobs.ashbyhq.com/{name}/")
        assert ats_key_for_url(posting.url) == posting.key
        assert posting.description


def test_workday_cxs(corpus: Path) -> None:
    board = detect_board("https://nvidia.wd5.myworkdayjobs.com/en-US/NVIDIAExternalCareerSite")
    assert board == AtsBoard(
        "workday", "nvidia", host="nvidia.wd5.myworkdayjobs.com", site="NVIDIAExternalCareerSite", locale="en-US"
    )
    postings = workday.parse(load(corpus, "workday/nvidia-cxs-jobPostings.json"), board)
    assert len(postings) == 12
    assert postings[0].key == "workday:JR1987718"
    assert postings[0].url.startswith("https://nvidia.wd5.myworkdayjobs.com/en-US/NVIDIAExternalCareerSite/job/")
    assert ats_key_for_url(postings[0].url) == postings[0].key


def test_workday_urls_match_the_sites_own(corpus: Path) -> None:
    records = load(corpus, "workday/aig-scraper-records-with-raw-cxs.json")
    board = detect_board(records[0]["detail_url"])
    postings = workday.parse([r["_raw_listing"] for r in records], board)
    assert [p.url for p in postings] == [r["_raw_detail"]["jobPostingInfo"]["externalUrl"] for r in records]
    # the key is the posting id's requisition part (a re-posted requisition gets its own "-1" suffix)
    ids = [r["_raw_detail"]["jobPostingInfo"]["jobPostingId"].rsplit("_", 1)[1] for r in records]
    assert [p.key for p in postings] == [f"workday:{i}" for i in ids]


def test_workday_legacy_widget(corpus: Path) -> None:
    postings = workday.parse_legacy_widget(
        load(corpus, "workday/zoom-legacy-widget-page1.json"), "https://zoom.wd5.myworkdayjobs.com"
    )
    assert len(postings) == 50
    assert postings[0].title == "Senior Monitoring/Automations Engineer"
    assert (
        postings[0].url == "https://zoom.wd5.myworkdayjobs.com/en-US/Zoom/job/San-Jose-CA/Monitoring-engineer_R2273-1"
    )
    assert postings[0].key == "workday:R2273-1"


def test_smartrecruiters_pages(corpus: Path) -> None:
    postings = smartrecruiters.parse(load(corpus, "other-ats/smartrecruiters-shopify.json"))
    assert len(postings) == 78
    first = postings[0]
    assert first.url == "https://jobs.smartrecruiters.com/Shopify/743999738863483"
    assert first.department == "Data Science and Engineering" and first.remote is True
    assert ats_key_for_url(first.url) == first.key


def test_workable(corpus: Path) -> None:
    postings = workable.parse(load(corpus, "other-ats/workable-doist.json"), "doist")
    assert [p.title for p in postings] == ["Head of Infrastructure", "Senior Android Developer"]
    assert postings[0].url == "https://apply.workable.com/doist/j/7670C0E09F/"
    assert postings[0].remote is True and postings[0].department == "Engineering"
    assert ats_key_for_url(postings[0].url) == postings[0].key


@pytest.mark.parametrize(
    ("url", "vendor", "token"),
    [
        ("https://boards.greenhouse.io/acme", "greenhouse", "acme"),
        ("https://job-boards.greenhouse.io/acme/jobs/123", "greenhouse", "acme"),
        ("https://boards.greenhouse.io/embed/job_board?for=acme&b=x", "greenhouse", "acme"),
        ("https://boards.greenhouse.io/embed/job_board/js?for=acme", "greenhouse", "acme"),
        ("https://jobs.lever.co/acme/11e2165f-481b-45fe-83a9-88a6b3f69acb", "lever", "acme"),
        ("https://jobs.ashbyhq.com/acme", "ashby", "acme"),
        ("https://jobs.ashbyhq.com/acme/embed?version=2", "ashby", "acme"),
        ("https://careers.smartrecruiters.com/Acme", "smartrecruiters", "Acme"),
        ("https://apply.workable.com/acme/", "workable", "acme"),
        ("https://acme.workable.com", "workable", "acme"),
        ("https://acme.wd1.myworkdayjobs.com/External", "workday", "acme"),
    ],
)
def test_detect_board(url: str, vendor: str, token: str) -> None:
    board = detect_board(url)
    assert board is not None and (board.vendor, board.token) == (vendor, token)


@pytest.mark.parametrize(
    "url", ["https://www.example.com/careers", "https://grnh.se/abc123", "https://boards.greenhouse.io/", None]
)
def test_detect_board_none(url: str | None) -> None:
    assert detect_board(url) is None


def test_board_from_hint() -> None:
    assert board_from_hint("greenhouse", "acme", "https://acme.com/jobs") == AtsBoard("greenhouse", "acme")
    assert board_from_hint(None, None, "https://jobs.lever.co/acme").vendor == "lever"
    assert board_from_hint("lever", None, "https://acme.com/jobs") is None
    assert board_from_hint("taleo", "acme", "https://acme.com/jobs") is None
    local = board_from_hint("workday", "gravelstone/Careers", "http://127.0.0.1:9/gravel-stone/Careers")
    assert (local.token, local.site, local.page_url) == (
        "gravelstone",
        "Careers",
        "http://127.0.0.1:9/gravel-stone/Careers",
    )
    hosted = board_from_hint("workday", "nvidia.wd5.myworkdayjobs.com/External", None)
    assert (hosted.token, hosted.host, hosted.site) == ("nvidia", "nvidia.wd5.myworkdayjobs.com", "External")
