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


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from a synchronous Typer command."""
    return asyncio.run(coro)


def interactive() -> bool:
    """True when stdout is a terminal (rich output); False under cron/systemd (plain lines)."""
    return sys.stdout.isatty()


@asynccontextmanager
async def open_db(settings: Settings | None = None) -> AsyncIterator[Mongo]:
    """Connect to the configured MongoDB for the duration of a command, failing fast with
    `DatabaseUnavailable` after `SCOUTLY_MONGODB_TIMEOUT_MS`."""
    from scoutly.config import get_settings
    from scoutly.storage import connect

    settings = settings or get_settings()
    mongo = await connect(settings.mongodb_uri, timeout_ms=settings.mongodb_timeout_ms)
    try:
        yield mongo
    finally:
        await mongo.close()
