"""`scoutly matches [USER]` lists matches; `scoutly matches mark ID STATUS` changes one's status."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from scoutly.analysis.matches import STATUSES, list_matches, mark
from scoutly.cli.common import console, interactive, open_db, run
from scoutly.errors import InputError
from scoutly.storage.records import MatchRecord


def matches(
    args: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[USER] | mark ID STATUS",
            help="USER to list (all if omitted), or: mark ID STATUS",
            show_default=False,
        ),
    ] = None,
    status: Annotated[str | None, typer.Option("--status", help=f"Only this status: {', '.join(STATUSES)}.")] = None,
    min_score: Annotated[int | None, typer.Option("--min-score", min=0, max=100, help="Only scores ≥ N.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most N matches.")] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """List matches, best first: `scoutly matches [USER] [--status new] [--min-score N] [--json]`.

    Change a status: `scoutly matches mark ID applied` (new, seen, applied, dismissed).
    """
    args = args or []
    if args and args[0] == "mark":
        if len(args) != 3:
            raise InputError("usage: scoutly matches mark ID STATUS")
        _mark(args[1], args[2])
        return
    if len(args) > 1:
        raise InputError(f"unexpected arguments: {' '.join(args[1:])} (usage: scoutly matches [USER])")
    user = args[0] if args else None

    async def go() -> list[MatchRecord]:
        async with open_db() as mongo:
            return await list_matches(mongo.db, user=user, status=status, min_score=min_score, limit=limit)

    rows = run(go())
    if as_json:
        typer.echo(json.dumps([{**row, "_id": str(row["_id"])} for row in rows], default=str, ensure_ascii=False))
        return
    if not rows:
        console.print("no matches")
        return
    if not interactive():
        for row in rows:
            score = "-" if row.get("score") is None else row["score"]
            fields = [str(row["_id"]), row["user"], str(score), row.get("status", ""), row.get("company") or ""]
            typer.echo("\t".join([*fields, row.get("title") or "", row.get("url") or ""]))
        return
    table = Table(title=f"{len(rows)} match{'es' if len(rows) != 1 else ''}")
    for column in ("id", "user", "score", "status", "source", "company", "title", "location", "found"):
        table.add_column(column, overflow="fold")
    for row in rows:
        title = row.get("title") or ""
        if row.get("url"):
            title = f"[link={row['url']}]{title}[/link]"
        found = row.get("created_at")
        table.add_row(
            str(row["_id"]),
            row["user"],
            "–" if row.get("score") is None else str(row["score"]),
            row.get("status", ""),
            row.get("source", ""),
            row.get("company") or "",
            title,
            row.get("location") or "",
            found.strftime("%Y-%m-%d") if found else "",
        )
    console.print(table)


def _mark(match_id: str, status: str) -> None:
    async def go() -> MatchRecord:
        async with open_db() as mongo:
            return await mark(mongo.db, match_id, status)

    updated = run(go())
    console.print(f"match {updated['_id']} ({updated.get('title') or updated['posting']}) → {updated['status']}")


def register(app: typer.Typer) -> None:
    app.command("matches")(matches)
