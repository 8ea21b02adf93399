"""Static HTML extraction (scoutly/acquire/extract.py): general rules on small pages."""

from __future__ import annotations

import json

import pytest

from scoutly.acquire.extract import extract_postings
from scoutly.acquire.pagination import next_page_url
from scoutly.errors import InputError

BASE = "https://acme.example/careers/"

PAGE = """
<html><body>
<header><nav>
  <a href="/">Home</a><a href="/careers/">Careers</a><a href="/jobs/engineering">Engineering jobs</a>
  <a href="/login">Log in</a>
</nav></header>
<main>
  <h1>Open roles</h1>
  <div class="roles">
    <article class="role-card"><h3 class="role-card__title">Senior Backend Engineer</h3>
      <p>Build APIs.</p>
      <a class="cta" href="/careers/senior-backend-engineer?utm_source=site">View role details &rarr;</a></article>
    <article class="role-card"><h3 class="role-card__title">Product Designer</h3>
      <p>Design things.</p><a class="cta" href="/careers/product-designer">View role details &rarr;</a></article>
    <article class="role-card"><h3 class="role-card__title">Office Coordinator</h3>
      <p>Run the office.</p>
      <a class="cta" href="/careers/office-coordinator#apply">View role details &rarr;</a></article>
    <article class="role-card"><h3 class="role-card__title">Initiative application</h3>
      <p>Nothing fits?</p><a class="cta" href="mailto:jobs@acme.example">Write to us</a></article>
  </div>
  <p>Read our <a href="/blog/how-we-hire">hiring blog</a>.</p>
</main>
<footer><a href="https://www.linkedin.com/company/acme">LinkedIn</a><a href="/privacy">Privacy</a></footer>
</body></html>
"""


def test_cards_with_generic_link_text_take_the_card_heading() -> None:
    postings = extract_postings(PAGE, BASE)
    assert [(p.title, p.url) for p in postings] == [
        ("Senior Backend Engineer", "https://acme.example/careers/senior-backend-engineer"),
        ("Product Designer", "https://acme.example/careers/product-designer"),
        ("Office Coordinator", "https://acme.example/careers/office-coordinator"),
    ]
    assert all(p.key == p.url and p.source == "static" for p in postings)


def test_navigation_social_blog_and_legal_links_are_not_postings() -> None:
    page = """<nav><a href="/jobs/1-engineer">Engineer</a></nav>
    <ul><li><a href="/blog/engineer-life">Life as an engineer</a></li><li><a href="/about">About</a></li></ul>
    <a href="https://twitter.com/acme/status/1-developer">Developer</a>"""
    assert extract_postings(page, BASE) == []


def test_table_rows_and_duplicate_links_per_row() -> None:
    rows = "".join(
        f'<tr><td class="title"><a href="/jobs/{n}">{title}</a></td><td><a href="/jobs/{n}">Berlin</a></td>'
        f'<td><a href="/jobs/{n}">2025-01-0{n}</a></td></tr>'
        for n, title in [(1, "Data Analyst"), (2, "Lagerist (m/w/d)"), (3, "Research Assistant")]
    )
    postings = extract_postings(f"<table>{rows}</table>", BASE)
    assert [p.title for p in postings] == ["Data Analyst", "Lagerist (m/w/d)", "Research Assistant"]


def test_repeated_list_is_taken_whole_even_without_role_words() -> None:
    items = "".join(
        f'<li class="job"><a href="/vacancies/{n}-{slug}">{title}</a></li>'
        for n, slug, title in [
            (11, "engineer", "Platform Engineer"),
            (12, "barista", "Barista"),
            (13, "developer", "iOS Developer"),
            (14, "manager", "Store Manager"),
        ]
    )
    titles = [p.title for p in extract_postings(f"<ul>{items}</ul>", BASE)]
    assert titles == ["Platform Engineer", "Barista", "iOS Developer", "Store Manager"]


def test_whole_card_links_use_the_heading_inside() -> None:
    cards = "".join(
        f'<a class="job-card" href="/careers/{slug}"><li><div><h3>{title}</h3><span>Apply</span></div>'
        f"<h4>Remote</h4></div></li></a>"
        for slug, title in [("a-1", "Sales Engineer"), ("b-2", "Data Scientist")]
    )
    assert [p.title for p in extract_postings(f"<ul>{cards}</ul>", BASE)] == ["Sales Engineer", "Data Scientist"]


