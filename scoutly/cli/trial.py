"""`scoutly try`: a whole trial run — seed → enqueue → process → status → matches — with nothing to set up."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from scoutly.cli.common import console, err_console, interactive, run
from scoutly.cli.status import render as render_status
from scoutly.config import get_settings
from scoutly.log_setup import setup_logging

PLAIN_WIDTH = 160


def try_command(
    once: Annotated[
        bool, typer.Option("--once", help="Only the first pass (skip the second look a week later).")
    ] = False,
    no_gemini: Annotated[
        bool, typer.Option("--no-gemini", help="Keyword trackers only, even when GEMINI_API_KEY is set.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show the processor's log lines.")] = False,
) -> None:
    """Try Scoutly with nothing to set up: sample career sites, an in-memory database, nothing persisted.

    The sample sites are served on 127.0.0.1; matching uses keyword trackers, and Gemini too when
    GEMINI_API_KEY is set (real requests: about 20–25, most of a free-tier day; --no-gemini avoids them).
    """
    from scoutly.trial.report import render
    from scoutly.trial.run import run_trial

    settings = get_settings()  # the user's .env: only the Gemini key and models are used; the database is forced
    if no_gemini:
        settings = settings.model_copy(update={"gemini_api_key": None})
    setup_logging(level="INFO" if verbose else "WARNING")
    err_console.print("[dim]scoutly try: starting the sample sites and an in-memory database…[/dim]")
    result = run(
        run_trial(
            settings,
            second_pass=not once,
            display=interactive() and not verbose,
            progress=lambda message: err_console.print(f"[dim]scoutly try: {message}[/dim]"),
        )
    )
    # In a terminal, its width; in a pipe or a log file, wide enough that table cells do not wrap.
    out = console if interactive() else Console(width=PLAIN_WIDTH)
    render(result, out, status_renderer=render_status)


def register(app: typer.Typer) -> None:
    app.command("try")(try_command)
