"""The extractor on pages written here in the shapes that failed on real careers pages (issue 10), one test per
kind of failure: glued titles, lists split by URL shape, postings without a usable link, filters and side links,
postings only in embedded data, large tables and hidden items."""

from __future__ import annotations

import json
import pickle

from scoutly.acquire.extract import PageExtraction, extract_page, extract_postings

BASE = "https://example.org/careers/"


def _pairs(html: str, base: str = BASE) -> list[tuple[str, str | None]]:
    return [(p.title, p.url) for p in extract_postings(html, base)]


# --- 1. titles glued to card metadata --------------------------------------------------------------------------
def test_card_wide_links_give_the_primary_text_not_the_whole_card() -> None:
    cards = "".join(
        f"""<a class="job-card" href="/careers/{slug}">
              <svg viewBox="0 0 10 10"><title>Briefcase icon</title><path d="M0"/></svg>
              <span class="sr-only">Job:</span>
              <div class="job-card__name">{title}\u200b</div>
              <div class="job-card__meta"><span>{city}</span> · <span>Engineering</span> · <span>Full-time</span></div>
              <span class="badge">Hybrid</span><i aria-hidden="true">→</i>
            </a>"""
        for slug, title, city in [
            ("backend-engineer", "Backend Engineer", "San Francisco"),
            ("data-platform-lead", "Data Platform Lead", "Berlin"),
            ("support-specialist", "Support Specialist", "Remote"),
        ]
    )
    postings = extract_postings(f"<main><h1>Jobs</h1><div class='grid'>{cards}</div></main>", BASE)
    assert [(p.title, p.url) for p in postings] == [
        ("Backend Engineer", "https://example.org/careers/backend-engineer"),
        ("Data Platform Lead", "https://example.org/careers/data-platform-lead"),
        ("Support Specialist", "https://example.org/careers/support-specialist"),
    ]
    assert all(p.employment_type == "Full-time" for p in postings)


def test_link_without_heading_takes_its_first_block_and_fields_are_separate() -> None:
    rows = "".join(
        f'<li><a href="/jobs/{n}"><p>{title}</p><p>{city}</p><p>Part-time</p><p>Posted 2025-01-0{n}</p></a></li>'
        for n, title, city in [(1, "Store Manager", "Oslo"), (2, "Sales Associate", "Bergen")]
    )
    postings = extract_postings(f"<ul>{rows}</ul>", BASE)
    assert [p.title for p in postings] == ["Store Manager", "Sales Associate"]
    assert [p.employment_type for p in postings] == ["Part-time", "Part-time"]


def test_trailing_contract_word_is_cut_from_a_link_title() -> None:
    items = "".join(
        f'<h4><a href="/offres/{n}-poste">{title} CDI</a></h4>'
        for n, title in [(1, "Directeur des Services (H/F)"), (2, "Coordinateur santé H/F")]
    )
    postings = extract_postings(f"<div><h2>Offres d'emploi</h2>{items}</div>", BASE)
    assert [(p.title, p.employment_type) for p in postings] == [
        ("Directeur des Services (H/F)", "CDI"),
        ("Coordinateur santé H/F", "CDI"),
    ]


# --- 2. postings dropped by URL-shape grouping ------------------------------------------------------------------
def test_one_list_whose_urls_differ_in_shape_stays_one_list() -> None:
    page = """<main><h2>Open positions</h2><ul class="positions">
      <li class="position"><a href="/jobs/listing/senior-designer/8812">Senior Designer</a></li>
      <li class="position"><a href="/openings/engineering/berlin">Firmware Engineer</a></li>
      <li class="position"><a href="/team/careers?gh_jid=4431">Account Executive</a></li>
      <li class="position"><a href="/p/warehouse-worker">Warehouse Worker</a></li>
    </ul><p>Questions? <a href="/careers/faq">Read the FAQ</a></p></main>"""
    titles = [t for t, _ in _pairs(page)]
    assert titles == ["Senior Designer", "Firmware Engineer", "Account Executive", "Warehouse Worker"]


def test_a_department_with_one_posting_is_still_part_of_the_list() -> None:
    def department(name: str, jobs: list[tuple[str, str]]) -> str:
        items = "".join(f'<li class="opening"><a href="https://jobs.example.net/{s}">{t}</a></li>' for s, t in jobs)
        return f'<div class="dept"><h3>{name}</h3><ul class="openings">{items}</ul></div>'

    page = (
        "<main>"
        + department("Engineering", [("a1", "Site Reliability Engineer"), ("a2", "QA Analyst")])
        + department("People", [("b1", "Recruiting Coordinator")])
        + department("Finance", [("c1", "Controller"), ("c2", "Payroll Specialist")])
        + "</main>"
    )
    assert [t for t, _ in _pairs(page)] == [
        "Site Reliability Engineer",
        "QA Analyst",
        "Recruiting Coordinator",
        "Controller",
        "Payroll Specialist",
    ]


