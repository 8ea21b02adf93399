"""ATS fetchers against real corpus feeds replayed by the local HTTP server (base URLs injected)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scoutly.acquire.ats import VENDORS, AtsBoard, AtsVendors, board_from_hint, greenhouse, workday
from scoutly.acquire.http import FetchError, Http
from scoutly.testing.http_server import LocalServer, Request, Response

pytestmark = pytest.mark.corpus


def load(corpus: Path, name: str):
    return json.loads((corpus / name).read_text(encoding="utf-8"))


def vendors(server: LocalServer, *names: str) -> AtsVendors:
    """The vendors with the feeds of `names` on the local server."""
    return AtsVendors({name: server.url(f"/{name}") for name in names})


async def test_greenhouse_feed_then_details_of_one(server: LocalServer, http: Http, corpus: Path) -> None:
    data = load(corpus, "greenhouse/catawiki.json")
    light = {
        "jobs": [
            {k: v for k, v in job.items() if k not in ("content", "departments", "offices")} for job in data["jobs"]
        ]
    }
    server.route("/greenhouse/v1/boards/catawiki/jobs", light)
    first = data["jobs"][0]
    server.route(f"/greenhouse/v1/boards/catawiki/jobs/{first['id']}", first)
    board = AtsBoard("greenhouse", "catawiki")
    listing = await vendors(server, "greenhouse").fetch(http, board)
    assert listing.complete and len(listing.postings) == 50
    assert server.hits("/greenhouse/v1/boards/catawiki/jobs")[0].query == {}  # no content: a light listing
    posting = listing.postings[0]
    assert posting.description is None and posting.department is None
    await vendors(server, "greenhouse").describe(http, board, posting)
    assert posting.description.startswith("At Catawiki") and posting.department == "Engineering"


async def test_lever_feed(server: LocalServer, http: Http, corpus: Path) -> None:
    server.route("/lever/v0/postings/1password", load(corpus, "lever/1password.json"))
    listing = await vendors(server, "lever").fetch(http, AtsBoard("lever", "1password"))
    assert len(listing.postings) == 24 and listing.postings[0].title == "Account Manager"


async def test_ashby_feed(server: LocalServer, http: Http, corpus: Path) -> None:
    server.route("/ashby/posting-api/job-board/replit", load(corpus, "ashby/replit.json"))
    listing = await vendors(server, "ashby").fetch(http, AtsBoard("ashby", "replit"))
    assert len(listing.postings) == 37


def _workday_pages(items: list[dict]):
    def answer(request: Request) -> Response:
        body = request.json()
        offset, limit = body["offset"], body["limit"]
        assert limit <= 20  # the real CXS endpoint refuses larger pages
        page = items[offset : offset + limit]
        return Response(200, {"total": len(items) if offset == 0 else 0, "jobPostings": page})  # total on page 1 only

    return answer


async def test_workday_paginates_and_describes(server: LocalServer, http: Http, corpus: Path) -> None:
    records = load(corpus, "workday/aig-scraper-records-with-raw-cxs.json")
    items = [r["_raw_listing"] for r in records] + load(corpus, "workday/nvidia-cxs-jobPostings.json")
    server.handler("/workday/wday/cxs/aig/aig/jobs", _workday_pages(items))
    first = records[0]
    server.route(f"/workday/wday/cxs/aig/aig{first['_raw_listing']['externalPath']}", first["_raw_detail"])
    board = AtsBoard("workday", "aig", host="aig.wd1.myworkdayjobs.com", site="aig")
    listing = await vendors(server, "workday").fetch(http, board)
    assert listing.complete and len(listing.postings) == 32
    assert [r.json()["offset"] for r in server.hits("/workday/wday/cxs/aig/aig/jobs")] == [0, 20]
    posting = listing.postings[0]
    await vendors(server, "workday").describe(http, board, posting)
    assert posting.description.startswith("At AIG, we are reimagining")


async def test_workday_bound_marks_listing_incomplete(server: LocalServer, http: Http, corpus: Path) -> None:
    items = load(corpus, "workday/nvidia-cxs-jobPostings.json") * 5
    for index, item in enumerate(items):
        item = items[index] = dict(item)
        item["externalPath"] = item["externalPath"] + f"-{index}"
    server.handler("/workday/wday/cxs/nvidia/Ext/jobs", _workday_pages(items))
    board = AtsBoard("workday", "nvidia", host="nvidia.wd5.myworkdayjobs.com", site="Ext")
    listing = await workday.Workday(server.url("/workday"), max_pages=2).fetch(http, board)
    assert not listing.complete and len(listing.postings) == 40 and listing.errors


async def test_workday_local_board_from_tenant_site_hint(server: LocalServer, http: Http, corpus: Path) -> None:
    items = load(corpus, "workday/nvidia-cxs-jobPostings.json")
    server.handler("/workday/wday/cxs/gravelstone/Careers/jobs", _workday_pages(items))
    board = board_from_hint("workday", "gravelstone/Careers", server.url("/gravel-stone/Careers"))
    listing = await vendors(server, "workday").fetch(http, board)
    assert listing.postings[0].url == server.url("/gravel-stone/Careers") + items[0]["externalPath"]


async def test_smartrecruiters_pages(server: LocalServer, http: Http, corpus: Path) -> None:
    pages = load(corpus, "other-ats/smartrecruiters-shopify.json")

    def answer(request: Request) -> Response:
        offset = int(request.query["offset"][0])
        return Response(200, next(p for p in pages if p["offset"] == offset))

    server.handler("/smartrecruiters/v1/companies/shopify/postings", answer)
    listing = await vendors(server, "smartrecruiters").fetch(http, AtsBoard("smartrecruiters", "shopify"))
    assert listing.complete and len(listing.postings) == 78


async def test_workable_next_page_token(server: LocalServer, http: Http, corpus: Path) -> None:
    data = load(corpus, "other-ats/workable-doist.json")
    first, second = data["results"]

    def answer(request: Request) -> Response:
        if request.json().get("token") == "p2":
            return Response(200, {"total": 2, "results": [second]})
        return Response(200, {"total": 2, "results": [first], "nextPage": "p2"})

    server.handler("/workable/api/v3/accounts/doist/jobs", answer)
    board = AtsBoard("workable", "doist")
    listing = await vendors(server, "workable").fetch(http, board)
    assert [p.title for p in listing.postings] == ["Head of Infrastructure", "Senior Android Developer"]
    # details: the v2 job endpoint (an answer written by us in its documented shape; the corpus has none)
    server.route(
        "/workable/api/v2/accounts/doist/jobs/7670C0E09F",
        {
            "shortcode": "7670C0E09F",
            "description": "<p>Run our infrastructure.</p>",
            "requirements": "<ul><li>Kubernetes</li></ul>",
            "benefits": "",
        },
    )
    posting = listing.postings[0]
    await vendors(server, "workable").describe(http, board, posting)
    assert posting.description == "Run our infrastructure.\n\nRequirements\n\nKubernetes"


async def test_unknown_board_is_a_fetch_error(server: LocalServer, http: Http) -> None:
    server.route("/greenhouse/v1/boards/nope/jobs", {"status": 404, "error": "Job not found"}, status=404)
    with pytest.raises(FetchError, match="HTTP 404"):
        await greenhouse.Greenhouse(server.url("/greenhouse")).fetch(http, AtsBoard("greenhouse", "nope"))


async def test_feed_that_is_not_json(server: LocalServer, http: Http) -> None:
    server.route("/ashby/posting-api/job-board/acme", "<html>maintenance</html>", content_type="application/json")
    with pytest.raises(FetchError, match="invalid JSON"):
        await vendors(server, "ashby").fetch(http, AtsBoard("ashby", "acme"))


async def test_lever_board_unknown_globally_is_found_on_the_eu_api(
    server: LocalServer, http: Http, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scoutly.acquire.ats import lever

    monkeypatch.setattr(lever, "DEFAULT_API", server.url("/us"))
    monkeypatch.setattr(lever, "EU_API", server.url("/eu"))
    server.route("/us/v0/postings/1password", {"ok": False, "error": "Document not found"}, status=404)
    server.route("/eu/v0/postings/1password", load(corpus, "lever/1password.json"))
    listing = await VENDORS.fetch(http, AtsBoard("lever", "1password"))
    assert len(listing.postings) == 24
    server.route("/eu/v0/postings/nobody", {"ok": False}, status=404)
    server.route("/us/v0/postings/nobody", {"ok": False}, status=404)
    with pytest.raises(FetchError, match="HTTP 404"):
        await VENDORS.fetch(http, AtsBoard("lever", "nobody"))


async def test_greenhouse_board_unknown_globally_is_found_on_the_eu_api(
    server: LocalServer, http: Http, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(greenhouse, "DEFAULT_API", server.url("/us"))
    monkeypatch.setattr(greenhouse, "EU_API", server.url("/eu"))
    data = load(corpus, "greenhouse/catawiki.json")
    server.route("/us/v1/boards/catawiki/jobs", {"status": 404, "error": "Job not found"}, status=404)
    server.route("/eu/v1/boards/catawiki/jobs", data)
    first = data["jobs"][0]
    server.route(f"/eu/v1/boards/catawiki/jobs/{first['id']}", first)
    listing = await VENDORS.fetch(http, AtsBoard("greenhouse", "catawiki"))
    assert len(listing.postings) == 50 and ".eu." in listing.board.host
    posting = listing.postings[0]
    posting.description = None
    await VENDORS.describe(http, listing.board, posting)  # the detail API of the same region
    assert posting.description.startswith("At Catawiki")
