"""The progress display: what a terminal shows while the processor works."""

from __future__ import annotations

from types import SimpleNamespace

from helpers.processor import ScriptedAcquirer, fast_settings, seed_jobs
from rich.console import Console

from scoutly.processor import run_processor
from scoutly.processor.display import progress_display, render
from scoutly.processor.runs import RunRecorder
from scoutly.processor.state import InFlight, ProcessorReport, ProcessorState


def shown(state: ProcessorState) -> str:
    console = Console(width=200, record=True, color_system=None)
    console.print(render(state))
    return console.export_text()


def test_render_lists_in_flight_companies_with_stage_and_counts():
    report = ProcessorReport(worker_id="pi-42", mode="daemon", succeeded=7, partial=1, failed=2, released=0)
    state = ProcessorState(report=report, concurrency=5)
    run = RunRecorder(None, job_id="j1", company="acme", worker="pi-42", attempt=2)
    run.stage_name = "analysis"
    state.in_flight["j1"] = InFlight(job=SimpleNamespace(company="acme", attempts=2), run=run)
    text = shown(state)
    assert "pi-42 · daemon · 1/5 in flight · 7 done, 1 partial, 2 failed, 0 released" in text
    assert "acme" in text and "analysis" in text and "0s" in text
    state.in_flight.clear()
    state.stopping = "SIGTERM"
    state.db_down_since = 1.0
    text = shown(state)
    assert "(idle)" in text and "stopping (SIGTERM)" in text and "MongoDB unreachable" in text


def test_no_display_without_a_terminal():
    state = ProcessorState(report=ProcessorReport(worker_id="w", mode="drain"), concurrency=1)
    assert progress_display(state, False).__class__.__name__ == "nullcontext"
    assert progress_display(state, None).__class__.__name__ == "nullcontext"  # pytest's stderr is no TTY


async def test_a_run_with_the_live_display_forced_on(db, db_uri):
    await seed_jobs(db, ["a", "b"])
    report = await run_processor(
        fast_settings(db_uri), drain=True, display=True, db=db, signals=False, acquirer_factory=ScriptedAcquirer()
    )
    assert report.succeeded == 2
