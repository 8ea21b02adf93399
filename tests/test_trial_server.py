"""The sample career sites: every company's page and feed answers in its vendor's shape, version 2 changes
some boards, and nothing outside a company's directory is served."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from scoutly.trial.catalog import SITES_DIR, load_catalog, sample_companies, sample_users
from scoutly.trial.server import SampleSiteServer, SiteRouter


@pytest.fixture(scope="module")
def sites() -> Iterator[SampleSiteServer]:
    with SampleSiteServer() as server:
        yield server


@pytest.fixture
def client(sites: SampleSiteServer) -> Iterator[httpx.Client]:
    sites.version = 1
    with httpx.Client(base_url=sites.base_url, timeout=5) as http:
        yield http
    sites.version = 1


def test_binds_loopback_on_an_ephemeral_port(sites: SampleSiteServer) -> None:
    assert sites.base_url.startswith("http://127.0.0.1:")
    assert not sites.base_url.endswith(":0")


def test_every_careers_page_answers(sites: SampleSiteServer, client: httpx.Client) -> None:
    for row in sample_companies(sites.base_url):
        response = client.get(row["careers_url"])
        assert response.status_code == 200, row["careers_url"]
        assert response.headers["content-type"].startswith("text/html")
        assert "{{BASE}}" not in response.text


def test_greenhouse_feed_has_the_boards_api_shape(sites: SampleSiteServer, client: httpx.Client) -> None:
    full = client.get("/v1/boards/northwindrobotics/jobs", params={"content": "true"}).json()
    assert full["meta"]["total"] == len(full["jobs"]) == 6
    job = full["jobs"][0]
    assert {"id", "title", "absolute_url", "location", "updated_at", "content"} <= job.keys()
    assert job["absolute_url"].startswith(sites.base_url + "/northwind-robotics/jobs/")
    assert "&lt;p&gt;" in job["content"]  # the real API HTML-escapes content
    light = client.get("/greenhouse/v1/boards/northwindrobotics/jobs").json()
    assert "content" not in light["jobs"][0]
    one = client.get(f"/v1/boards/northwindrobotics/jobs/{job['id']}").json()
    assert one["title"] == job["title"]
    assert client.get("/v1/boards/nosuchboard/jobs").status_code == 404
    # every URL the feed gives resolves to the posting's page
    page = client.get(job["absolute_url"])
    assert page.status_code == 200 and job["title"] in page.text


def test_lever_feed_is_an_array_of_postings(client: httpx.Client) -> None:
    postings = client.get("/lever/v0/postings/lumenhealth", params={"mode": "json"}).json()
    assert isinstance(postings, list) and len(postings) == 5
    posting = postings[0]
    assert {"id", "text", "hostedUrl", "categories", "descriptionPlain", "createdAt"} <= posting.keys()
    assert {"location", "team", "commitment"} <= posting["categories"].keys()
    assert isinstance(posting["createdAt"], int)
    paged = client.get("/v0/postings/lumenhealth", params={"mode": "json", "skip": 4, "limit": 10}).json()
    assert [p["id"] for p in paged] == [postings[4]["id"]]
    assert client.get(posting["hostedUrl"]).status_code == 200
    assert client.get("/v0/postings/lumenhealth", params={"limit": "ten"}).status_code == 400


def test_ashby_feed_shape(client: httpx.Client) -> None:
    board = client.get("/posting-api/job-board/quillbyte").json()
    job = board["jobs"][0]
    expected = {"id", "title", "jobUrl", "location", "department", "employmentType", "isRemote",
                "descriptionPlain", "publishedAt"}
    assert expected <= job.keys()
    assert client.get(job["jobUrl"]).status_code == 200


def test_workday_cxs_search_paginates_and_caps_page_size(sites: SampleSiteServer, client: httpx.Client) -> None:
    first = client.post("/wday/cxs/gravelstone/Careers/jobs", json={"limit": 5, "offset": 0, "searchText": ""})
    second = client.post("/workday/wday/cxs/gravelstone/Careers/jobs", json={"limit": 5, "offset": 5})
    assert first.json()["total"] == second.json()["total"] == 7
    titles = [p["title"] for p in first.json()["jobPostings"] + second.json()["jobPostings"]]
    assert len(titles) == len(set(titles)) == 7
    posting = first.json()["jobPostings"][0]
    assert {"title", "externalPath", "locationsText", "postedOn", "bulletFields"} <= posting.keys()
    assert client.post("/wday/cxs/gravelstone/Careers/jobs", json={"limit": 50}).status_code == 400
    searched = client.post("/wday/cxs/gravelstone/Careers/jobs", json={"limit": 20, "searchText": "python"}).json()
    assert [p["title"] for p in searched["jobPostings"]] == ["Python Developer, Routing Optimisation"]
    detail = client.get("/wday/cxs/gravelstone/Careers" + posting["externalPath"]).json()["jobPostingInfo"]
    assert detail["title"] == posting["title"] and "<li>" in detail["jobDescription"]
    assert detail["externalUrl"] == f"{sites.base_url}/gravel-stone/Careers{posting['externalPath']}"
    assert client.get(detail["externalUrl"]).status_code == 200


def test_head_answers_headers_only(client: httpx.Client) -> None:
    head = client.head("/fjord-analytics/careers/")
    get = client.get("/fjord-analytics/careers/")
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len(get.content)


def test_static_sites_link_to_detail_pages(client: httpx.Client) -> None:
    listing = client.get("/fjord-analytics/careers/").text
    assert listing.count('class="job-card"') == 5
    assert client.get("/fjord-analytics/careers/senior-data-engineer").status_code == 200
    detail = client.get("/tidewater-energy/jobs/grid-software-engineer.html").text
    start = detail.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    ld = json.loads(detail[start : detail.index("</script>", start)])
    assert ld["@type"] == "JobPosting" and ld["title"] == "Software Engineer, Grid Integration"
    assert ld["url"].startswith("http://127.0.0.1:")
    page1 = client.get("/kestrel-bank/vacancies/").text
    assert 'rel="next" class="next" href="/kestrel-bank/vacancies/page/2/"' in page1
    assert 'rel="next"' not in client.get("/kestrel-bank/vacancies/page/3/").text


def test_version_2_adds_and_removes_postings(sites: SampleSiteServer, client: httpx.Client) -> None:
    def greenhouse_titles() -> set[str]:
        return {j["title"] for j in client.get("/v1/boards/northwindrobotics/jobs").json()["jobs"]}

    def lever_titles() -> set[str]:
        return {p["text"] for p in client.get("/v0/postings/lumenhealth").json()}

    before_gh, before_lever = greenhouse_titles(), lever_titles()
    before_kestrel = client.get("/kestrel-bank/vacancies/page/3/").text
    sites.version = 2
    assert greenhouse_titles() - before_gh == {"Staff Data Engineer"}
    assert before_gh - greenhouse_titles() == {"Technical Recruiter"}
    assert lever_titles() - before_lever == {"Analytics Engineer (dbt)"}
    assert "Site Reliability Engineer" not in before_kestrel
    assert "Site Reliability Engineer" in client.get("/kestrel-bank/vacancies/page/3/").text
    assert client.get("/fjord-analytics/careers/").text.count('class="job-card"') == 6
    # unchanged boards stay the same
    assert len(client.get("/posting-api/job-board/quillbyte").json()["jobs"]) == 5
    with pytest.raises(ValueError):
        sites.version = 3


def test_nothing_outside_a_company_directory_is_served() -> None:
    router = SiteRouter()
    for target in ("/fjord-analytics/../catalog.json", "/fjord-analytics/..%2fcatalog.json", "/catalog.json",
                   "/fjord-analytics/v2/careers/", "/README.md", "/tidewater-energy/../../trial/server.py"):
        assert router.respond("GET", target).status == 404, target
    assert router.respond("DELETE", "/fjord-analytics/careers/").status == 405


def test_a_broken_sample_file_is_a_500_not_a_hang(tmp_path) -> None:
    root = tmp_path / "sites"
    shutil.copytree(SITES_DIR, root)
    (root / "northwind-robotics" / "greenhouse.json").write_text("{not json", encoding="utf-8")
    with SampleSiteServer(root) as server:
        response = httpx.get(server.base_url + "/v1/boards/northwindrobotics/jobs", timeout=5)
    assert response.status_code == 500


def test_sample_users_track_sample_companies_across_all_rank_bands() -> None:
    slugs = {c.slug for c in load_catalog().companies}
    users = sample_users()
    assert 2 <= len(users) <= 3
    ranks = [rank for user in users for rank in user.trackings.values()]
    assert all(set(user.trackings) <= slugs for user in users)
    bands = {(1, 10), (11, 30), (31, 60), (61, 80), (81, 100)}
    assert all(any(lo <= r <= hi for r in ranks) for lo, hi in bands)
    assert all(user.profile["include_keywords"] for user in users)


@pytest.mark.browser
async def test_javascript_listing_renders_in_chromium(sites: SampleSiteServer) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed")
    from playwright.async_api import async_playwright

    sites.version = 1
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = await browser.new_page()
            await page.goto(sites.base_url + "/pixel-orchard/careers")
            await page.wait_for_selector("#openings .opening a", timeout=5000)
            links = await page.eval_on_selector_all("#openings .opening a", "els => els.map(e => e.href)")
        finally:
            await browser.close()
    static = httpx.get(sites.base_url + "/pixel-orchard/careers", timeout=5).text
    assert '<a href="/pixel-orchard/jobs/' not in static  # without JavaScript the page lists nothing
    assert len(links) == 5 and all(link.startswith(sites.base_url + "/pixel-orchard/jobs/") for link in links)


def test_serves_from_the_command_line_until_interrupted() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "scoutly.trial.server", "--site-version", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        match = re.search(r"\(version 2\) on (http://127\.0\.0\.1:\d+)/", first)
        assert match, first + proc.stderr.read()
        board = httpx.get(match[1] + "/v1/boards/northwindrobotics/jobs", timeout=5).json()
        assert "Staff Data Engineer" in {job["title"] for job in board["jobs"]}
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
