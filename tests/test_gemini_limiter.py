"""The cross-process rate limiter in MongoDB: RPM/TPM/RPD windows, the Pacific-midnight reset, and 5 workers
(each with its own limiter and connection, as separate processes would be) never exceeding the budget."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from scoutly.analysis.gemini import GeminiGateway
from scoutly.analysis.limiter import DailyQuotaExhausted, RateLimiter, next_reset, quota_day
from scoutly.analysis.profile import Profile
from scoutly.analysis.prompts import Candidate, PostingRef, screen_prompt
from scoutly.analysis.schemas import ScreenAnswer
from scoutly.storage import connect
from scoutly.testing.fake_gemini import FakeClock, FakeGemini, gemini_settings

MODEL = "gemini-2.5-flash"


def test_quota_day_resets_at_midnight_pacific_across_dst():
    winter = datetime(2026, 1, 15, 7, 59, tzinfo=UTC)  # 23:59 PST
    assert quota_day(winter) == "2026-01-14" and quota_day(winter + timedelta(minutes=1)) == "2026-01-15"
    assert next_reset(winter) == datetime(2026, 1, 15, 8, 0, tzinfo=UTC)
    summer = datetime(2026, 7, 1, 6, 30, tzinfo=UTC)  # 23:30 PDT
    assert quota_day(summer) == "2026-06-30" and next_reset(summer) == datetime(2026, 7, 1, 7, 0, tzinfo=UTC)
    dst_day = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)  # the day clocks spring forward
    assert next_reset(dst_day) == datetime(2026, 3, 9, 7, 0, tzinfo=UTC)


async def test_rpm_full_waits_for_next_minute_without_inflating_the_day(db):
    clock = FakeClock()
    limiter = RateLimiter(db, gemini_settings(None, gemini_rpm=2), clock=clock.now, sleep=clock.sleep)
    grants = [await limiter.acquire(MODEL, 100) for _ in range(5)]
    assert [g.minute.minute for g in grants] == [0, 0, 1, 1, 2]
    assert len(clock.sleeps) == 2
    [row] = [r for r in await limiter.snapshot() if r["model"] == MODEL]
    assert row["requests_today"] == 5 and row["requests_this_minute"] == 1


async def test_tpm_budget_spreads_big_prompts(db):
    clock = FakeClock()
    limiter = RateLimiter(db, gemini_settings(None, gemini_tpm=10_000), clock=clock.now, sleep=clock.sleep)
    grants = [await limiter.acquire(MODEL, 4_000) for _ in range(3)]
    assert [g.minute.minute for g in grants] == [0, 0, 1]
    huge = await limiter.acquire(MODEL, 50_000)  # bigger than a whole minute: clipped, never waits forever
    assert huge.tokens == 10_000


async def test_rpd_spent_until_the_reset(db):
    clock = FakeClock()
    limiter = RateLimiter(db, gemini_settings(None, gemini_rpd=3, gemini_rpm=10), clock=clock.now, sleep=clock.sleep)
    for _ in range(3):
        await limiter.acquire(MODEL, 10)
    with pytest.raises(DailyQuotaExhausted) as caught:
        await limiter.acquire(MODEL, 10)
    assert caught.value.resets_at == datetime(2036, 7, 11, 7, 0, tzinfo=UTC)
    clock.current = caught.value.resets_at + timedelta(seconds=1)
    assert (await limiter.acquire(MODEL, 10)).day == "2036-07-11"


async def test_per_model_overrides(db):
    settings = gemini_settings(None, gemini_model_limits={"gemma-3-27b-it": {"rpm": 30, "rpd": 14400}})
    rows = {r["model"]: r for r in await RateLimiter(db, settings).snapshot()}
    assert rows.get("gemma-3-27b-it") is None  # not configured as a model: not listed
    settings = gemini_settings(
        None,
        gemini_fallback_models=["gemma-3-27b-it"],
        gemini_model_limits={"gemma-3-27b-it": {"rpm": 30, "rpd": 14400}},
    )
    rows = {r["model"]: r for r in await RateLimiter(db, settings).snapshot()}
    assert (rows["gemma-3-27b-it"]["rpm"], rows["gemma-3-27b-it"]["rpd"]) == (30, 14400)
    assert rows[MODEL]["rpm"] == 10 and rows[MODEL]["rpd"] == 20


async def test_five_workers_share_the_rpm_budget(db_uri, mongo):
    """Five workers, each with its own connection and limiter, 6 reservations each, RPM 4."""
    clock = FakeClock()
    settings = gemini_settings(None, gemini_rpm=4, gemini_rpd=1000)
    connections = [await connect(db_uri) for _ in range(5)]
    granted: list[datetime] = []

    async def worker(db):
        limiter = RateLimiter(db, settings, clock=clock.now, sleep=clock.sleep)
        for _ in range(6):
            reservation = await limiter.acquire(MODEL, 50)
            granted.append(reservation.minute)
            await asyncio.sleep(0)

    try:
        await asyncio.gather(*(worker(c.db) for c in connections))
    finally:
        for c in connections:
            await c.close()
    per_minute = Counter(granted)
    assert sum(per_minute.values()) == 30
    assert max(per_minute.values()) <= 4
    docs = [d async for d in mongo.db.gemini_budget.find({"window": "rpm"})]
    assert docs and max(d["requests"] for d in docs) <= 4


async def test_five_workers_through_the_sdk_never_exceed_rpm(db_uri, mongo):
    """The same with real requests: the fake server's log, bucketed by the shared clock, stays within RPM 3."""
    clock = FakeClock()
    prompt = screen_prompt(
        [(Candidate("C1", Profile(skills=["Python"])), ["P1"])], [PostingRef("P1", {"title": "Python Dev"})]
    )
    with FakeGemini() as fake:
        settings = gemini_settings(fake.base_url, gemini_rpm=3, gemini_rpd=1000)
        connections = [await connect(db_uri) for _ in range(5)]

        async def worker(db):
            gw = GeminiGateway(db, settings, clock=clock.now, sleep=clock.sleep)
            try:
                for _ in range(3):
                    await gw.generate(
                        stage="screen", models=[MODEL], prompt=prompt, schema=ScreenAnswer, users=["u"], company="c"
                    )
            finally:
                await gw.aclose()

        try:
            await asyncio.gather(*(worker(c.db) for c in connections))
        finally:
            for c in connections:
                await c.close()
        assert len(fake.requests) == 15
    minutes = Counter(
        [doc["at"].replace(second=0, microsecond=0) async for doc in mongo.db.gemini_calls.find({"outcome": "ok"})]
    )
    assert sum(minutes.values()) == 15 and max(minutes.values()) <= 3
