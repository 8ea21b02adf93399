"""The cross-process rate limiter in MongoDB: RPM/TPM/RPD windows, the Pacific-midnight reset, and 5 workers
(each with its own limiter and connection, as separate processes would be) never exceeding the budget."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from helpers import interleave
from pymongo.errors import DuplicateKeyError

from scoutly.analysis.gemini import GeminiGateway
from scoutly.analysis.limiter import DailyQuotaExhausted, RateLimiter, _ids, minute_start, next_reset, quota_day
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


async def five_workers(db_uri, mongo) -> tuple[Counter, int]:
    """Five workers, each with its own connection and limiter, 6 reservations each, RPM 4: reservations granted
    per minute, and the highest minute counter stored."""
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
    docs = [d async for d in mongo.db.gemini_budget.find({"window": "rpm"})]
    assert docs
    return Counter(granted), max(d["requests"] for d in docs)


async def test_five_workers_share_the_rpm_budget(db_uri, mongo):
    per_minute, highest_counter = await five_workers(db_uri, mongo)
    assert sum(per_minute.values()) == 30
    assert max(per_minute.values()) <= 4
    assert highest_counter <= 4


async def naive_take(self, doc_id, field, amount, limit, fields, **extra) -> bool:
    """A WRONG reservation, for the self-check below: read the counter, then add to it in a second round trip."""
    doc = await self.collection.find_one({"_id": doc_id})
    if doc is not None and (doc.get(field, 0) + amount > limit or doc.get("exhausted")):
        return False
    await self.collection.update_one({"_id": doc_id}, {"$inc": {field: amount}, "$setOnInsert": fields}, upsert=True)
    return True


async def test_self_check_naive_read_then_write_reservations_overspend_on_the_double(db_uri, mongo, monkeypatch):
    """The test above can fail: on the double, which yields before every operation as a server round trip does,
    five workers that read the minute counter before any of them adds to it all get through."""
    interleave.require_double(mongo.db.gemini_budget)
    monkeypatch.setattr(RateLimiter, "_take", naive_take)
    per_minute, highest_counter = await five_workers(db_uri, mongo)
    assert max(per_minute.values()) > 4 and highest_counter > 4


def rival_counter(doc_id: str, requests: int):
    """Another process's first reservation of a window: it inserts the counter (synchronously, inside our upsert)."""
    return lambda raw: raw.insert_one({"_id": doc_id, "requests": requests, "window": "rpd", "model": MODEL})


async def test_two_first_users_of_a_window_both_get_their_reservation(db):
    """Another process inserts the day's counter between our upsert's (empty) match and its insert: we get
    E11000, and the conditional update without upsert still grants us the request, counted exactly."""
    clock = FakeClock()
    limiter = RateLimiter(db, gemini_settings(None, gemini_rpd=3), clock=clock.now, sleep=clock.sleep)
    day_id = _ids(MODEL, quota_day(clock.now()), minute_start(clock.now()))[0]
    with interleave.inside_upsert(db.gemini_budget, rival_counter(day_id, 1)) as injected:
        await limiter.acquire(MODEL, 10)
    assert injected.fired
    assert (await db.gemini_budget.find_one({"_id": day_id}))["requests"] == 2


async def test_a_rival_filling_the_window_inside_our_upsert_is_not_overspent(db):
    clock = FakeClock()
    limiter = RateLimiter(db, gemini_settings(None, gemini_rpd=3), clock=clock.now, sleep=clock.sleep)
    day_id = _ids(MODEL, quota_day(clock.now()), minute_start(clock.now()))[0]
    with (
        interleave.inside_upsert(db.gemini_budget, rival_counter(day_id, 3)) as injected,
        pytest.raises(DailyQuotaExhausted),
    ):
        await limiter.acquire(MODEL, 10)
    assert injected.fired
    assert (await db.gemini_budget.find_one({"_id": day_id}))["requests"] == 3


