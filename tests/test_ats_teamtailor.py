"""Teamtailor's public `jobs.rss`. Not in the corpus: the feed below is written by us in the shape Teamtailor career
sites serve at https://<company>.teamtailor.com/jobs.rss — RSS 2.0 items with title, HTML description, pubDate,
link (…/jobs/<id>-<slug>), remoteStatus, guid, tt:locations/tt:location/{tt:name,tt:city,tt:country} and
tt:department — paged with `per_page` and `offset`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from html import escape

import httpx
import pytest

from scoutly.acquire.ats import (
    AtsBoard,
    AtsVendors,
    FeedFormatError,
    ats_key_for_url,
    boards_in_page,
    detect_board,
    teamtailor,
)
from scoutly.acquire.http import FetchError, Http, HttpLimits
from scoutly.testing.http_server import LocalServer, Request, Response

TT = "https://teamtailor.com/locations"


def item(job_id: int, title: str, *, remote: str = "none", city: str = "Stockholm", department: str = "Tech") -> str:
    description = escape("<p>Build <b>things</b>.</p><ul><li>Go</li></ul>")
    return f"""<item>
      <title>{escape(title)}</title>
      <description>{description}</description>
      <pubDate>Fri, 27 Feb 2026 19:59:48 +0100</pubDate>
      <link>https://acme.teamtailor.com/jobs/{job_id}-{title.lower().replace(" ", "-")}</link>
      <remoteStatus>{remote}</remoteStatus>
      <guid>679cc864-7629-4b8f-a5d4-{job_id:012d}</guid>
      <tt:locations><tt:location><tt:name>{city}</tt:name><tt:city>{city}</tt:city>
        <tt:country>Sweden</tt:country></tt:location></tt:locations>
      <tt:department>{department}</tt:department>
    </item>"""


def feed(*items: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:tt="{TT}"><channel><title>Acme jobs</title>
<link>https://acme.teamtailor.com/jobs</link><description>Jobs</description>{"".join(items)}</channel></rss>"""


def test_parse_the_rss_shape() -> None:
    postings = teamtailor.parse(
        feed(item(7308188, "Backend Developer", remote="hybrid"), item(7308190, "Data Lead", remote="fully"))
    )
    assert [(p.key, p.title, p.url) for p in postings] == [
        ("teamtailor:7308188", "Backend Developer", "https://acme.teamtailor.com/jobs/7308188-backend-developer"),
        ("teamtailor:7308190", "Data Lead", "https://acme.teamtailor.com/jobs/7308190-data-lead"),
    ]
    first = postings[0]
    assert (first.location, first.department, first.remote) == ("Stockholm", "Tech", False)
    assert postings[1].remote is True
    assert first.description == "Build things.\n\nGo"
    assert all(ats_key_for_url(p.url) == p.key for p in postings)


def test_detection_and_refusals() -> None:
    assert detect_board("https://acme.teamtailor.com/jobs") == AtsBoard(
        "teamtailor", "acme", host="acme.teamtailor.com"
    )
    assert detect_board("https://acme.na.teamtailor.com/") == AtsBoard(
        "teamtailor", "acme", host="acme.na.teamtailor.com"
    )
    assert detect_board("https://www.teamtailor.com/en/pricing") is None
    assert ats_key_for_url("https://acme.teamtailor.com/en-GB/jobs/123-x?ref=y") == "teamtailor:123"
    assert ats_key_for_url("https://acme.teamtailor.com/jobs") is None
    with pytest.raises(FeedFormatError, match="DTD or entities"):
        teamtailor.parse('<!DOCTYPE r [<!ENTITY e "x">]><rss><channel></channel></rss>')


@pytest.fixture
async def http() -> AsyncIterator[Http]:
    async with httpx.AsyncClient(follow_redirects=True) as client:
        yield Http(client, HttpLimits(delay_s=0, timeout_s=5, backoff_s=0.01, attempts=1))


def paged(total: int):
    """A feed of `total` jobs that honours per_page and offset like Teamtailor's."""

    def answer(request: Request) -> Response:
        size, offset = int(request.query["per_page"][0]), int(request.query["offset"][0])
        items = [item(1000 + n, f"Job {n}") for n in range(offset, min(total, offset + size))]
        return Response(200, feed(*items), {}, "application/rss+xml; charset=utf-8", 0.0)

    return answer


async def test_fetch_reads_every_page(server: LocalServer, http: Http) -> None:
    server.handler("/tt/jobs.rss", paged(230))
    listing = await AtsVendors({"teamtailor": server.url("/tt")}).fetch(http, AtsBoard("teamtailor", "acme"))
    assert len(listing.postings) == 230 and listing.complete
    assert [r.query["offset"] for r in server.hits("/tt/jobs.rss")] == [["0"], ["100"], ["200"]]


async def test_a_feed_longer_than_the_bound_is_partial(
    server: LocalServer, http: Http, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(teamtailor, "MAX_PAGES", 2)
    server.handler("/tt/jobs.rss", paged(1000))
    listing = await AtsVendors({"teamtailor": server.url("/tt")}).fetch(http, AtsBoard("teamtailor", "acme"))
    assert len(listing.postings) == 200 and not listing.complete and "2 feed pages" in listing.errors[0]


async def test_broken_feed_is_a_fetch_error(server: LocalServer, http: Http) -> None:
    server.route("/tt/jobs.rss", "<rss><channel><item>", content_type="application/rss+xml")
    with pytest.raises(FetchError, match="not valid XML"):
        await AtsVendors({"teamtailor": server.url("/tt")}).fetch(http, AtsBoard("teamtailor", "acme"))


def test_a_career_site_on_its_own_domain_is_read_from_that_domain() -> None:
    careersite = '<script src="https://assets-aws.teamtailor-cdn.com/assets/careersite-abc123.js"></script>'
    boards = boards_in_page(f"<head>{careersite}</head><main>Jobs</main>", "https://careers.acme.example/jobs")
    assert boards == [AtsBoard("teamtailor", "careers.acme.example", host="careers.acme.example")]
    assert teamtailor.site(boards[0]) == "https://careers.acme.example"
    # Teamtailor's jobs widget or an image from its CDN on another site do not make that site a career site
    widget = '<script src="https://scripts.teamtailor-cdn.com/widgets/eu-pink/jobs.js"></script>'
    image = '<img src="https://images.teamtailor-cdn.com/images/s3/logo.png">'
    assert boards_in_page(widget + image, "https://www.acme.example/") == []
    # the feed's links on the company's domain still carry the job id
    own = feed(item(42, "Nurse").replace("https://acme.teamtailor.com/", "https://careers.acme.example/"))
    assert [p.key for p in teamtailor.parse(own)] == ["teamtailor:42"]