def test_cards_without_urls_keep_title_and_page_key() -> None:
    cards = "".join(
        f'<div role="listitem" class="item"><a href="#" class="job-card"><h3>{t}</h3><p>Details</p></a></div>'
        for t in ("Software Developer", "Grafik / Design (m/w/d)")
    )
    postings = extract_postings(f"<div>{cards}</div>", BASE)
    assert [(p.title, p.url) for p in postings] == [("Software Developer", None), ("Grafik / Design (m/w/d)", None)]
    assert postings[0].key == "https://acme.example/careers#title:software developer"


def test_ats_links_get_ats_keys() -> None:
    page = """<ul><li><a href="https://boards.greenhouse.io/acme/jobs/123?gh_src=x">Staff Engineer</a></li>
    <li><a href="https://jobs.lever.co/acme/11e2165f-481b-45fe-83a9-88a6b3f69acb">Account Manager</a></li></ul>"""
    postings = extract_postings(page, BASE)
    assert [p.key for p in postings] == ["greenhouse:123", "lever:11e2165f-481b-45fe-83a9-88a6b3f69acb"]
    assert postings[0].url == "https://boards.greenhouse.io/acme/jobs/123"


def test_jsonld_job_postings() -> None:
    data = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "Organization", "name": "Acme"},
            {
                "@type": "JobPosting",
                "title": "Site Reliability Engineer",
                "url": "/careers/sre",
                "employmentType": ["FULL_TIME"],
                "jobLocationType": "TELECOMMUTE",
                "jobLocation": {"@type": "Place", "address": {"addressLocality": "Oslo", "addressCountry": "NO"}},
                "description": "<p>Keep it <b>up</b>.</p>",
            },
        ],
    }
    page = f'<script type="application/ld+json">{json.dumps(data)}</script><script type="application/ld+json">{{bad'
    [posting] = extract_postings(page + "</script>", BASE)
    assert (posting.title, posting.url, posting.remote) == (
        "Site Reliability Engineer",
        "https://acme.example/careers/sre",
        True,
    )
    assert posting.location == "Oslo, NO; Remote" and posting.description == "Keep it up."
    assert posting.employment_type == "FULL_TIME"


def test_selector_override_wins() -> None:
    page = """<div class="odd"><span class="x"><a href="/p/1">Teamwork at Acme</a></span>
    <span class="x"><a href="/p/2">Something else</a></span></div>
    <ul><li><a href="/jobs/9-engineer">Engineer</a></li></ul>"""
    postings = extract_postings(page, BASE, selectors={"job_link": "span.x a"})
    assert [(p.title, p.url) for p in postings] == [
        ("Teamwork at Acme", "https://acme.example/p/1"),
        ("Something else", "https://acme.example/p/2"),
    ]


def test_selector_override_with_generic_link_texts_uses_each_card() -> None:
    cards = "".join(
        f'<div class="c"><h4>{t}</h4><span class="location">{where}</span><a class="go" href="/r/{n}">More</a></div>'
        for n, (t, where) in enumerate([("Barista", "Oslo"), ("Baker", "Bergen")])
    )
    postings = extract_postings(f"<h2>Open roles</h2><div>{cards}</div>", BASE, selectors={"job_link": "a.go"})
    assert [(p.title, p.location) for p in postings] == [("Barista", "Oslo"), ("Baker", "Bergen")]


def test_invalid_selector_names_the_field() -> None:
    with pytest.raises(InputError, match=r"selectors\.job_link"):
        extract_postings("<a href='/x'>x</a>", BASE, selectors={"job_link": "a[[["})


def test_landing_page_without_postings() -> None:
    page = """<main><h1>Join us</h1><p>We are growing.</p><a href="/careers/jobs">Explore open roles</a>
    <a href="/careers/life">Life at Acme</a><a href="/careers/benefits">Benefits</a></main>"""
    assert extract_postings(page, BASE) == []


def test_base_href_and_empty_input() -> None:
    page = (
        '<base href="https://other.example/x/">'
        '<ul><li><a href="jobs/1-a">Engineer</a></li><li><a href="jobs/2-b">Designer</a></li></ul>'
    )
    assert [p.url for p in extract_postings(page, BASE)] == [
        "https://other.example/x/jobs/1-a",
        "https://other.example/x/jobs/2-b",
    ]
    assert extract_postings("", BASE) == []