async def test_self_check_without_the_retry_a_first_users_race_wrongly_refuses(db, monkeypatch):
    """The E11000 test above can fail: a limiter that takes every duplicate key for "full" refuses a request the
    day still has room for."""
    real_take = RateLimiter._take

    async def take_without_retry(self, doc_id, field, amount, limit, fields, **extra) -> bool:
        query = {"_id": doc_id, field: {"$lte": limit - amount}, **extra}
        try:
            await self.collection.find_one_and_update(
                query, {"$inc": {field: amount}, "$setOnInsert": fields}, upsert=True
            )
        except DuplicateKeyError:
            return False
        return True

    clock = FakeClock()
    limiter = RateLimiter(db, gemini_settings(None, gemini_rpd=3), clock=clock.now, sleep=clock.sleep)
    day_id = _ids(MODEL, quota_day(clock.now()), minute_start(clock.now()))[0]
    monkeypatch.setattr(RateLimiter, "_take", take_without_retry)
    with interleave.inside_upsert(db.gemini_budget, rival_counter(day_id, 1)), pytest.raises(DailyQuotaExhausted):
        await limiter.acquire(MODEL, 10)
    monkeypatch.setattr(RateLimiter, "_take", real_take)


async def test_a_reservation_landing_between_our_day_and_minute_reservations(db):
    """A rival takes the minute's last request right between our day reservation and our minute reservation: we
    give the day's request back and wait for the next minute; no minute is overspent, the day counts exactly."""
    clock = FakeClock()
    settings = gemini_settings(None, gemini_rpm=2, gemini_rpd=100)
    ours = RateLimiter(db, settings, clock=clock.now, sleep=clock.sleep)
    rival = RateLimiter(db, settings, clock=clock.now, sleep=clock.sleep)
    first = await ours.acquire(MODEL, 10)
    rival_grants = []

    async def competing() -> None:
        rival_grants.append(await rival.acquire(MODEL, 10))

    with interleave.before(db.gemini_budget, "find_one_and_update", competing, nth=2) as injected:
        second = await ours.acquire(MODEL, 10)
    assert injected.fired
    assert rival_grants[0].minute == first.minute and second.minute == first.minute + timedelta(minutes=1)
    counters = {d["_id"]: d async for d in db.gemini_budget.find({})}
    day_id, rpm_id, _ = _ids(MODEL, first.day, first.minute)
    assert counters[day_id]["requests"] == 3 and counters[rpm_id]["requests"] == 2


async def test_a_minute_ending_during_the_reservation_reserves_again_in_the_new_one(db):
    """Between our minute and token reservations the clock passes into the next minute (another coroutine's wait
    ended): the request would be sent, uncounted, in the new minute. It is reserved again there instead."""
    clock = FakeClock()
    limiter = RateLimiter(db, gemini_settings(None, gemini_rpm=2, gemini_rpd=100), clock=clock.now, sleep=clock.sleep)
    old_minute = minute_start(clock.now())

    async def minute_passes() -> None:
        clock.current += timedelta(minutes=1)

    with interleave.before(db.gemini_budget, "find_one_and_update", minute_passes, nth=3) as injected:
        reservation = await limiter.acquire(MODEL, 10)
    assert injected.fired
    assert reservation.minute == old_minute + timedelta(minutes=1) == minute_start(clock.now())
    counters = {d["_id"]: d async for d in db.gemini_budget.find({})}
    day_id, old_rpm, old_tpm = _ids(MODEL, reservation.day, old_minute)
    _, new_rpm, new_tpm = _ids(MODEL, reservation.day, reservation.minute)
    assert counters[day_id]["requests"] == 1
    assert (counters[old_rpm]["requests"], counters[old_tpm]["tokens"]) == (0, 0)
    assert (counters[new_rpm]["requests"], counters[new_tpm]["tokens"]) == (1, 10)


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
