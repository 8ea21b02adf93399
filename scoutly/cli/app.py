"""Entry point: the Typer app, global options, and one-line errors instead of tracebacks."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, ClassVar

import typer

from scoutly import __version__
from scoutly.cli.group import CONTEXT_SETTINGS, LazyGroup
from scoutly.errors import ScoutlyError
from scoutly.redact import redact


class ScoutlyCommands(LazyGroup):
    """Every `scoutly` command, in the order help lists them, and the `scoutly.cli` module defining each."""

    lazy_commands: ClassVar[dict[str, str]] = {
        "try": "trial",
        "scrape": "scrape",
        "seed": "seed",
        "companies": "listing",
        "users": "listing",
        "track": "track",
        "untrack": "track",
        "enqueue": "enqueue",
        "process": "process",
        "status": "status",
        "matches": "matches",
        "profile": "profile",
        "notify": "notify",
        "debug": "debug",
    }


app = typer.Typer(
    name="scoutly",
    help="Self-hosted job scouting: watches careers pages, judges new postings, tells you.",
    cls=ScoutlyCommands,
    context_settings=CONTEXT_SETTINGS,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
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
    # Runs before a subcommand's --help too: settings (pydantic-settings) are imported only when there is something
    # to set, or to reset after an earlier --env-file in this process.
    if env_file is not None or "scoutly.config" in sys.modules:
        from scoutly.config import use_env_file

        use_env_file(env_file)


def main() -> None:
    """Console-script entry point."""
    try:
        app(prog_name="scoutly")  # the same usage line from the console script, `python -m scoutly` or a test
    except ScoutlyError as exc:
        print(f"scoutly: {redact(str(exc))}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
