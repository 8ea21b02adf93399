"""Posting details (scoutly/acquire/details.py): JSON-LD first, else the page's main text; capped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scoutly.acquire.details import extract_details


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("name", "title", "location"),
    [
        ("workday-medtronic-R46392-2.html", "Lead AI/Data Science Engineer", "IND-TS Hyderabad Nanakramguda, India"),
        (
            "workday-medtronic-R62042-2.html",
            "Financial Systems Analyst",
            "USA-MN OHQ Corporate, United States of America",
        ),
        ("osome-teamtailor-accounting-team-lead.html", "Accounting Team Lead (SG)", "Kuala Lumpur, Southeast Asia, MY"),
    ],
)
def test_jsonld_detail_pages(corpus: Path, name: str, title: str, location: str) -> None:
    details = extract_details((corpus / "html-detail" / name).read_text(encoding="utf-8"))
    assert (details.title, details.location, details.employment_type) == (title, location, "FULL_TIME")
    assert len(details.description) > 2000
    assert "<p>" not in details.description and "&lt;" not in details.description


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("name", "title", "phrase", "location"),
    [
        ("vercel-data-scientist-us-4554464004.html", "Data Scientist", "About Vercel", "United States"),
        (
            "vercel-sales-engineer-europe-uk-4182467004.html",
            "Sales Engineer, Europe",
            "About Vercel",
            "Germany United Kingdom",
        ),
        (
            "eigen-ai-cuda-engineer.html",
            "CUDA Engineer - Kernel & Performance Specialist",
            "Build and optimize CUDA",
            None,
        ),
    ],
)
def test_pages_without_jsonld_use_main_text(corpus: Path, name: str, title: str, phrase: str, location) -> None:
    details = extract_details((corpus / "html-detail" / name).read_text(encoding="utf-8"))
    assert details.title == title and phrase in details.description
    assert "Models\nBlog" not in details.description  # navigation is not part of it
    assert details.location == location  # from the page's element labelled as a location, when there is one


def test_description_is_capped() -> None:
    page = "<main><h1>Engineer</h1>" + "<p>" + "word " * 20_000 + "</p></main>"
    details = extract_details(page, max_chars=1000)
    assert details.title == "Engineer" and len(details.description) <= 1002


def test_jsonld_remote_and_fallback_title() -> None:
    data = {"@type": "JobPosting", "title": "", "jobLocationType": "TELECOMMUTE", "description": "Work from home."}
    page = f'<title>Support Agent | Acme</title><script type="application/ld+json">{json.dumps(data)}</script>'
    details = extract_details(page)
    assert details.title == "Support Agent | Acme" and details.remote is True and details.location == "Remote"
    assert details.description == "Work from home."


def test_location_from_a_labelled_element() -> None:
    page = '<main><h1>Data Engineer</h1><p class="meta"><span class="job-location">Oslo, Norway</span></p></main>'
    assert extract_details(page).location == "Oslo, Norway"
    page = '<main><h1>Data Engineer</h1><span class="location">Remote (Europe)</span></main>'
    assert extract_details(page).location == "Remote (Europe)"


def test_labelled_fields() -> None:
    page = """<main><h1>Platform Engineer</h1>
    <dl><dt>Location</dt><dd>Dublin, Ireland</dd><dt>Department</dt><dd>Technology</dd>
    <dt>Contract</dt><dd>Permanent</dd></dl><p>Build things.</p></main>"""
    details = extract_details(page)
    assert (details.location, details.department, details.employment_type) == (
        "Dublin, Ireland",
        "Technology",
        "Permanent",
    )
    table = "<main><h1>Koch</h1><table><tr><th>Standort</th><td>Köln</td></tr></table></main>"
    assert extract_details(table).location == "Köln"
    inline = "<main><h1>Koch</h1><p><strong>Arbeitsort:</strong> Köln</p><p><b>Vertragsart:</b> Vollzeit</p></main>"
    assert (extract_details(inline).location, extract_details(inline).employment_type) == ("Köln", "Vollzeit")


def test_empty_page() -> None:
    details = extract_details("")
    assert details.title is None and details.description is None
