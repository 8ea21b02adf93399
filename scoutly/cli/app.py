"""Entry point: the Typer app, global options, and one-line errors instead of tracebacks."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Annotated

import typer

from scoutly import __version__
from scoutly.cli.group import CONTEXT_SETTINGS, ScoutlyGroup, apply_conventions
from scoutly.config import use_env_file
from scoutly.errors import ScoutlyError
from scoutly.redact import redact

app = typer.Typer(
    name="scoutly",
    help="Self-hosted job scouting: watches careers pages, judges new postings, tells you.",
    cls=ScoutlyGroup,
    context_settings=CONTEXT_SETTINGS,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

# Command modules, each exposing `register(app)`.
COMMAND_MODULES: tuple[str, ...] = (
    "seed",
    "track",
    "enqueue",
    "status",
    "profile",
    "matches",
    "process",
    "notify",
    "debug",
    "trial",
    "scrape",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"scoutly {__version__}")
        raise typer.Exit()


@app.callback()
def _global_options(
    env_file: Annotated[
        Path | None, typer.Option("--env-file", help="Read settings from this file instead of ./.env.")
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Scoutly: self-hosted job scouting."""
    use_env_file(env_file)


for _module in COMMAND_MODULES:
    importlib.import_module(f"scoutly.cli.{_module}").register(app)
apply_conventions(app)


def main() -> None:
    """Console-script entry point."""
    try:
        app(prog_name="scoutly")  # the same usage line from the console script, `python -m scoutly` or a test
    except ScoutlyError as exc:
        print(f"scoutly: {redact(str(exc))}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