def test_a_lone_link_stays_out() -> None:
    page = (
        "<main><h1>Careers at Example</h1><p>We grow fast.</p>"
        '<a href="/careers/engineer-culture">Our engineers</a></main>'
    )
    assert _pairs(page) == []


# --- 3. postings without a usable link ---------------------------------------------------------------------------
def test_headed_adverts_without_links_are_postings_keyed_by_page_and_title() -> None:
    adverts = "".join(
        f"<section><h3>{title}</h3><p>{'We are looking for someone to join our workshop team. ' * 2}</p>"
        f"<p>Apply by e-mail to <a href='mailto:jobs@example.org'>jobs@example.org</a>.</p></section>"
        for title in ("Soldador", "Ingeniero civil", "Técnico de mantenimiento")
    )
    page = f"<main><h2>Trabaja con nosotros</h2>{adverts}<h2>Contacto</h2><p>Calle 1</p></main>"
    extraction = extract_page(page, BASE, "acme")
    assert [(p.title, p.url) for p in extraction.postings] == [
        ("Soldador", None),
        ("Ingeniero civil", None),
        ("Técnico de mantenimiento", None),
    ]
    keys = [p.key for p in extraction.postings]
    assert len(set(keys)) == 3 and all(k.startswith("https://example.org/careers#title:acme: ") for k in keys)
    assert extract_page(page, BASE, "acme").postings[0].key == keys[0]  # stable


def test_document_adverts_keep_their_document_url() -> None:
    columns = "".join(
        f'<div class="col"><p><strong>{title}</strong></p><ul><li>CDI</li><li>Rennes</li></ul>'
        f'<a class="btn" href="/wp-content/uploads/2022/04/{name}.pdf">Téléchargez l\'offre</a></div>'
        for title, name in [("MAITRESSE DE MAISON H/F", "OEI-MM-2022-03"), ("COORDINATEUR H/F", "MDE-COORDI-2022-01")]
    )
    assert _pairs(f"<main><div class='row'>{columns}</div></main>") == [
        ("MAITRESSE DE MAISON H/F", "https://example.org/wp-content/uploads/2022/04/OEI-MM-2022-03.pdf"),
        ("COORDINATEUR H/F", "https://example.org/wp-content/uploads/2022/04/MDE-COORDI-2022-01.pdf"),
    ]


def test_in_page_anchors_keep_the_page_url_with_the_fragment() -> None:
    page = """<main><ul class="roles">
      <li><a class="scroll" href="#item-1">C++ Developer</a></li>
      <li><a class="scroll" href="#item-2">Junior Developer</a></li>
      <li><a class="scroll" href="#item-3">Social Media Coordinator</a></li></ul>
      <section id="item-1"><h2>C++ Developer</h2><p>Details.</p></section>
      <a href="#top">Back to top</a></main>"""
    assert _pairs(page) == [
        ("C++ Developer", "https://example.org/careers/#item-1"),
        ("Junior Developer", "https://example.org/careers/#item-2"),
        ("Social Media Coordinator", "https://example.org/careers/#item-3"),
    ]


def test_call_to_action_shared_by_every_card_is_not_the_title() -> None:
    cards = "".join(
        f'<article class="job"><h3>{title}</h3><p>Tokyo</p>'
        f'<a href="/entry/?position={code}">この職種で応募する</a></article>'
        for code, title in [("dev", "開発エンジニア"), ("qa", "QAエンジニア"), ("sales", "ITソリューション営業")]
    )
    assert [t for t, _ in _pairs(f"<main>{cards}</main>")] == ["開発エンジニア", "QAエンジニア", "ITソリューション営業"]


# --- 4. filters and side links ----------------------------------------------------------------------------------
def test_filters_and_sidebar_links_are_not_postings() -> None:
    page = """<main>
      <ul class="filters"><li><a href="/careers/?team=engineering">Engineering</a></li>
        <li><a href="/careers/?team=sales">Sales</a></li><li><a href="/careers/?team=product">Product</a></li></ul>
      <div class="openings">
        <div class="opening"><a href="/careers/jobs/101-platform-engineer">Platform Engineer</a>
          <span class="location">Oslo</span></div>
        <div class="opening"><a href="/careers/jobs/102-account-manager">Account Manager</a>
          <span class="location">Rome</span></div>
      </div>
      <aside><a href="/careers/benefits">Benefits</a><a href="/careers/life-at-example">Life at Example</a></aside>
    </main>"""
    assert _pairs(page) == [
        ("Platform Engineer", "https://example.org/careers/jobs/101-platform-engineer"),
        ("Account Manager", "https://example.org/careers/jobs/102-account-manager"),
    ]


