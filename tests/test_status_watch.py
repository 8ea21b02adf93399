"""`status --watch`: the terminal's alternate screen, fitted to its height (low-value sections dropped first),
a clock with seconds, nothing left in the scrollback."""

from __future__ import annotations

import io
import re
from pathlib import Path

from rich.console import Console

import scoutly.cli.status as status
from scoutly.config import load_settings
from scoutly.ops.status import gather_status
from scoutly.seeding import seed_files

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ALT_SCREEN_ON, ALT_SCREEN_OFF = "\x1b[?1049h", "\x1b[?1049l"


async def sections_of(db) -> list:
    await seed_files(db, companies=EXAMPLES / "companies.csv", users=EXAMPLES / "users.csv")
    report = await gather_status(db, settings=load_settings())
    sections = status.Sections()
    status.render(report, sections)
    return sections.items


def lines_of(group, width: int, height: int) -> list[str]:
    screen = Console(width=width, height=height, record=True, file=io.StringIO(), color_system=None)
    screen.print(group)
    return screen.export_text().splitlines()


async def test_a_short_terminal_drops_low_value_sections_first(db) -> None:
    items = await sections_of(db)
    screen = Console(width=80, height=24, file=io.StringIO())
    lines = lines_of(status.fit_height(items, screen, 24), 80, 24)
    text = "\n".join(lines)
    assert len(lines) <= 24
    assert re.search(r"Scoutly status at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", text)  # seconds in the clock
    assert "Needs attention" in text or "Nothing needs attention" in text  # never dropped
    assert "Tracked companies per rank band" not in text and "Hidden to fit the window: rank bands" in text


async def test_a_tall_terminal_shows_every_section(db) -> None:
    items = await sections_of(db)
    screen = Console(width=150, height=200, file=io.StringIO())
    text = "\n".join(lines_of(status.fit_height(items, screen, 200), 150, 200))
    assert "Tracked companies per rank band" in text and "Processors" in text and "Hidden" not in text


async def test_watch_uses_the_alternate_screen_and_leaves_nothing_behind(db, monkeypatch) -> None:
    await seed_files(db, companies=EXAMPLES / "companies.csv")
    report = await gather_status(db)
    out = io.StringIO()
    terminal = Console(file=out, force_terminal=True, width=80, height=24, color_system=None)
    monkeypatch.setattr(status, "console", terminal)
    monkeypatch.setattr(status.time, "sleep", lambda seconds: None)
    calls = []

    def gather():
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt  # Ctrl-C during the third refresh
        return report

    assert status.watch_screen(gather, 5) is report
    written = out.getvalue()
    assert written.count(ALT_SCREEN_ON) == 1 and written.count(ALT_SCREEN_OFF) == 1
    assert written.index(ALT_SCREEN_ON) < written.index("Scoutly status") < written.index(ALT_SCREEN_OFF)
    after = written.split(ALT_SCREEN_OFF, 1)[1]
    assert "Scoutly status" not in after  # no copy left in the scrollback
    assert "refreshing every 5 s — Ctrl-C to stop" in written
