"""Role words are words, not letter sequences (issue 10): "intern" names a role, "Internet of Things" does not.

English role words match whole (with a plural or a German feminine ending: "Engineers", "Managerin"); German, Dutch
and Scandinavian role nouns also end a compound ("Softwareentwickler", "Projektmanager", "Systemutvecklare") but
never begin one ("Mitarbeiterstimmen", "Leiterplatten"); gender suffixes ("Entwickler*in", "(m/w/d)") count; CJK
has no word boundaries and keeps matching inside text.
"""

from __future__ import annotations

import pytest

from scoutly.acquire.extract import extract_postings
from scoutly.acquire.record_fields import role_like
from scoutly.acquire.vocabulary import EXCLUDED_TEXT

NOT_ROLES = [
    # trades words inside other words
    "Painterly illustrations",
    "Pilot projects and case studies",
    "Porterhouse restaurant",
    # English: a role word inside another word
    "Internet of Things",
    "International offices",
    "Internal tools",
    "Our leadership",
    "Leadership principles",
    "Leaderboard",
    "Misleading claims",
    "Device support",
    "Supporting families",
    "Successful together",
    "Partnerships",
    "Ownership culture",
    "Homeowners",
    "Staffing solutions",
    "Editorial guidelines",
    "Directory",
    "Cookie settings",
    "Cookbook",
    "Tutorials",
    "Auditorium",
    "Head office",
    "Products",
    "Metadata catalogue",
    "Reagents",
    "Screwdrivers",
    "Agentur",
    "Chemistry",
    # German, Dutch: a role noun at the start of a compound that names no role
    "Mitarbeiterstimmen",
    "Mitarbeiterbenefits",
    "Entwicklerteam",
    "Entwicklerportal",
    "Leiterplattenbestückung",
    "Ingenieurbüro Hansen",
    "Kraftwerkstechnik",
    "Kochbuch",
    "Fahrerassistenzsysteme",
    "Medewerkerstevredenheid",
    # Swedish: a role noun's letters inside a word that names no role
    "Ekonomi och finans",
    "Ledarskap",
    "Konsultation",
    "Vårdcentralen",
    # Polish: a field, not a role
    "Informatyka i telekomunikacja",
    "Logistyka",
    "Księgowość",
    "Monterey office",
    "Leider keine offenen Stellen",
    # Italian: a role word inside a name
    "Politecnico di Milano",
]

ROLES = [
    # trades, hospitality, retail, logistics, care
    "Plumber",
    "MIG Welder",
    "Site Carpenter",
    "Barista (part-time)",
    "Waiting staff",
    "Bartender",
    "Housekeeper",
    "Warehouse Picker/Packer",
    "Forklift Driver",
    "Bookkeeper",
    "Storekeeper",
    "Crew Member",
    "Healthcare Assistant",
    "Senior Carer",
    "Dental Hygienist",
    "HGV Class 1 Courier",
    "Intern",
    "Software Engineering Intern",
    "Interns 2026",
    "Internship: Marketing",
    "Team Lead Backend",
    "Teamlead Frontend",
    "Team Leader",
    "Leaders in training",
    "Engineers",
    "Support Engineer",
    "Customer Support Agents",
    "Sales Representatives",
    "Presales Consultant",
    "Head of Sales",
    "Partner Manager",
    "Product Owner",
    "Copywriter",
    "Physiotherapist",
    "Caseworker",
    "Webdesigner",
    "Research Fellowship in Ecology",
    "Postdoctoral researcher",
    "PhD studentship",
    "Counsellor",
    "Microbiologist",
    "Pharmacist",
    "Laboratory technician",
    "Data Scientist",
    "Data Engineer",
    "QA Tester",
    "HR Generalist",
    "Registered Nurse",
    "Nurses",
    # German, Dutch, Swedish compounds ending in a role noun, feminine and plural endings, gender suffixes
    "Softwareentwickler",
    "Softwareentwicklerin",
    "Softwareentwickler (m/w/d)",
    "Projektmanager",
    "Projektmanagerin",
    "Produktmanagerinnen",
    "Systemadministrator",
    "IT-Systemadministrator",
    "Netzwerkadministratorin",
    "Entwickler*in",
    "EntwicklerIn Backend",
    "Werkstudent:in",
    "Werkstudenten",
    "Werkstudentenstelle Marketing",
    "Praktikantenstelle im Vertrieb",
    "Pflichtpraktikum",
    "Ausbildungsplatz Elektroniker",
    "Bauleiter",
    "Teamleiterin",
    "Projektleitung",
    "Lagerhelfer",
    "Pflegefachkraft",
    "Berufskraftfahrer",
    "Finanzbuchhalter",
    "Industriekaufmann",
    "Industriekauffrau",
    "Personalreferentin",
    "Ingenieure",
    "Vertriebsmitarbeiter",
    "Mitarbeiterin Empfang",
    "Kundenberater",
    "Jungkoch",
    "Erzieherinnen",
    "Kaufmännische Angestellte",
    "Steuerfachangestellte",
    "Auszubildender",
    "Azubis gesucht",
    "Systemutvecklare",
    "Undersköterska",
    "Sjuksköterskor natt",
    "Lokalvårdare",
    "Projektledare el",
    "Säljare till Umeå",
    "Förskollärare",
    "Kierowca kat. C+E",
    "Księgowa",
    "Magazynier",
    "Pracownik produkcji",
    "Przedstawiciel handlowy",
    "Pielęgniarka",
    "Analityk danych",
    "Doktorandtjänst i fysik",
    "Industriemechaniker",
    "Projectleider utiliteitsbouw",
    "Nursery Practitioner",
    "Doktorander",
    "Projectmedewerker",
    "Medewerkers klantenservice",
    "Softwareontwikkelaars",
    # Romance languages and Polish: endings vary, the word starts a word
    "Ingénieure logiciel",
    "Développeuse web",
    "Desarrolladora backend",
    "Técnicos de mantenimiento",
    "Impiegata amministrativa",
    "Programistka",
    # Japanese: no word boundaries
    "バックエンドエンジニア",
    "営業職",
]


