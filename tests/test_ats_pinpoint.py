"""Pinpoint's job postings JSON endpoint. Not in the corpus: the answer below is written by us in the shape of
`GET https://<company>.pinpointhq.com/postings.json` named in Pinpoint's developer docs
(https://developers.pinpointhq.com/docs/jobs-widget-overview): `{"data": [...]}`, each posting with id, title, url
(…/en/postings/<uuid>), location {name, city, province}, job.department.name, employment_type(_text),
workplace_type(_text), and HTML sections description / key_responsibilities / skills_knowledge_expertise / benefits
with their `*_header`."""

from __future__ import annotations

from scoutly.acquire.ats import AtsBoard, AtsVendors, ats_key_for_url, boards_in_page, detect_board, pinpoint
from scoutly.acquire.http import Http
from scoutly.testing.http_server import LocalServer

UUID_A = "3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
UUID_B = "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d"
POSTINGS = {
    "data": [
        {
            "id": "1201",
            "title": "Data Analyst",
            "url": f"https://acme.pinpointhq.com/en/postings/{UUID_A}",
            "location": {"name": "Manchester Office", "city": "Manchester", "province": "Greater Manchester"},
            "job": {"department": {"name": "Finance"}},
            "employment_type": "permanent_full_time",
            "employment_type_text": "Permanent - Full Time",
            "workplace_type": "hybrid",
            "workplace_type_text": "Hybrid",
            "description": "<p>Join the finance team.</p>",
            "key_responsibilities_header": "What you'll do",
            "key_responsibilities": "<ul><li>Build reports</li></ul>",
            "skills_knowledge_expertise_header": "What you'll need",
            "skills_knowledge_expertise": "<p>SQL</p>",
            "benefits_header": "Benefits",
            "benefits": "",
        },
        {
            "id": "1202",
            "title": "Support Engineer",
            "url": f"https://acme.pinpointhq.com/en/postings/{UUID_B}",
            "location": {"city": "Leeds", "province": "West Yorkshire"},
            "job": {"department": None},
            "employment_type_text": "Contract",
            "workplace_type_text": "Remote",
        },
        {"id": "1203", "title": "No link"},
    ]
}


def test_parse_documented_postings() -> None:
    postings = pinpoint.parse(POSTINGS)
    assert [(p.key, p.title, p.url) for p in postings] == [
        (f"pinpoint:{UUID_A}", "Data Analyst", f"https://acme.pinpointhq.com/en/postings/{UUID_A}"),
        (f"pinpoint:{UUID_B}", "Support Engineer", f"https://acme.pinpointhq.com/en/postings/{UUID_B}"),
    ]
    first, second = postings
    assert (first.location, first.department, first.employment_type, first.remote) == (
        "Manchester Office",
        "Finance",
        "Permanent - Full Time",
        None,
    )
    assert first.description == ("Join the finance team.\n\nWhat you'll do\nBuild reports\n\nWhat you'll need\nSQL")
    assert (second.location, second.department, second.remote) == ("Leeds, West Yorkshire", None, True)
    assert all(ats_key_for_url(p.url) == p.key for p in postings)


def test_detection_widget_and_keys() -> None:
    assert detect_board(f"https://acme.pinpointhq.com/en/postings/{UUID_A}") == AtsBoard("pinpoint", "acme")
    assert detect_board("https://www.pinpointhq.com/") is None
    widget = '<div data-pinpoint-subdomain="acme" class="pinpoint-external-jobs-table-widget"></div>'
    assert boards_in_page(widget, "https://example.org/careers") == [AtsBoard("pinpoint", "acme")]
    assert boards_in_page('<div data-pinpoint-subdomain="../evil"></div>', "https://example.org/") == []
    assert ats_key_for_url(f"https://acme.pinpointhq.com/postings/{UUID_A.upper()}") == f"pinpoint:{UUID_A}"
    assert ats_key_for_url("https://acme.pinpointhq.com/en/postings") is None


async def test_fetch_reads_postings_json(server: LocalServer, http: Http) -> None:
    server.route("/pinpoint/postings.json", POSTINGS)
    listing = await AtsVendors({"pinpoint": server.url("/pinpoint")}).fetch(http, AtsBoard("pinpoint", "acme"))
    assert listing.strategy == "pinpoint"
    assert [p.title for p in listing.postings] == ["Data Analyst", "Support Engineer"]