def test_links_in_running_text_of_a_card_do_not_split_it() -> None:
    cards = "".join(
        f"""<li class="listing"><header><h3>{title}</h3><span class="location">Remote</span></header>
        <div class="content"><p>Read about <a href="/company/values">our values</a> and our
        <a href="/blog/engineering">engineering blog</a> before you apply.</p>
        <a class="apply" href="https://jobs.lever.co/example/{uid}/apply">Apply Now</a></div></li>"""
        for uid, title in [("1a2b", "Security Analyst"), ("3c4d", "Account Executive, SMB"), ("5e6f", "Counsel")]
    )
    assert [t for t, _ in _pairs(f"<ul>{cards}</ul>")] == ["Security Analyst", "Account Executive, SMB", "Counsel"]


def test_closed_vacancies_and_student_projects_are_left_out() -> None:
    def block(heading: str, items: list[tuple[str, str]]) -> str:
        cards = "".join(
            f'<article class="summary"><h3><a href="/vacancies/{s}/">{t}</a></h3><p>About it.</p></article>'
            for s, t in items
        )
        return f"<h2>{heading}</h2><div class='list'>{cards}</div>"

    page = (
        "<main>"
        + block("Open vacancies", [("phd-ai", "PhD candidate in AI"), ("rse", "Research Software Engineer")])
        + block("Student projects", [("mri", "AI steered interventional MRI"), ("tnbc", "Deep learning for TNBC")])
        + block("Closed vacancies", [("postdoc", "Postdoctoral Researcher"), ("rse-2", "Research Engineer")])
        + "</main>"
    )
    assert [t for t, _ in _pairs(page)] == ["PhD candidate in AI", "Research Software Engineer"]


# --- 5. postings only in the page's embedded data ---------------------------------------------------------------
def test_postings_only_in_embedded_script_data() -> None:
    state = {
        "board": {"name": "Example", "nav": [{"title": "Products", "url": "/products"}]},
        "jobs": [
            {"id": 11, "title": "Frontend Developer", "url": "/o/frontend-developer", "location": {"city": "Lyon"}},
            {"id": 12, "title": "Product Designer", "url": "/o/product-designer", "location": {"city": "Paris"}},
            {"id": 13, "title": "Office Manager", "url": "/o/office-manager", "department": "Operations"},
        ],
    }
    page = f"""<html><body><div id="app"><div class="job" v-for="job in jobs">
      <a href="{{{{ job.url }}}}">{{{{ job.title }}}}</a></div></div>
      <script>window.__INITIAL_STATE__ = {json.dumps(state)};</script></body></html>"""
    postings = extract_postings(page, "https://jobs.example.org/")
    assert [(p.title, p.url) for p in postings] == [
        ("Frontend Developer", "https://jobs.example.org/o/frontend-developer"),
        ("Product Designer", "https://jobs.example.org/o/product-designer"),
        ("Office Manager", "https://jobs.example.org/o/office-manager"),
    ]
    assert postings[0].location is None or postings[0].location == "Lyon"


def test_navigation_data_in_scripts_is_not_a_listing() -> None:
    nav = {"items": [{"title": "Product overview", "url": "/product"}, {"title": "Support center", "url": "/help"}]}
    page = f"<html><body><h1>Careers</h1><script>window.NAV = {json.dumps(nav)};</script></body></html>"
    assert _pairs(page) == []


# --- 6. large tables and hidden items ---------------------------------------------------------------------------
def test_a_large_table_is_taken_whole() -> None:
    rows = "".join(
        f'<tr><td><a href="/jobs/{n}">Lecturer in Subject {n}</a></td><td>Faculty {n % 7}</td>'
        f"<td>2026-01-{1 + n % 28:02d}</td></tr>"
        for n in range(1, 86)
    )
    head = "<thead><tr><th>Title</th><th>Unit</th><th>Deadline</th></tr></thead>"
    page = f"<main><table>{head}<tbody>{rows}</tbody></table></main>"
    postings = extract_postings(page, BASE)
    assert len(postings) == 85 and postings[0].title == "Lecturer in Subject 1"


