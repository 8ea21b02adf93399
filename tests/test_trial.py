"""`scoutly try` end to end: the sample sites on 127.0.0.1, the in-memory database, real acquisition (Chromium
for the JavaScript site), keyword matching, two passes — and the report a newcomer reads."""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from scoutly.cli.app import app
from scoutly.config import load_settings
from scoutly.trial.report import render
from scoutly.trial.run import TRIAL_URI, run_trial

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# What the sample users' keyword trackers must find (designed into scoutly/samples/sites/catalog.json), as
# (company, title). Postings whose page gives no machine-readable location may match too (an unknown location
# suits a keyword tracker), so for Ada and Marco these are lower bounds; Priya skips baseline postings.
MUST_MATCH = {
    "ada@example.org": [
        ("fjord-analytics", "Senior Data Engineer"),  # static job cards, Oslo
        ("quillbyte", "Senior Data Engineer"),  # Ashby feed, remote
        ("northwind-robotics", "Staff Data Engineer"),  # new on the Greenhouse board in version 2
        ("fjord-analytics", "Data Engineer, Streaming"),  # new in version 2
        ("lumen-health", "Analytics Engineer (dbt)"),  # new on the Lever board in version 2
    ],
    "marco@example.org": [
        ("pixel-orchard", "Senior UX Designer"),  # the JavaScript-rendered listing
        ("northwind-robotics", "Product Designer"),  # Greenhouse, remote
    ],
}
MUST_NOT_MATCH = {
    "ada@example.org": [("northwind-robotics", "Technical Recruiter")],  # no include term; removed in v2
    "marco@example.org": [("quillbyte", "Brand Designer")],  # excluded by the "brand" tracker
}
PRIYA = [("kestrel-bank", "Site Reliability Engineer")]  # new on page 3 in version 2; baselines skipped


@pytest.fixture(autouse=True)
def _needs_chromium() -> None:
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        pytest.skip("Debian's chromium is not installed")


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    # a real-looking URI that must NOT be used: the trial forces the in-memory database
    monkeypatch.setenv("MONGODB_URI", "mongodb://127.0.0.1:9/never-used")
    return load_settings()


async def test_trial_finds_the_designed_matches_and_the_second_pass_sees_changes(settings) -> None:
    result = await run_trial(settings, display=False, signals=False)

    assert not result.gemini
    assert [p.site_version for p in result.passes] == [1, 2]
    first, second = result.passes
    assert first.enqueued == 8 and second.enqueued == 8
    assert first.report.failed == 0 and second.report.failed == 0, [r.get("error") for r in first.runs + second.runs]

    runs = {run["company"]: run for run in first.runs}
    assert set(runs) == {c.slug for c in result.companies}
    assert all(run["outcome"] == "succeeded" for run in runs.values()), {k: v.get("error") for k, v in runs.items()}
    for slug, vendor in (("northwind-robotics", "greenhouse"), ("lumen-health", "lever"), ("quillbyte", "ashby"),
                         ("gravel-stone", "workday")):
        assert runs[slug]["strategy"] == vendor  # the feed, not the page
    found = {slug: run["found"] for slug, run in runs.items()}
    assert found == {"northwind-robotics": 6, "lumen-health": 5, "quillbyte": 5, "gravel-stone": 7,
                     "fjord-analytics": 5, "tidewater-energy": 4, "pixel-orchard": 5, "kestrel-bank": 10}
    assert all(run["new"] == run["found"] for run in runs.values())  # the first look is a baseline

    changed = {run["company"]: (run["new"], run["removed"]) for run in second.runs}
    assert changed["northwind-robotics"] == (1, 1)
    assert changed["lumen-health"] == (1, 1)
    assert changed["pixel-orchard"] == (1, 1)
    assert changed["fjord-analytics"] == (1, 0)
    assert changed["kestrel-bank"] == (1, 0)
    assert changed["quillbyte"] == (0, 0) and changed["gravel-stone"] == (0, 0)
    assert first.appeared == [] and first.closed == []  # a first look is a baseline, nothing "new"
    assert {(p["company"], p["title"]) for p in second.appeared} == {
        ("northwind-robotics", "Staff Data Engineer"), ("lumen-health", "Analytics Engineer (dbt)"),
        ("fjord-analytics", "Data Engineer, Streaming"), ("pixel-orchard", "Senior Python Engineer, Game Tools"),
        ("kestrel-bank", "Site Reliability Engineer"),
    }
    assert {(p["company"], p["title"]) for p in second.closed} == {
        ("northwind-robotics", "Technical Recruiter"), ("lumen-health", "Product Manager, Patient Experience"),
        ("pixel-orchard", "QA Tester (Mobile Games)"),
    }

    def pairs(email: str) -> list[tuple[str, str]]:
        return sorted((match["company"], match["title"]) for match in result.matches[email])

    for email, wanted in MUST_MATCH.items():
        got = pairs(email)
        assert all(got.count(pair) == 1 for pair in wanted), (email, got)
        assert not set(MUST_NOT_MATCH[email]) & set(got), (email, got)
    assert pairs("priya@example.org") == PRIYA
    for matches in result.matches.values():
        # keyword matches, and every URL is one the sample site itself gave
        assert all(m["source"] == "keyword" and m["url"].startswith(result.base_url + "/") for m in matches)
    assert result.postings_closed == 3
    assert result.status is not None


