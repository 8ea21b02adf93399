"""Personio's public XML feed. Not in the corpus: the document below is written by us in the `<workzag-jobs>`
shape Personio publishes at https://<company>.jobs.personio.de/xml."""

from __future__ import annotations

import pytest
from helpers.clock import SkipClock
from helpers.scrape import scrape

from scoutly.acquire import Acquirer
from scoutly.acquire.ats import AtsBoard, FeedFormatError, ats_key_for_url, board_from_hint, detect_board, personio
from scoutly.config import load_settings
from scoutly.testing.http_server import LocalServer

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<workzag-jobs>
  <position>
    <id>1234</id>
    <subcompany>Muster GmbH</subcompany>
    <office>Berlin</office>
    <additionalOffices><additionalOffice>Remote</additionalOffice></additionalOffices>
    <department>Engineering</department>
    <name>Frontend Entwickler (m/w/d)</name>
    <jobDescriptions>
      <jobDescription><name>Aufgaben</name>
        <value><![CDATA[<p>Du baust das <b>Web-Frontend</b>.</p>]]></value></jobDescription>
      <jobDescription><name>Dein Profil</name><value><![CDATA[<ul><li>Angular</li></ul>]]></value></jobDescription>
    </jobDescriptions>
    <employmentType>permanent</employmentType>
    <schedule>full-time</schedule>
  </position>
  <position><id>1240</id><office>Hamburg</office><name>Werkstudent Marketing (w/m/d)</name></position>
  <position><id></id><name>without id</name></position>
</workzag-jobs>"""


def test_parse() -> None:
    board = detect_board("https://muster.jobs.personio.de/")
    postings = personio.parse(FEED, board)
    assert [(p.key, p.title, p.url) for p in postings] == [
        ("personio:1234", "Frontend Entwickler (m/w/d)", "https://muster.jobs.personio.de/job/1234"),
        ("personio:1240", "Werkstudent Marketing (w/m/d)", "https://muster.jobs.personio.de/job/1240"),
    ]
    first = postings[0]
    assert (first.location, first.department, first.employment_type, first.remote) == (
        "Berlin, Remote",
        "Engineering",
        "permanent, full-time",
        True,
    )
    assert first.description == "Aufgaben\nDu baust das Web-Frontend.\n\nDein Profil\nAngular"
    assert all(ats_key_for_url(p.url) == p.key for p in postings)
    assert board_from_hint("personio", "muster", None) == AtsBoard("personio", "muster")


def test_hostile_xml_is_refused() -> None:
    hostile = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><workzag-jobs><position><id>1</id><name>&e;</name></position></workzag-jobs>'  # noqa: E501
    with pytest.raises(FeedFormatError, match="DTD or entities"):
        personio.parse(hostile, AtsBoard("personio", "x"))
    with pytest.raises(FeedFormatError, match="not valid XML"):
        personio.parse("<workzag-jobs><position>", AtsBoard("personio", "x"))


async def test_page_linking_to_personio_is_read_from_the_feed(server: LocalServer, db) -> None:
    server.route("/personio/xml", FEED, content_type="text/xml; charset=utf-8")
    links = "".join(
        f'<li><a href="https://muster.jobs.personio.de/job/{i}?language=de">Job {i}</a></li>' for i in (1234, 1240)
    )
    server.route("/karriere/", f"<main><ul>{links}</ul></main>")
    settings = load_settings(politeness_delay_s=0, ats_api_overrides={"personio": server.url("/personio")})
    async with Acquirer(settings, clock=SkipClock()) as acquirer:  # retry waits (vendor host offline) skipped
        outcome = await scrape(db, acquirer, {"_id": "muster", "careers_url": server.url("/karriere/")})
    assert outcome.strategy == "personio" and outcome.found == 2
    assert outcome.new[0]["description"].startswith("Aufgaben")