def test_commented_out_items_are_not_listed_and_collapsed_ones_are() -> None:
    page = """<main><h2>Open roles</h2><ul class="roles">
      <li><a href="/jobs/1-nurse">Nurse</a></li>
      <!-- <li><a href="/jobs/2-old-role">Retired Role Engineer</a></li> -->
      <li class="hidden"><a href="/jobs/3-pharmacist">Pharmacist</a></li>
      </ul>
      <details><summary>More roles</summary><ul class="roles"><li><a href="/jobs/4-therapist">Therapist</a></li></ul>
      </details></main>"""
    assert [t for t, _ in _pairs(page)] == ["Nurse", "Pharmacist", "Therapist"]


# --- the entry point --------------------------------------------------------------------------------------------
def test_extraction_result_pickles_for_a_process_pool() -> None:
    page = '<ul><li><a href="/jobs/1-nurse">Nurse</a></li><li><a href="/jobs/2-chef">Chef</a></li></ul>'
    extraction = extract_page(page, BASE, "acme")
    assert isinstance(extraction, PageExtraction)
    assert pickle.loads(pickle.dumps(extraction)) == extraction


def test_cards_sharing_one_application_form_link_stay_separate_postings() -> None:
    cards = "".join(
        f'<div class="vacancy"><h3>{title}</h3><p>{city}</p><a href="/apply-form">Apply</a></div>'
        for title, city in [("Electrician", "Leeds"), ("Site Manager", "York"), ("Quantity Surveyor", "Hull")]
    )
    postings = extract_page(f"<main><h2>Vacancies</h2>{cards}</main>", BASE, "acme").postings
    assert [(p.title, p.url) for p in postings] == [
        ("Electrician", None),
        ("Site Manager", None),
        ("Quantity Surveyor", None),
    ]
    assert len({p.key for p in postings}) == 3


def test_a_department_label_before_the_title_is_not_the_title() -> None:
    cards = "".join(
        f'<li><a href="/jobs/{n}"><span>Engineering</span><span>{title}</span><span>Remote</span></a></li>'
        for n, title in [(1, "Senior Backend Developer"), (2, "Site Reliability Engineer")]
    )
    assert [t for t, _ in _pairs(f"<ul>{cards}</ul>")] == ["Senior Backend Developer", "Site Reliability Engineer"]


def test_line_breaks_and_badges_are_not_part_of_the_title() -> None:
    rows = "".join(f'<li><a href="/jobs/{n}-role">{t}<br>Berlin</a></li>' for n, t in [(1, "Barista"), (2, "Baker")])
    assert [t for t, _ in _pairs(f"<ul>{rows}</ul>")] == ["Barista", "Baker"]
    cards = "".join(
        f'<div class="c"><a href="/jobs/{n}-role"><span>New</span><span>{t}</span><span>Oslo</span></a></div>'
        for n, t in [(1, "Barista"), (2, "Baker"), (3, "Cleaner")]
    )
    assert [t for t, _ in _pairs(f"<main>{cards}</main>")] == ["Barista", "Baker", "Cleaner"]


def test_department_links_in_a_sidebar_are_not_postings() -> None:
    page = """<main><div class="list"><div class="job"><a href="/jobs/view/101">Senior Developer</a></div>
      <div class="job"><a href="/jobs/view/102">Office Assistant</a></div></div>
      <div class="sidebar"><ul><li><a href="/jobs/department/engineering">Engineering</a></li>
      <li><a href="/jobs/department/sales">Sales</a></li>
      <li><a href="/jobs/department/customer-support">Customer Support</a></li></ul></div></main>"""
    assert [t for t, _ in _pairs(page)] == ["Senior Developer", "Office Assistant"]


def test_team_descriptions_on_a_page_without_openings_are_not_postings() -> None:
    page = """<main><h2>Careers at Acme</h2>
      <h3>Engineering</h3><p>Our engineering team builds the platform behind millions of payments a day.</p>
      <h3>Customer Success</h3><p>Our customer success team helps merchants grow across Europe.</p>
      <h3>Sales</h3><p>Our sales team talks to thousands of merchants each month in many markets.</p>
      <a class="btn" href="https://boards.greenhouse.io/acme">See open positions</a></main>"""
    assert _pairs(page) == []


def test_embedded_data_behind_json_parse() -> None:
    state = {"jobs": [{"title": "Frontend Developer", "path": "/o/fe", "location": "Lyon"},
                      {"title": "Barista", "path": "/o/ba", "location": "Nice"}]}  # fmt: skip
    encoded = json.dumps(json.dumps(state))
    page = f"<html><body><div id='app'></div><script>window.S = JSON.parse({encoded});</script></body></html>"
    assert _pairs(page, "https://jobs.example.org/") == [
        ("Frontend Developer", "https://jobs.example.org/o/fe"),
        ("Barista", "https://jobs.example.org/o/ba"),
    ]