def test_scoutly_try_prints_a_report_a_newcomer_can_read(settings) -> None:
    outcome = CliRunner().invoke(app, ["try", "--once"], catch_exceptions=False)
    assert outcome.exit_code == 0, outcome.output
    text = re.sub(r"\s+", " ", re.sub(r"[│╭╮╰╯─┃┏┓┗┛━┡┩┳┻╇└┘┌┐┬┴┼]", " ", outcome.output))  # unwrap panels/tables
    assert "Scoutly trial run — nothing is persisted" in text
    assert TRIAL_URI in text and "Nothing is persisted" in text
    assert "keyword trackers only (no GEMINI_API_KEY set)" in text
    assert "JavaScript pages: rendered with Chromium (" in text
    assert "Senior UX Designer" in text and "Ada Lindqvist" in text
    assert "(umask 077; cp .env.example .env)" in text and "MONGODB_URI" in text and "GEMINI_API_KEY" in text
    assert "deploy/pi/GUIDE.md" in text
    assert "never-used" not in text  # the configured MongoDB was never touched


async def test_with_a_gemini_key_the_trial_uses_gemini(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from scoutly.testing.fake_gemini import FakeGemini

    monkeypatch.chdir(tmp_path)
    with FakeGemini() as gemini:
        settings = load_settings(
            gemini_api_key="test-key", gemini_base_url=gemini.base_url, gemini_rpm=1000, gemini_rpd=1000
        )
        result = await run_trial(settings, second_pass=False, display=False, signals=False)
        requests = gemini.count(status=200)
    assert result.gemini and requests > 0
    judged = [m for matches in result.matches.values() for m in matches if m["source"] == "gemini"]
    assert judged and all(isinstance(m["score"], int) for m in judged)
    # Gemini judges postings; every stored URL still comes from the sample sites themselves
    assert all(m["url"].startswith(result.base_url + "/") for ms in result.matches.values() for m in ms)
    report = io.StringIO()
    render(result, Console(file=report, width=200))
    text = report.getvalue()
    assert "keyword trackers, then Gemini" in text and "Gemini: " in text and " requests, " in text


def test_ctrl_c_stops_the_trial_after_in_flight_work_and_still_reports(tmp_path: Path) -> None:
    scoutly = Path(sys.executable).with_name("scoutly")
    env = {k: v for k, v in os.environ.items() if k != "GEMINI_API_KEY"}
    proc = subprocess.Popen([str(scoutly), "try", "--verbose"], cwd=tmp_path, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        seen = ""
        while " | claimed " not in seen:  # the first pass's processor is at work (its signal handlers are set)
            line = proc.stderr.readline()
            assert line, seen
            seen += line
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Interrupted" in out and "Pass 2" not in out
    assert "That was a trial run" in out


def test_no_gemini_keeps_the_trial_to_keyword_trackers(settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", "a-key-that-must-not-be-used")
    monkeypatch.setenv("SCOUTLY_GEMINI_BASE_URL", "http://127.0.0.1:9")  # would fail loudly if called
    outcome = CliRunner().invoke(app, ["try", "--once", "--no-gemini"], catch_exceptions=False)
    assert outcome.exit_code == 0, outcome.output
    text = re.sub(r"\s+", " ", outcome.output)
    assert "keyword trackers only" in text and "a-key-that-must-not-be-used" not in text


def test_without_chromium_the_trial_still_runs_and_says_what_is_missing(settings, monkeypatch) -> None:
    monkeypatch.setenv("SCOUTLY_CHROMIUM_PATH", "/nonexistent/chromium")
    outcome = CliRunner().invoke(app, ["try", "--once"], catch_exceptions=False)
    assert outcome.exit_code == 0, outcome.output
    text = re.sub(r"\s+", " ", re.sub(r"[│╭╮╰╯─]", " ", outcome.output))
    assert "NO CHROMIUM — SCOUTLY_CHROMIUM_PATH: /nonexistent/chromium does not exist" in text
    assert "Senior Data Engineer" in text  # the feeds and plain HTML sites were still read
