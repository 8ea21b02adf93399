"""Helpers shared by CLI commands: running coroutines, opening the database, consoles."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from rich.console import Console

if TYPE_CHECKING:  # imported where used, so `scoutly <command> --help` does not load PyMongo
    from scoutly.config import Settings
    from scoutly.storage import Mongo

T = TypeVar("T")

console = Console()
err_console = Console(stderr=True)


def wide_console() -> Console:
    """A console as wide as the longest line: table rows are never cut or folded (a terminal soft-wraps them),
    so a long URL stays one copyable piece of text."""
    return Console(width=10_000, soft_wrap=True)


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from a synchronous Typer command."""
    return asyncio.run(coro)


def interactive() -> bool:
    """True when stdout is a terminal (rich output); False under cron/systemd (plain lines)."""
    return sys.stdout.isatty()


def memory_warning(uri: str) -> str | None:
    """What to tell a user whose MONGODB_URI is the in-memory double: it holds data for one process only."""
    if not uri.startswith("mongomock://"):
        return None
    return (
        f"warning: MONGODB_URI={uri} is in memory: data lasts for this one command only (it is meant for "
        "`scoutly try`). To keep data, run MongoDB (`docker compose up -d mongodb`) and set "
        "MONGODB_URI=mongodb://localhost:27017/scoutly."
    )


def warn_if_in_memory(uri: str) -> None:
    """Print `memory_warning` on a terminal (a person can act on it; in-process test runs share the double)."""
    warning = memory_warning(uri)
    if warning is not None and err_console.is_terminal:
        err_console.print(f"scoutly: {warning}", style="yellow", markup=False, highlight=False)


@asynccontextmanager
async def open_db(settings: Settings | None = None, *, in_memory_ok: bool = False) -> AsyncIterator[Mongo]:
    """Connect to the configured MongoDB for the duration of a command, failing fast with
    `DatabaseUnavailable` after `SCOUTLY_MONGODB_TIMEOUT_MS`. Warns about a `mongomock://` URI unless the command
    is meant for one (`in_memory_ok`)."""
    from scoutly.config import get_settings
    from scoutly.storage import connect

    settings = settings or get_settings()
    if not in_memory_ok:
        warn_if_in_memory(settings.mongodb_uri)
    mongo = await connect(settings.mongodb_uri, timeout_ms=settings.mongodb_timeout_ms)
    try:
        yield mongo
    finally:
        await mongo.close()