def test_facet_links_of_a_hosted_board_are_not_postings() -> None:
    page = """<div class="filters"><a href="https://jobs.lever.co/acme?team=Engineering">Engineering</a>
      <a href="https://jobs.lever.co/acme?team=Sales&location=Berlin">Sales</a>
      <a href="https://jobs.lever.co/acme?department=Design">Design</a></div>
      <div class="posting"><a class="posting-title" href="https://jobs.lever.co/acme/aaa-111">
        <h5>Data Engineer</h5></a></div>
      <div class="posting"><a class="posting-title" href="https://jobs.lever.co/acme/bbb-222">
        <h5>Platform Lead</h5></a></div>"""
    assert [t for t, _ in _pairs(page, "https://page-address-unknown.invalid/")] == ["Data Engineer", "Platform Lead"]
    assert _pairs(
        '<ul><li><a href="/jobs/1-nurse?lang=en">Nurse</a></li><li><a href="/jobs/2-cook?lang=en">Cook</a></li></ul>'
    )


def test_collapsed_adverts_in_an_accordion_are_listed() -> None:
    items = "".join(
        f"<details><summary>{title}</summary><p>{'You will work with our crew on site every day. ' * 2}</p>"
        f"<p>Send your CV to jobs@example.org</p></details>"
        for title in ("Welder (m/f/d)", "Crane Operator (m/f/d)")
    )
    page = f"<main><h2>Offene Stellen</h2>{items}<h2>Kontakt</h2><p>Hauptstraße 1</p></main>"
    assert _pairs(page) == [("Welder (m/f/d)", None), ("Crane Operator (m/f/d)", None)]


def test_rows_made_clickable_by_script_are_records() -> None:
    rows = "".join(
        f"""<tr onclick="window.location.href='/vacancy.aspx?vid={n}'"><td>{title}</td><td>Faculty of Arts</td>"""
        f"<td>2026-02-{n:02d}</td></tr>"
        for n, title in [(1, "Lecturer in History"), (2, "Professor of Linguistics"), (3, "Research Assistant")]
    )
    assert _pairs(f"<table><tbody>{rows}</tbody></table>") == [
        ("Lecturer in History", "https://example.org/vacancy.aspx?vid=1"),
        ("Professor of Linguistics", "https://example.org/vacancy.aspx?vid=2"),
        ("Research Assistant", "https://example.org/vacancy.aspx?vid=3"),
    ]


def test_location_and_metadata_lines_before_the_title_are_skipped() -> None:
    cards = "".join(
        f'<a class="card" href="/jobs/{n}-role"><p class="job-location">{city}</p><p>Sales · Full-time</p>'
        f"<p>{title}</p></a>"
        for n, city, title in [(1, "Lisbon", "Barista"), (2, "Porto", "Baker"), (3, "Faro", "Housekeeper")]
    )
    assert [t for t, _ in _pairs(f"<main><div class='grid'>{cards}</div></main>")] == [
        "Barista",
        "Baker",
        "Housekeeper",
    ]


def test_a_lone_posting_in_another_card_style_beside_the_list_is_kept() -> None:
    page = """<main><div class="featured"><h2>Featured</h2>
      <a class="hero" href="/jobs/listing/lead-architect/9001"><strong>Lead Architect</strong></a></div>
      <ul class="list">
      <li class="row"><a href="/jobs/listing/senior-designer/8812">Senior Designer</a></li>
      <li class="row"><a href="/jobs/listing/data-analyst/8813">Data Analyst</a></li></ul>
      <div class="story"><a href="/careers/stories/senior-life">A day as a senior engineer</a></div></main>"""
    assert [t for t, _ in _pairs(page)] == ["Lead Architect", "Senior Designer", "Data Analyst"]


def test_embedded_data_completes_a_list_the_dom_shows_only_in_part() -> None:
    jobs = [
        {"title": t, "url": f"/o/{slug}", "location": "Lyon", "status": status}
        for t, slug, status in [
            ("Frontend Developer", "fe", "published"),
            ("Product Designer", "pd", "published"),
            ("Office Manager", "om", "published"),
            ("Old Role Engineer", "old", "closed"),
        ]
    ]
    dom = "".join(
        f'<li class="job"><a href="/o/{s}">{t}</a></li>'
        for s, t in [("fe", "Frontend Developer"), ("pd", "Product Designer")]
    )
    page = f"<ul>{dom}</ul><button>Load more</button><script>window.STATE = {json.dumps({'jobs': jobs})};</script>"
    assert [t for t, _ in _pairs(page)] == ["Frontend Developer", "Product Designer", "Office Manager"]
