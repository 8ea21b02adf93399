"""`scoutly seed`: load companies and users (with ranked trackings) from CSV/JSON, or the bundled sample."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scoutly.cli.common import open_db, run
from scoutly.seeding import SeedReport, seed_files, seed_sample

seed_app = typer.Typer(
    help="Load companies and users from files (all-or-nothing; re-seeding the same file changes nothing).",
    no_args_is_help=False,
)

FileArgument = Annotated[Path, typer.Argument(help="A .csv or .json file (see README › Data formats).")]


def _print(report: SeedReport) -> None:
    typer.echo(f"seeded: {report.summary()}")


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

    async def go() -> SeedReport:
        async with open_db() as mongo:
            return await seed_files(mongo.db, companies=file)

    _print(run(go()))


@seed_app.command("users")
def seed_users(file: FileArgument) -> None:
    """Users and the companies they track with a rank 1–100 (companies must be seeded first)."""

    async def go() -> SeedReport:
        async with open_db() as mongo:
            return await seed_files(mongo.db, users=file)

    _print(run(go()))


def register(app: typer.Typer) -> None:
    app.add_typer(seed_app, name="seed")
