"""`scoutly try`: a whole trial run — seed → enqueue → process → status → matches — with nothing to set up."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from scoutly.cli.common import console, err_console, interactive, run
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
    from scoutly.trial.catalog import load_catalog
    from scoutly.trial.report import render, render_intro
    from scoutly.trial.run import chromium_status, run_trial

    settings = get_settings()  # the user's .env: only the Gemini key and models are used; the database is forced
    if no_gemini:
        settings = settings.model_copy(update={"gemini_api_key": None})
    setup_logging(level="INFO" if verbose else "WARNING")
    # In a terminal, its width; in a pipe or a log file, wide enough that table cells do not wrap.
    out = console if interactive() else Console(width=PLAIN_WIDTH)
    models = sorted({settings.gemini_screen_model, settings.gemini_deep_model})
    gemini = settings.gemini_key() is not None
    render_intro(
        load_catalog(), out, gemini=gemini, models=models, chromium=chromium_status(settings), passes=1 if once else 2
    )
    result = run(
        run_trial(
            settings,
            second_pass=not once,
            display=interactive() and not verbose,
            progress=lambda message: err_console.print(f"[dim]scoutly try: {message}[/dim]"),
        )
    )
    render(result, out)


def register(app: typer.Typer) -> None:
    app.command("try")(try_command)
