"""Scheduling rules: rank → interval, band edges, stable jitter, the due rule, retry backoff (property tests)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoutly import scheduling
from scoutly.scheduling import RankError

ranks = st.integers(min_value=1, max_value=100)
slugs = st.from_regex(r"[a-z0-9][a-z0-9-]{0,30}", fullmatch=True)
times = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC))
offsets = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=10))

EXPECTED_DAYS = [(81, 100, 1), (61, 80, 2), (31, 60, 3), (11, 30, 4), (1, 10, 5)]


def expected_days(rank: int) -> int:
    return next(days for low, high, days in EXPECTED_DAYS if low <= rank <= high)


@given(ranks)
def test_interval_matches_the_bands(rank: int) -> None:
    assert scheduling.interval_for(rank) == timedelta(days=expected_days(rank))


@pytest.mark.parametrize(("low", "high", "days"), EXPECTED_DAYS)
def test_band_edges(low: int, high: int, days: int) -> None:
    assert scheduling.band_for(low).days == days
    assert scheduling.band_for(high).days == days
    if low > 1:
        assert scheduling.band_for(low - 1).days == days + 1
    if high < 100:
        assert scheduling.band_for(high + 1).days == days - 1


def test_bands_cover_1_to_100_without_overlap() -> None:
    covered = sorted(rank for band in scheduling.BANDS for rank in range(band.low, band.high + 1))
    assert covered == list(range(1, 101))


@given(st.one_of(st.integers(max_value=0), st.integers(min_value=101)))
def test_ranks_outside_1_to_100_are_rejected(rank: int) -> None:
    with pytest.raises(RankError):
        scheduling.validate_rank(rank)
    with pytest.raises(RankError):
        scheduling.interval_for(rank)


@pytest.mark.parametrize("value", [50.5, "50", None, True])
def test_non_integer_ranks_are_rejected(value: object) -> None:
    with pytest.raises(RankError):
        scheduling.validate_rank(value)


@given(slugs)
def test_jitter_within_ten_percent(slug: str) -> None:
    factor = scheduling.jitter_factor(slug)
    assert 0.9 <= factor <= 1.1
    assert scheduling.jitter_factor(slug) == factor


@given(ranks, slugs)
def test_jittered_interval_bounds(rank: int, slug: str) -> None:
    nominal = scheduling.interval_for(rank)
    actual = scheduling.jittered_interval(rank, slug)
    assert nominal * 0.9 - timedelta(seconds=1) <= actual <= nominal * 1.1 + timedelta(seconds=1)


def test_jitter_spreads_companies_and_is_stable_across_processes() -> None:
    factors = [scheduling.jitter_factor(f"company-{i}") for i in range(200)]
    assert len({round(f, 4) for f in factors}) > 150  # not all the same
    assert min(factors) < 0.95 and max(factors) > 1.05  # spread over the whole ±10%
    code = "from scoutly.scheduling import jitter_factor; print(repr(jitter_factor('stripe')))"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert float(other.stdout) == scheduling.jitter_factor("stripe")  # not Python's salted hash()


@given(ranks, slugs, times)
def test_never_scraped_is_due_now(rank: int, slug: str, now: datetime) -> None:
    assert scheduling.next_due(rank, slug, None) is None
    assert scheduling.is_due(rank, slug, None, now)


@given(ranks, slugs, times, offsets)
def test_due_rule(rank: int, slug: str, last_success: datetime, elapsed: timedelta) -> None:
    now = last_success + elapsed
    interval = scheduling.jittered_interval(rank, slug)
    assert scheduling.is_due(rank, slug, last_success, now) == (elapsed >= interval)


@given(ranks, slugs, times)
def test_due_never_before_90_percent_and_always_after_110_percent(rank: int, slug: str, last: datetime) -> None:
    nominal = scheduling.interval_for(rank)
    assert not scheduling.is_due(rank, slug, last, last + nominal * 0.9 - timedelta(seconds=2))
    assert scheduling.is_due(rank, slug, last, last + nominal * 1.1 + timedelta(seconds=2))


@given(ranks, slugs, times, st.integers(min_value=1, max_value=50), offsets)
def test_failing_company_waits_an_interval_after_its_last_attempt(
    rank: int, slug: str, last_success: datetime, failures: int, gap: timedelta
) -> None:
    last_attempt = last_success + gap
    due = scheduling.next_due(rank, slug, last_success, last_scraped_at=last_attempt, consecutive_failures=failures)
    assert due == last_attempt + scheduling.jittered_interval(rank, slug)
    never_ok = scheduling.next_due(rank, slug, None, last_scraped_at=last_attempt, consecutive_failures=failures)
    assert never_ok == last_attempt + scheduling.jittered_interval(rank, slug)


@given(st.integers(min_value=1, max_value=5), st.floats(0, 1), st.floats(0, 1))
def test_backoff_grows_until_the_cap(attempts: int, unit_a: float, unit_b: float) -> None:
    first = scheduling.retry_delay(attempts, unit_a)
    second = scheduling.retry_delay(attempts + 1, unit_b)
    assert second > first
    assert first >= scheduling.RETRY_BASE * 0.8


@given(st.integers(min_value=1, max_value=10_000), st.floats(0, 1))
def test_backoff_is_capped(attempts: int, unit: float) -> None:
    assert timedelta(0) < scheduling.retry_delay(attempts, unit) <= scheduling.RETRY_CAP
