"""`scoutly status`: queue counts, the next companies to fall due, companies per rank band (`--json` too)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from scoutly.cli.common import console, run
from scoutly.cli.database import database
from scoutly.status_report import StatusReport, gather_status


def _when(value: datetime | None, now: datetime) -> str:
    if value is None or value <= now:
        return "now"
    delta = value - now
    hours = delta.total_seconds() / 3600
    relative = f"in {hours:.1f} h" if hours < 48 else f"in {hours / 24:.1f} days"
    return f"{value:%Y-%m-%d %H:%M} UTC ({relative})"


def render(report: StatusReport) -> None:
    """The rich view of a status report."""
    now = report.generated_at
    console.print(
        f"[bold]Scoutly status[/bold] at {now:%Y-%m-%d %H:%M} UTC — {report.companies} companies, "
        f"{report.users} users, {report.trackings} trackings; {report.tracked_companies} tracked, "
        f"{report.due_now} due now"
    )
    queue = Table(title="Queue", show_header=True)
    for status in report.queue:
        queue.add_column(status, justify="right")
    queue.add_row(*(str(count) for count in report.queue.values()))
    console.print(queue)

    upcoming = Table(title="Next to fall due (not queued yet)", show_header=True)
    for column in ("company", "rank", "band", "due", "last success"):
        upcoming.add_column(column, justify="right" if column == "rank" else "left")
    for entry in report.next_due:
        last = f"{entry.last_success_at:%Y-%m-%d %H:%M}" if entry.last_success_at else "never"
        upcoming.add_row(entry.slug, str(entry.rank), entry.band, _when(entry.due_at, now), last)
    if not report.next_due:
        upcoming.add_row("—", "", "", "every tracked company is queued" if report.tracked_companies else "", "")
    console.print(upcoming)

    bands = Table(title="Tracked companies per rank band", show_header=True)
    for column in ("ranks", "cadence", "companies"):
        bands.add_column(column, justify="right" if column == "companies" else "left")
    for band in report.bands:
        bands.add_row(band.ranks, band.band, str(band.companies))
    console.print(bands)


def status_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the same data as JSON (for scripts).")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500, help="How many upcoming companies.")] = 10,
) -> None:
    """Show the queue, the next companies to fall due and companies per rank band."""

    async def go() -> StatusReport:
        async with database() as mongo:
            return await gather_status(mongo.db, limit=limit)

    report = run(go())
    if as_json:
        print(report.model_dump_json(indent=2))
    else:
        render(report)


def register(app: typer.Typer) -> None:
    app.command("status")(status_command)
