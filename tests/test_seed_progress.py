"""Seeding progress on a terminal: rows checked, then rows written, updated every STEP rows (cheap for big files)."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from scoutly.cli.seed import TerminalProgress
from scoutly.seeding import seed_files


async def test_terminal_progress_follows_both_passes(db, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(TerminalProgress, "STEP", 10)
    path = tmp_path / "companies.csv"
    path.write_text("slug,name,careers_url\n" + "".join(f"c{n},C{n},https://c{n}.example\n" for n in range(35)))
    screen = Console(file=io.StringIO(), force_terminal=True, width=80)
    with Progress(console=screen, auto_refresh=False) as bar:
        progress = TerminalProgress(bar)
        await seed_files(db, companies=path, progress=progress)
        progress.start("done", None)  # flushes the last rows of the writing pass
        tasks = {task.description: task for task in bar.tasks}
    assert tasks["checking companies"].completed == 35 and tasks["checking companies"].total is None
    assert tasks["writing companies"].completed == 35 and tasks["writing companies"].total == 35
    assert not tasks["checking companies"].visible  # one bar at a time
