"""`scoutly track` / `scoutly untrack`: change one user's rank of one company without a file."""

from __future__ import annotations

from typing import Annotated

import typer

from scoutly.cli.common import open_db, run
from scoutly.companies import track, untrack
from scoutly.scheduling import band_for


def track_command(
    user: Annotated[str, typer.Argument(help="The user's email.")],
    company: Annotated[str, typer.Argument(help="The company slug.")],
    rank: Annotated[int, typer.Option("--rank", help="1–100; higher = scraped more often (81–100: daily).")],
) -> None:
    """Track a company for a user with a rank (or change the rank)."""

    async def go() -> str:
        async with open_db() as mongo:
            return await track(mongo.db, user, company, rank)

    outcome = run(go())
    band = band_for(rank)
    typer.echo(f"{user.strip().lower()} → {company.strip().lower()}: rank {rank} ({band.name}) {outcome}")


def untrack_command(
    user: Annotated[str, typer.Argument(help="The user's email.")],
    company: Annotated[str, typer.Argument(help="The company slug.")],
) -> None:
    """Stop tracking a company for a user."""

    async def go() -> bool:
        async with open_db() as mongo:
            return await untrack(mongo.db, user, company)

    removed = run(go())
    message = "no longer tracked" if removed else "was not tracked"
    typer.echo(f"{user.strip().lower()} → {company.strip().lower()}: {message}")


def register(app: typer.Typer) -> None:
    app.command("track")(track_command)
    app.command("untrack")(untrack_command)
