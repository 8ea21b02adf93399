"""`scoutly enqueue` (cron, hourly): reclaim expired leases, then queue every due company."""

from __future__ import annotations

from dataclasses import dataclass

import typer
from rich.table import Table

from scoutly.cli.common import console, interactive, open_db, run
from scoutly.config import get_settings
from scoutly.queue import EnqueueResult, enqueue_due, reclaim_expired


@dataclass
class EnqueueSummary:
    reclaimed: int
    result: EnqueueResult

    def line(self) -> str:
        r = self.result
        return (
            f"enqueue: {r.enqueued} new, {r.already_queued} already queued, {r.not_due} not due, "
            f"{r.raised} re-prioritised, {self.reclaimed} expired leases reclaimed"
        )


async def enqueue_once() -> EnqueueSummary:
    """Reclaim expired leases, then enqueue due companies (what cron runs every hour)."""
    settings = get_settings()
    async with open_db(settings) as mongo:
        reclaimed = await reclaim_expired(mongo.db)
        result = await enqueue_due(mongo.db, max_attempts=settings.max_attempts)
    return EnqueueSummary(reclaimed, result)


def enqueue_command() -> None:
    """Queue a scrape job for every company that is due (run it hourly from cron or a systemd timer)."""
    summary = run(enqueue_once())
    if not interactive():
        print(summary.line(), flush=True)
        return
    table = Table(title="scoutly enqueue", show_header=True)
    table.add_column("")
    table.add_column("companies", justify="right")
    r = summary.result
    for label, value in (
        ("new jobs queued", r.enqueued),
        ("already queued", r.already_queued),
        ("not due yet", r.not_due),
        ("priority raised (re-ranked)", r.raised),
        ("expired leases reclaimed", summary.reclaimed),
    ):
        table.add_row(label, str(value))
    console.print(table)
    if r.companies:
        shown = ", ".join(r.companies[:20]) + (f" … (+{len(r.companies) - 20})" if len(r.companies) > 20 else "")
        console.print(f"queued: {shown}", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.command("enqueue")(enqueue_command)
