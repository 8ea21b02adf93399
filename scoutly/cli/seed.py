"""`scoutly seed`: load companies and users (with ranked trackings) from CSV/JSON, or the bundled sample."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from scoutly.cli.common import err_console, open_db, run
from scoutly.seeding import SeedReport, check_files, seed_files, seed_sample

seed_app = typer.Typer(
    help="Load companies and users from files (all-or-nothing; re-seeding the same file changes nothing).",
    no_args_is_help=False,
)

FileArgument = Annotated[Path, typer.Argument(help="A .csv or .json file (see README › Data formats).")]


WARNINGS_SHOWN = 20  # a file of many internal URLs names the first ones and counts the rest


def _print(report: SeedReport) -> None:
    for line in report.warnings[:WARNINGS_SHOWN]:
        err_console.print(f"warning: {line}", markup=False, highlight=False, soft_wrap=True)
    if len(report.warnings) > WARNINGS_SHOWN:
        err_console.print(f"warning: … and {len(report.warnings) - WARNINGS_SHOWN} more such careers URLs")
    if report.warnings:
        err_console.print("(allow a network you mean to scrape with SCOUTLY_ALLOW_NETWORKS, e.g. 10.0.0.0/8)")
    typer.echo(f"seeded: {report.summary()}")


class TerminalProgress:
    """Seeding progress on a terminal (rows checked, then rows written), gone when seeding ends; on stderr, so
    stdout keeps only the result line."""

    STEP = 2000  # rows between screen updates: a large file is not slowed by redrawing

    def __init__(self, progress: Progress) -> None:
        self.progress, self.pending = progress, 0
        self.task: TaskID | None = None

    def start(self, label: str, total: int | None) -> None:
        self._flush()
        if self.task is not None:
            self.progress.update(self.task, visible=False)
        self.task = self.progress.add_task(label, total=total)

    def advance(self, rows: int) -> None:
        self.pending += rows
        if self.pending >= self.STEP:
            self._flush()

    def _flush(self) -> None:
        if self.task is not None and self.pending:
            self.progress.advance(self.task, self.pending)
        self.pending = 0


def _seed_files(*, companies: Path | None = None, users: Path | None = None) -> SeedReport:
    check_files(companies=companies, users=users)  # a wrong file is said before MongoDB is even asked

    async def go(progress: TerminalProgress | None) -> SeedReport:
        from scoutly.acquire.egress import EgressPolicy
        from scoutly.config import get_settings

        egress = EgressPolicy.from_settings(get_settings())
        async with open_db() as mongo:
            return await seed_files(mongo.db, companies=companies, users=users, progress=progress, egress=egress)

    if not err_console.is_terminal:
        return run(go(None))
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as bar:
        return run(go(TerminalProgress(bar)))


@seed_app.callback(invoke_without_command=True)
def seed(
    ctx: typer.Context,
    sample: Annotated[
        bool, typer.Option("--sample", help="Seed the bundled sample: 33 real companies and 3 users.")
    ] = False,
) -> None:
    """Seed data. Use a subcommand (companies, users) or --sample."""
    if ctx.invoked_subcommand is not None:
        if sample:
            raise typer.BadParameter("--sample cannot be combined with a subcommand")
        return
    if not sample:
        typer.echo(ctx.get_help())
        raise typer.Exit(2)

    async def go() -> SeedReport:
        async with open_db() as mongo:
            return await seed_sample(mongo.db)

    _print(run(go()))


@seed_app.command("companies")
def seed_companies(file: FileArgument) -> None:
    """Companies: slug, name, careers_url, ats, ats_token, selectors, active."""

    _print(_seed_files(companies=file))


@seed_app.command("users")
def seed_users(file: FileArgument) -> None:
    """Users, their profiles and keyword trackers, and the companies they track with a rank 1–100 (companies
    must be seeded first)."""

    _print(_seed_files(users=file))


def register(app: typer.Typer) -> None:
    app.add_typer(seed_app, name="seed")
