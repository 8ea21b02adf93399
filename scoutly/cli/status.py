"""`scoutly status`: queue counts, the next companies to fall due, companies per rank band (`--json` too)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from scoutly.cli.common import console, open_db, run
from scoutly.processor.durations import format_duration

if TYPE_CHECKING:  # the gathering side loads PyMongo and settings: imported in status_command, not for --help
    from scoutly.ops.health import Operations
    from scoutly.ops.status import StatusReport


def _when(value: datetime | None, now: datetime) -> str:
    if value is None or value <= now:
        return "now"
    delta = value - now
    hours = delta.total_seconds() / 3600
    relative = f"in {hours:.1f} h" if hours < 48 else f"in {hours / 24:.1f} days"
    return f"{value:%Y-%m-%d %H:%M} UTC ({relative})"


def render(report: StatusReport, out: Console | Sections | None = None) -> None:
    """The rich view of a status report (to the terminal, or collected by `Sections` for --watch)."""
    out = out or console
    now = report.generated_at
    out.print(
        f"[bold]Scoutly status[/bold] at {now:%Y-%m-%d %H:%M:%S} UTC — {report.companies} companies, "
        f"{report.users} users, {report.trackings} trackings; {report.tracked_companies} tracked, "
        f"{report.due_now} due now"
    )
    queue = Table(title="Queue", show_header=True)
    for status in report.queue:
        queue.add_column(status, justify="right")
    queue.add_row(*(str(count) for count in report.queue.values()))
    out.print(queue)

    upcoming = Table(title="Next to fall due (not queued yet)", show_header=True)
    for column in ("company", "rank", "band", "due", "last success"):
        upcoming.add_column(column, justify="right" if column == "rank" else "left")
    for entry in report.next_due:
        last = f"{entry.last_success_at:%Y-%m-%d %H:%M}" if entry.last_success_at else "never"
        upcoming.add_row(entry.slug, str(entry.rank), entry.band, _when(entry.due_at, now), last)
    if not report.next_due:
        upcoming.add_row("—", "", "", "every tracked company is queued" if report.tracked_companies else "", "")
    out.print(upcoming)

    bands = Table(title="Tracked companies per rank band", show_header=True)
    for column in ("ranks", "cadence", "companies"):
        bands.add_column(column, justify="right" if column == "companies" else "left")
    for band in report.bands:
        bands.add_row(band.ranks, band.band, str(band.companies))
    out.print(bands)
    if report.operations is not None:
        render_operations(report.operations, now, out)


def _ago(seconds: float | None) -> str:
    return "–" if seconds is None else f"{format_duration(seconds)} ago"


def render_operations(ops: Operations, now: datetime, out: Console | Sections | None = None) -> None:
    """The operational sections: in flight, due in 24 h, failing, dead, companies, Gemini, matches, processors."""
    out = out or console
    table = Table(title="In flight", show_header=True)
    for column in ("company", "owner", "attempt", "running", "last heartbeat", "lease"):
        table.add_column(column)
    for job in ops.in_flight:
        lease = "[red]expired[/red]" if job.lease_expired else _when(job.lease_until, now)
        running = format_duration(job.running_seconds) if job.running_seconds is not None else "–"
        table.add_row(job.company, job.owner or "–", str(job.attempts), running, _ago(job.heartbeat_age_seconds),
                      lease)
    if not ops.in_flight:
        table.add_row("—", "", "", "", "", "")
    out.print(table)

    due = Table(title=f"Due in the next 24 h ({len(ops.due_24h)} shown)", show_header=True)
    for column in ("company", "rank", "due"):
        due.add_column(column)
    for entry in ops.due_24h:
        due.add_row(entry.slug, str(entry.rank), _when(entry.due_at, now))
    out.print(due)

    for title, jobs in (("Failing (awaiting retry)", ops.failing), (f"Dead jobs ({ops.dead_total})", ops.dead)):
        if not jobs:
            continue
        problems = Table(title=title, show_header=True)
        for column in ("company", "job", "attempts", "next retry" if jobs is ops.failing else "died", "last error"):
            problems.add_column(column)
        for problem in jobs:
            when = _when(problem.next_retry_at if jobs is ops.failing else problem.finished_at, now)
            problems.add_row(problem.company, problem.job, f"{problem.attempts}/{problem.max_attempts}", when,
                             escape((problem.last_error or "")[:100]))
        out.print(problems)

    companies = Table(title="Companies (least recently successful first)", show_header=True)
    for column in ("company", "last success", "strategy", "failures in a row"):
        companies.add_column(column)
    for company in ops.companies:
        last = f"{company.last_success_at:%Y-%m-%d %H:%M}" if company.last_success_at else "never"
        companies.add_row(company.slug, last, company.strategy or "–", str(company.consecutive_failures))
    out.print(companies)

    if ops.gemini:
        gemini = Table(title=f"Gemini today ({ops.gemini_parked} analyses parked)", show_header=True)
        for column in ("model", "requests today", "this minute", "tokens today", "resets"):
            gemini.add_column(column)
        for model in ops.gemini:
            used = f"{model.requests_today}/{model.rpd}" + (" [red]exhausted[/red]" if model.exhausted else "")
            gemini.add_row(model.model, used, f"{model.requests_this_minute}/{model.rpm}", str(model.tokens_today),
                           _when(model.resets_at, now))
        out.print(gemini)

    matches = Table(title="New matches per user", show_header=True)
    for column in ("user", "new", "not yet announced"):
        matches.add_column(column)
    for user in ops.matches:
        matches.add_row(user.user, str(user.new), str(user.unannounced))
    if not ops.matches:
        matches.add_row("—", "", "")
    out.print(matches)

    processors = Table(title="Processors (seen in 24 h)", show_header=True)
    for column in ("worker", "host", "state", "heartbeat", "in flight"):
        processors.add_column(column)
    for proc in ops.processors:
        state = "[green]alive[/green]" if proc.alive else ("stopped" if proc.stopped_at else "[red]silent[/red]")
        processors.add_row(proc.worker, proc.host or "–", state, _ago(proc.heartbeat_age_seconds),
                           ", ".join(proc.in_flight) or "–")
    if not ops.processors:
        processors.add_row("—", "", "[red]none[/red]", "", "")
    out.print(processors)

    if ops.attention:
        out.print("[bold red]Needs attention:[/bold red]")
        for item in ops.attention:
            out.print(f"  • {item}")
    else:
        out.print("[green]Nothing needs attention.[/green]")


# Sections --watch leaves out first when the terminal is too short for all of them: the least urgent first. Needs
# attention, failing and dead jobs are never dropped.
DROP_FIRST = (  # (title prefix, short name for the "hidden" line)
    ("Tracked companies per rank band", "rank bands"),
    ("Companies (least recently successful first)", "companies"),
    ("Due in the next 24 h", "due in 24 h"),
    ("Next to fall due", "next due"),
    ("New matches per user", "matches"),
    ("Gemini today", "Gemini"),
    ("Processors", "processors"),
    ("Queue", "queue"),
    ("In flight", "in flight"),
)


class Sections:
    """Collects what `render` prints, one renderable per section, for the watch screen to fit."""

    def __init__(self) -> None:
        self.items: list[RenderableType] = []

    def print(self, item: RenderableType = "", *args: Any, **kwargs: Any) -> None:
        self.items.append(Text.from_markup(item) if isinstance(item, str) else item)


def _title(item: RenderableType) -> str:
    title = getattr(item, "title", None)
    return title if isinstance(title, str) else ""


def fit_height(items: list[RenderableType], screen: Console, height: int) -> Group:
    """The sections that fit `height` lines, dropping whole low-value sections (DROP_FIRST order) until they do;
    a last dim line says what was hidden."""
    options = screen.options.update(height=None)

    def lines(item: RenderableType) -> int:
        return len(screen.render_lines(item, options, pad=False))

    heights = [lines(item) for item in items]
    keep = list(range(len(items)))
    hidden: list[str] = []

    def note() -> Text:
        return Text(f"Hidden to fit the window: {', '.join(hidden)}.", style="dim")

    for prefix, short in DROP_FIRST:
        if sum(heights[i] for i in keep) + (lines(note()) if hidden else 0) <= height:
            break
        matching = [i for i in keep if _title(items[i]).startswith(prefix)]
        if matching:
            keep = [i for i in keep if i not in matching]
            hidden.append(short)
    shown: list[RenderableType] = [items[i] for i in keep]
    if hidden:
        shown.append(note())
    return Group(*shown)


def watch_screen(gather: Callable[[], StatusReport], interval: float) -> StatusReport | None:
    """`status --watch` on a terminal: the terminal's alternate screen (nothing left in the scrollback), redrawn
    every `interval` seconds to fit its height, until Ctrl-C."""
    from rich.live import Live

    report = None
    with Live(console=console, screen=True, auto_refresh=False, vertical_overflow="crop") as live:
        try:
            while True:
                report = gather()
                sections = Sections()
                render(report, sections)
                sections.items.insert(1, Text(f"refreshing every {interval:g} s — Ctrl-C to stop", style="dim"))
                live.update(fit_height(sections.items, console, console.size.height), refresh=True)
                time.sleep(interval)
        except KeyboardInterrupt:
            pass
    return report


def status_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the same data as JSON (for scripts).")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500, help="How many upcoming companies.")] = 10,
    watch: Annotated[bool, typer.Option("--watch", help="Refresh in place until Ctrl-C.")] = False,
    interval: Annotated[float, typer.Option("--interval", min=1, help="Seconds between --watch refreshes.")] = 5,
) -> None:
    """Show the queue, what is in flight and due, failures, Gemini budget, matches and processors.

    Exits 1 when something needs a human (dead jobs, no processor alive while jobs wait, Gemini budget
    exhausted), so cron can mail it.
    """
    from scoutly.config import get_settings
    from scoutly.ops.status import gather_status

    settings = get_settings()

    async def go() -> StatusReport:
        async with open_db(settings) as mongo:
            return await gather_status(mongo.db, limit=limit, settings=settings)

    if watch and not as_json and console.is_terminal:
        report = watch_screen(lambda: run(go()), interval)
    else:
        while True:
            report = run(go())
            if as_json:
                print(report.model_dump_json(indent=2))
            else:
                render(report)
            if not watch:
                break
            try:
                time.sleep(interval)
            except KeyboardInterrupt:
                break
    if report is not None and report.operations is not None and report.operations.attention:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("status")(status_command)
