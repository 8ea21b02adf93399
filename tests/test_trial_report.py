"""The trial's intro panel and report at 80 columns: short, readable, URLs whole, no operator status."""

from __future__ import annotations

from rich.console import Console

from scoutly.processor.state import ProcessorReport
from scoutly.seeding import SeedReport
from scoutly.trial.catalog import load_catalog
from scoutly.trial.report import render, render_intro
from scoutly.trial.run import PassResult, TrialResult

BASE = "http://127.0.0.1:40123"
LONG_URL = f"{BASE}/fjord-analytics/careers/jobs/senior-data-engineer-streaming-platform-oslo-or-remote-2026.html"


def _runs(found: int, new: int, removed: int) -> list[dict]:
    strategies = {"northwind-robotics": "greenhouse", "pixel-orchard": "rendered", "kestrel-bank": "static"}
    return [
        {
            "company": company.slug,
            "strategy": strategies.get(company.slug, "static"),
            "outcome": "succeeded",
            "found": found,
            "new": new,
            "removed": removed,
        }
        for company in load_catalog().companies
    ]


def trial_result(*, passes: int = 2, gemini: bool = False, interrupted: bool = False) -> TrialResult:
    catalog = load_catalog()
    first = PassResult(
        label="first look",
        site_version=1,
        enqueued=8,
        report=ProcessorReport(worker_id="trial-pass-1", mode="drain", claimed=8, succeeded=8, stop_reason="drained"),
        runs=_runs(6, 6, 0),
        seconds=9.5,
    )
    later = PassResult(
        label="a week later",
        site_version=2,
        enqueued=8,
        report=ProcessorReport(worker_id="trial-pass-2", mode="drain", claimed=8, succeeded=8, stop_reason="drained"),
        runs=_runs(6, 1, 1),
        seconds=4.1,
        appeared=[{"company": "northwind-robotics", "title": "Staff Data Engineer"}],
        closed=[{"company": "northwind-robotics", "title": "Technical Recruiter"}],
    )
    ada = catalog.users[0]
    matches = {
        ada.email: [
            {
                "title": "Senior Data Engineer, Streaming Platform (Kafka, Flink) — Oslo or Remote in Europe",
                "company": "fjord-analytics",
                "location": "Oslo",
                "url": LONG_URL,
                "source": "keywords",
                "score": None,
                "keyword_hits": ["data engineer", "kafka"],
            }
        ]
    }
    return TrialResult(
        base_url=BASE,
        gemini=gemini,
        gemini_models=["gemini-2.5-flash"],
        companies=list(catalog.companies),
        users=list(catalog.users),
        seeded=SeedReport(),
        passes=[first, later][:passes],
        matches=matches,
        postings_open=47,
        postings_closed=1,
        interrupted=interrupted,
    )


def rendered(result: TrialResult) -> list[str]:
    console = Console(width=80, record=True, color_system=None)
    render(result, console)
    return console.export_text().splitlines()


def test_the_report_fits_80_columns_and_keeps_urls_whole() -> None:
    lines = rendered(trial_result())
    too_wide = [line for line in lines if len(line) > 80 and LONG_URL not in line]
    assert not too_wide, too_wide
    assert any(line.strip() == LONG_URL for line in lines)  # on its own line, whole, copyable
    text = "\n".join(lines)
    assert "…" not in text.replace("… and", "")  # no cut names ("fjord-a…")
    for company in load_catalog().companies:
        assert company.slug in text
    assert "Staff Data Engineer — northwind-robotics" in text and "Technical Recruiter — northwind-robotics" in text
    assert "keywords: data engineer, kafka" in text
    assert "1 closed, 1 match." in " ".join(line.strip() for line in lines)  # the header counts, the list lists


def test_the_report_is_short_and_says_what_gemini_would_add() -> None:
    lines = rendered(trial_result())
    text = "\n".join(lines)
    assert "What Gemini would add" in text and "GEMINI_API_KEY" in text and "aistudio.google.com/apikey" in text
    assert "Next steps" in text and "scoutly seed users FILE" in text
    for operator_section in ("Processors", "Queue", "lease", "heartbeat"):
        assert operator_section not in text  # not the operator's `scoutly status`
    assert len(lines) < 60


def test_with_gemini_the_report_counts_its_requests() -> None:
    result = trial_result(gemini=True)
    for doc in result.passes[0].runs:
        doc.update(requests=2, tokens=1000)
    text = "\n".join(rendered(result))
    assert "Gemini: 16 requests, 8000 tokens" in text and "What Gemini would add" not in text


def test_one_pass_and_an_interrupted_trial() -> None:
    text = "\n".join(rendered(trial_result(passes=1, interrupted=True)))
    assert "Interrupted" in text and "New postings" not in text and "baseline" in text


def test_the_intro_says_what_will_happen_in_a_short_panel() -> None:
    console = Console(width=80, record=True, color_system=None)
    render_intro(load_catalog(), console, gemini=False, models=[], chromium=("/usr/bin/chromium", True), passes=2)
    lines = console.export_text().splitlines()
    assert all(len(line) <= 80 for line in lines) and len(lines) <= 16
    text = " ".join(line.strip("│ ") for line in lines)
    assert "Scoutly trial run — nothing is persisted" in text and "keyword trackers only" in text
    assert "7 days later" in text and "mongomock://trial/scoutly" in text
