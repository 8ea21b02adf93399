"""The progress display: a Rich Live table in a terminal (in-flight companies with stage and elapsed time,
done/failed counts). Without a TTY nothing is drawn and the log lines tell the story."""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from scoutly.processor.durations import format_duration
from scoutly.processor.state import ProcessorState


def render(state: ProcessorState) -> Group:
    """The display as a Rich renderable (also used by tests)."""
    report = state.report
    header = Text.assemble(
        ("scoutly process ", "bold"),
        f"{report.worker_id} · {report.mode} · ",
        (f"{len(state.in_flight)}/{state.concurrency} in flight", "cyan"),
        " · ",
        (f"{report.succeeded} done", "green"),
        ", ",
        (f"{report.partial} partial", "yellow"),
        ", ",
        (f"{report.failed} failed", "red"),
        f", {report.released} released",
    )
    if state.stopping:
        header.append(f" · stopping ({state.stopping})", style="bold yellow")
    if state.db_down_since is not None:
        header.append(" · MongoDB unreachable, waiting", style="bold red")
    table = Table(show_header=True, header_style="bold", expand=False, box=None)
    table.add_column("company")
    table.add_column("stage")
    table.add_column("elapsed", justify="right")
    table.add_column("attempt", justify="right")
    for item in sorted(state.in_flight.values(), key=lambda i: -i.elapsed()):
        table.add_row(item.company, item.stage, format_duration(item.elapsed()), str(item.job.attempts))
    if not state.in_flight:
        table.add_row(Text("(idle)", style="dim"), "", "", "")
    return Group(header, table)


def progress_display(state: ProcessorState, enabled: bool | None) -> AbstractContextManager[Any]:
    """A Live display on stderr when `enabled` (None: only when stderr is a terminal)."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return nullcontext()
    console = Console(stderr=True)
    return Live(
        get_renderable=lambda: render(state),
        console=console,
        refresh_per_second=2,
        transient=True,
        redirect_stderr=True,
        redirect_stdout=True,
    )
