"""Rank-driven cadence: rank → interval and band, deterministic jitter, the due rule, retry backoff.

Pure functions only (no I/O, no clock): callers pass `now`. A company's *effective rank* is the highest rank any
active user gave it; the rank picks an interval (81–100 daily … 1–10 every 5 days), stretched or shrunk by a
stable ±10% jitter derived from the company slug so companies seeded together do not all fall due together.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

MIN_RANK = 1
MAX_RANK = 100
JITTER = 0.10  # ± fraction of the interval


@dataclass(frozen=True)
class Band:
    """A rank band: ranks `low`..`high` (inclusive) are scraped every `days` days."""

    name: str
    low: int
    high: int
    days: int

    @property
    def interval(self) -> timedelta:
        return timedelta(days=self.days)

    @property
    def label(self) -> str:
        return f"{self.low}–{self.high}"


# Highest band first (the order status reports show them in).
BANDS: tuple[Band, ...] = (
    Band("daily", 81, 100, 1),
    Band("every 2 days", 61, 80, 2),
    Band("every 3 days", 31, 60, 3),
    Band("every 4 days", 11, 30, 4),
    Band("every 5 days", 1, 10, 5),
)


class RankError(ValueError):
    """A rank outside 1–100 (or not a whole number)."""


def validate_rank(rank: object) -> int:
    """Return `rank` as an int if it is a whole number in 1–100, else raise `RankError`."""
    if isinstance(rank, bool) or not isinstance(rank, int):
        raise RankError(f"rank must be a whole number from {MIN_RANK} to {MAX_RANK}, got {rank!r}")
    if not MIN_RANK <= rank <= MAX_RANK:
        raise RankError(f"rank must be from {MIN_RANK} to {MAX_RANK}, got {rank}")
    return rank


def band_for(rank: int) -> Band:
    """The band a (valid) rank falls in."""
    rank = validate_rank(rank)
    for band in BANDS:
        if band.low <= rank <= band.high:
            return band
    raise AssertionError(f"bands do not cover rank {rank}")  # pragma: no cover - BANDS cover 1..100


def interval_for(rank: int) -> timedelta:
    """Nominal scrape interval for a rank (before jitter)."""
    return band_for(rank).interval


def jitter_factor(slug: str) -> float:
    """A factor in [1 − JITTER, 1 + JITTER], the same for a slug in every process and on every machine."""
    digest = hashlib.blake2b(slug.encode("utf-8"), digest_size=8).digest()
    unit = int.from_bytes(digest, "big") / float(2**64 - 1)  # 0..1
    return 1.0 - JITTER + 2.0 * JITTER * unit


def jittered_interval(rank: int, slug: str) -> timedelta:
    """The company's actual interval: the band's interval scaled by the slug's jitter (whole seconds)."""
    seconds = interval_for(rank).total_seconds() * jitter_factor(slug)
    return timedelta(seconds=round(seconds))


def next_due(
    rank: int,
    slug: str,
    last_success_at: datetime | None,
    *,
    last_scraped_at: datetime | None = None,
    consecutive_failures: int = 0,
) -> datetime | None:
    """When the company falls due; None means "due now" (never scraped).

    Due when `now − last_success_at ≥ interval` (jittered). A company whose latest attempts failed is not
    retried every hour once its job is dead: it also waits one interval after its last attempt.
    """
    interval = jittered_interval(rank, slug)
    if last_success_at is None and last_scraped_at is None:
        return None
    candidates = []
    if last_success_at is not None:
        candidates.append(last_success_at + interval)
    if consecutive_failures > 0 and last_scraped_at is not None:
        candidates.append(last_scraped_at + interval)
    if not candidates:  # scraped (attempted) but no failure recorded and no success: treat as never succeeded
        return None
    return max(candidates)


def is_due(
    rank: int,
    slug: str,
    last_success_at: datetime | None,
    now: datetime,
    *,
    last_scraped_at: datetime | None = None,
    consecutive_failures: int = 0,
) -> bool:
    """True when the company should be scraped at `now` (ignoring whether it already has an active job)."""
    due = next_due(
        rank, slug, last_success_at, last_scraped_at=last_scraped_at, consecutive_failures=consecutive_failures
    )
    return due is None or now >= due


# --- retries -----------------------------------------------------------------------------------------------

RETRY_BASE = timedelta(minutes=5)
RETRY_CAP = timedelta(hours=6)
RETRY_JITTER = 0.2  # ± fraction; with doubling, each delay still exceeds the previous one


def retry_delay(attempts: int, unit: float, *, base: timedelta = RETRY_BASE, cap: timedelta = RETRY_CAP) -> timedelta:
    """Backoff before retry number `attempts` + 1: base·2^(attempts−1), ±20% jitter, capped.

    `unit` is a random number in [0, 1) supplied by the caller (keeps this function pure and testable).
    """
    if attempts < 1:
        raise ValueError(f"attempts must be >= 1, got {attempts}")
    if not 0.0 <= unit <= 1.0:
        raise ValueError(f"unit must be in [0, 1], got {unit}")
    exponent = min(attempts - 1, 30)  # avoid overflow; the cap applies long before
    nominal = min(base.total_seconds() * (2**exponent), cap.total_seconds())
    factor = 1.0 - RETRY_JITTER + 2.0 * RETRY_JITTER * unit
    return timedelta(seconds=round(min(nominal * factor, cap.total_seconds()), 3))