def test_next_page() -> None:
    assert next_page_url('<a href="/p/2" rel="next">2</a>', BASE) == "https://acme.example/p/2"
    assert next_page_url('<link rel="next" href="?page=3">', BASE) == "https://acme.example/careers/?page=3"
    assert next_page_url('<a href="/jobs?page=2">Next ›</a>', BASE) == "https://acme.example/jobs?page=2"
    assert (
        next_page_url('<a class="more" href="/p/4">More</a>', BASE, selectors={"next_page": "a.more"})
        == "https://acme.example/p/4"
    )
    assert next_page_url('<a href="/careers/">Next</a>', BASE) is None
    assert next_page_url("<p>no pages</p>", BASE) is None
    with pytest.raises(InputError, match=r"selectors\.next_page"):
        next_page_url("<p>x</p>", BASE, selectors={"next_page": "a[[["})


# Markup shapes written after the extractor was tuned on the corpus (common job plugins/ATS pages, negatives).
WP_JOB_MANAGER = """<ul class="job_listings">
<li class="post-12 job_listing type-job_listing"><a href="https://www.example.org/job/lagerlogistik-m-w-d/">
<img class="company_logo" src="x.png" alt="Example GmbH">
<div class="position"><h3>Fachkraft für Lagerlogistik (m/w/d)</h3>
<div class="company"><strong>Example GmbH</strong></div></div><div class="location">Hamburg</div></a></li>
<li class="post-13 job_listing type-job_listing"><a href="https://www.example.org/job/buchhaltung/">
<img class="company_logo" src="x.png" alt="Example GmbH"><div class="position"><h3>Buchhalter (m/w/d)</h3>
</div><div class="location">Hamburg</div></a></li></ul>"""
PERSONIO_LIKE = """<div class="jobs-list">
<a class="job-box-link" href="https://example.jobs.personio.de/job/1234567?language=de">
<div class="job-box"><div class="jb-title">Software Engineer Backend (w/m/d)</div>
<div class="jb-description">Festanstellung, Vollzeit · München</div></div></a>
<a class="job-box-link" href="https://example.jobs.personio.de/job/1234568?language=de">
<div class="job-box"><div class="jb-title">Customer Success Manager</div>
<div class="jb-description">Remote</div></div></a>
</div>"""
DEPARTMENTS = """<main>
<section><h2>Engineering</h2><ul><li><a href="/careers/jobs/4410">Senior Go Developer</a> – Berlin</li>
<li><a href="/careers/jobs/4411">Staff SRE</a> – Remote</li></ul></section>
<section><h2>Operations</h2><ul><li><a href="/careers/jobs/4420">Office Manager</a></li></ul></section></main>"""
TEAM_PAGE = """<main><h2>Meet the team</h2><ul class="team"><li><a href="/team/anna">Anna – Head of Engineering</a></li>
<li><a href="/team/bob">Bob – Sales Manager</a></li>
<li><a href="/team/cem">Cem – Product Designer</a></li></ul></main>"""
NEWS_PAGE = """<main><h1>News</h1><ul class="news"><li><a href="/news/2025/new-office">New office in Lisbon</a></li>
<li><a href="/news/2025/engineer-of-the-year">Our engineer of the year</a></li></ul></main>"""


def test_unseen_markup_shapes() -> None:
    def titles(page: str) -> list[str]:
        return [p.title for p in extract_postings(page, "https://www.example.org/karriere/")]

    assert titles(WP_JOB_MANAGER) == ["Fachkraft für Lagerlogistik (m/w/d)", "Buchhalter (m/w/d)"]
    assert [p.location for p in extract_postings(WP_JOB_MANAGER, "https://www.example.org/")] == ["Hamburg"] * 2
    assert titles(PERSONIO_LIKE) == ["Software Engineer Backend (w/m/d)", "Customer Success Manager"]
    assert titles(DEPARTMENTS) == ["Senior Go Developer", "Staff SRE", "Office Manager"]
    assert titles(TEAM_PAGE) == [] and titles(NEWS_PAGE) == []
