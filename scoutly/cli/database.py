"""Opening the database for foundation commands with the configured timeout (`SCOUTLY_MONGODB_TIMEOUT_MS`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from scoutly.config import Settings, get_settings
from scoutly.storage import Mongo, connect


@asynccontextmanager
async def database(settings: Settings | None = None) -> AsyncIterator[Mongo]:
    """Connect (failing fast with `DatabaseUnavailable` after the configured timeout) for one command."""
    settings = settings or get_settings()
    mongo = await connect(settings.mongodb_uri, timeout_ms=settings.mongodb_timeout_ms)
    try:
        yield mongo
    finally:
        await mongo.close()
