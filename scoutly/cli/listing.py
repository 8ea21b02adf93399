"""`scoutly companies` and `scoutly users`: what was seeded, with rank, cadence, next due and last result —
no MongoDB shell needed. `--json` prints the same data."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from scoutly.cli.common import console, open_db, run, wide_console
from scoutly.clock import utcnow
from scoutly.processor.durations import format_duration

if TYPE_CHECKING:
    from scoutly.ops.inventory import CompanyRow, LastResult, UserRow

JsonOption = Annotated[bool, typer.Option("--json", help="Print the same data as JSON (for scripts).")]
WideOption = Annotated[
    bool, typer.Option("--wide", help="Add the careers URL, on one line however long (copyable).")
]


def _ago(moment: datetime, now: datetime) -> str:
    return f"{format_duration((now - moment).total_seconds())} ago"


def due_text(next_due: datetime | None, *, scheduled: bool, job: str | None, now: datetime) -> str:
    """`next due` in words: queued/running, now, in N h / days, or not scheduled (`--json` has the time)."""
    if job is not None:
        return {"processing": "running", "failed": "retry queued"}.get(job, "queued")
    if not scheduled:
        return "not scheduled"
    if next_due is None or next_due <= now:
        return "now"
    hours = (next_due - now).total_seconds() / 3600
    return f"in {hours:.0f} h" if hours < 48 else f"in {hours / 24:.0f} days"


def last_text(last: LastResult, now: datetime) -> str:
    """`last result` in words: ok or failed, how long ago (`--json` has the time and the strategy)."""
    if last.outcome == "never" or last.at is None:
        return "never scraped"
    if last.outcome == "failed":
        return f"failed ×{last.failures_in_a_row}, {_ago(last.at, now)}"
    return f"ok, {_ago(last.at, now)}"


def companies_table(rows: list[CompanyRow], *, now: datetime, wide: bool) -> Table:
    table = Table(title=f"{len(rows)} companies", title_justify="left")
    for column in ("company", "rank", "cadence", "next due", "last result"):
        table.add_column(column, justify="right" if column == "rank" else "left")
    if wide:
        table.add_column("careers URL", no_wrap=True)
    for row in rows:
        name = row.slug + ("" if row.active else " (inactive)")
        cells = [name, str(row.rank) if row.rank else "–", row.cadence or "–",
                 due_text(row.next_due, scheduled=row.scheduled, job=row.job, now=now), last_text(row.last, now)]
        if wide:
            cells.append(row.careers_url or "")
        table.add_row(*cells)
    return table


def user_heading(user: UserRow) -> str:
    details = ", ".join(part for part in (user.name, None if user.active else "inactive") if part)
    return user.email + (f" ({details})" if details else "")


def user_table(user: UserRow, *, now: datetime) -> Table:
    """One user's trackings (a table per user, so an e-mail address is never cut short)."""
    table = Table(title=user_heading(user), title_justify="left")
    for column in ("company", "rank", "cadence", "next due", "last result"):
        table.add_column(column, justify="right" if column == "rank" else "left")
    for tracking in user.trackings:
        table.add_row(
            tracking.company,
            str(tracking.rank),
            tracking.cadence or "–",
            due_text(tracking.next_due, scheduled=tracking.scheduled, job=tracking.job, now=now),
            last_text(tracking.last, now),
        )
    return table


def companies_command(as_json: JsonOption = False, wide: WideOption = False) -> None:
    """List the seeded companies: effective rank, cadence, next due, last scrape result (highest rank first)."""
    from scoutly.ops.inventory import list_companies

    async def go() -> list[CompanyRow]:
        async with open_db() as mongo:
            return await list_companies(mongo.db)

    rows = run(go())
    if as_json:
        print(json.dumps([row.model_dump(mode="json") for row in rows], indent=2))
        return
    if not rows:
        console.print("No companies yet: `scoutly seed companies FILE` or `scoutly seed --sample`.")
        return
    (wide_console() if wide else console).print(companies_table(rows, now=utcnow(), wide=wide))
    if not wide:
        console.print("[dim]careers URLs: --wide (one line each) or --json[/dim]")


def users_command(as_json: JsonOption = False) -> None:
    """List the seeded users and the companies each tracks: rank, cadence, next due, last scrape result."""
    from scoutly.ops.inventory import list_users

    async def go() -> list[UserRow]:
        async with open_db() as mongo:
            return await list_users(mongo.db)

    users = run(go())
    if as_json:
        print(json.dumps([user.model_dump(mode="json") for user in users], indent=2))
        return
    if not users:
        console.print("No users yet: `scoutly seed users FILE` or `scoutly seed --sample`.")
        return
    now = utcnow()
    for user in users:
        if user.trackings:
            console.print(user_table(user, now=now))
        else:
            console.print(f"{user_heading(user)}: tracks nothing", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.command("companies")(companies_command)
    app.command("users")(users_command)
