"""The one place Scoutly asks what time it is (timezone-aware UTC), so tests can pin it.

`utcnow()` is the wall clock for everything that has no `Clock`; the processor takes a `Clock` (wall time, a
monotonic reading and sleeping), so tests can run it in virtual time instead of sleeping for real.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Protocol


def utcnow() -> datetime:
    """Current time, UTC, truncated to milliseconds (what BSON stores)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def as_utc(value: datetime | None) -> datetime | None:
    """BSON dates come back naive (UTC) unless tz_aware; make them aware."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class Clock(Protocol):
    """Time as the processor sees it."""

    def now(self) -> datetime:
        """Wall time, UTC, millisecond precision (stored in documents, compared with leases)."""

    def monotonic(self) -> float:
        """Seconds from an arbitrary origin, never going back (durations, deadlines)."""

    async def sleep(self, seconds: float) -> None:
        """Wait this long."""


class SystemClock:
    """The real clock: the system's wall and monotonic time, asyncio's sleep."""

    def now(self) -> datetime:
        return utcnow()

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


SYSTEM_CLOCK = SystemClock()
