"""The one place Scoutly asks what time it is (timezone-aware UTC), so tests can pin it."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Current time, UTC, truncated to milliseconds (what BSON stores)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def as_utc(value: datetime | None) -> datetime | None:
    """BSON dates come back naive (UTC) unless tz_aware; make them aware."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