@pytest.mark.parametrize("text", NOT_ROLES)
def test_a_role_word_inside_another_word_names_no_role(text: str) -> None:
    assert not role_like(text)


@pytest.mark.parametrize("text", ROLES)
def test_roles_compounds_and_inflections_are_role_like(text: str) -> None:
    assert role_like(text)


@pytest.mark.parametrize("text", ["Strategic Initiatives Manager", "Initiative Lead, Climate", "Initiatives Lead"])
def test_initiatives_in_a_role_title_are_no_open_application(text: str) -> None:
    assert not EXCLUDED_TEXT.search(text)


@pytest.mark.parametrize("text", ["Initiativbewerbung", "Initiativ bewerben", "Initiative Bewerbung", "Unsolicited"])
def test_open_applications_are_still_excluded(text: str) -> None:
    assert EXCLUDED_TEXT.search(text)


def test_a_careers_hub_links_its_topics_and_its_postings_only_the_postings_are_taken() -> None:
    topics = "".join(
        f'<a class="tile" href="/careers/{slug}"><h3>{text}</h3><p>Read how we work on this.</p></a>'
        for slug, text in [
            ("internet-of-things", "Internet of Things"),
            ("international", "International offices"),
            ("partnerships", "Partnerships"),
            ("ownership", "Ownership culture"),
        ]
    )
    jobs = "".join(
        f'<li><a href="/careers/jobs/{n}">{title}</a></li>'
        for n, title in [(101, "Embedded Software Engineer"), (102, "Product Designer"), (103, "Intern, Firmware")]
    )
    html = f"<main><h1>Careers</h1><div class='tiles'>{topics}</div><h2>Open roles</h2><ul>{jobs}</ul></main>"
    assert [p.title for p in extract_postings(html, "https://example.org/careers")] == [
        "Embedded Software Engineer",
        "Product Designer",
        "Intern, Firmware",
    ]


def test_an_advert_whose_title_starts_like_a_closing_heading_stays_in_its_section() -> None:
    adverts = "".join(
        f"<h3>{title}</h3><p>{text}</p>"
        for title, text in [
            ("Customer Service Representative", "Answer customer questions by phone and e-mail, full time in Leeds."),
            ("Contact Centre Agent", "Take inbound calls for our utility clients, shifts between 8am and 8pm."),
            ("Newsletter Editor", "Write and schedule our weekly newsletter to 40,000 subscribers, part time."),
        ]
    )
    html = (
        f"<main><h1>Careers</h1><h2>Current vacancies</h2>{adverts}"
        "<h2>Contact</h2><p>Send your CV to jobs@example.org.</p></main>"
    )
    assert [p.title for p in extract_postings(html, "https://example.org/careers")] == [
        "Customer Service Representative",
        "Contact Centre Agent",
        "Newsletter Editor",
    ]
