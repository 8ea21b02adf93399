"""`scoutly process`: the worker that scrapes, analyses and notifies, as a daemon or until drained."""

from __future__ import annotations

from typing import Annotated

import typer

from scoutly.cli.common import run, warn_if_in_memory
from scoutly.config import get_settings
from scoutly.log_setup import setup_from_settings
from scoutly.processor.durations import parse_duration


def process(
    drain: Annotated[bool, typer.Option("--drain", help="Exit (code 0) once the queue is empty.")] = False,
    concurrency: Annotated[
        int | None, typer.Option("--concurrency", min=1, max=5, help="Companies at once (default: settings, 5).")
    ] = None,
    max_runtime: Annotated[
        str | None, typer.Option("--max-runtime", metavar="DURATION", help="Stop after e.g. 90m or 2h.")
    ] = None,
    worker_id: Annotated[str | None, typer.Option("--worker-id", help="Name in the queue (default host-pid).")] = None,
    ignore_host_lock: Annotated[
        bool, typer.Option("--ignore-host-lock", help="Run even if another processor runs on this host.")
    ] = False,
    log_json: Annotated[bool, typer.Option("--log-json", help="JSON lines instead of human log lines.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug-level logs.")] = False,
    no_display: Annotated[bool, typer.Option("--no-display", help="Plain log lines even in a terminal.")] = False,
) -> None:
    """Work the queue: claim due companies, fetch postings, judge them, notify. Daemon mode by default.

    SIGTERM/SIGINT stops claiming and lets in-flight companies finish (grace period), then releases the
    rest; a second signal exits at once.
    """
    from scoutly.processor import run_processor  # the worker (Playwright, google-genai): only when it runs

    settings = get_settings()
    warn_if_in_memory(settings.mongodb_uri)
    runtime = parse_duration(max_runtime) if max_runtime else None
    setup_from_settings(settings, level="DEBUG" if verbose else settings.log_level, json=log_json or None)
    report = run(
        run_processor(
            settings,
            drain=drain,
            concurrency=concurrency or settings.concurrency,
            max_runtime=runtime,
            worker_id=worker_id,
            display=False if (no_display or log_json) else None,
            host_lock=not ignore_host_lock,
        )
    )
    raise typer.Exit(report.exit_code)


def register(app: typer.Typer) -> None:
    app.command("process")(process)
