"""The Gemini day is spent only by requests that reached Google (issue 11), and two processes creating the same
counter at once do not make one of them believe the day is spent."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from pymongo.errors import DuplicateKeyError

from scoutly.analysis.gemini import GeminiFailure, GeminiGateway
from scoutly.analysis.limiter import DailyQuotaExhausted, RateLimiter
from scoutly.analysis.profile import Profile
from scoutly.analysis.prompts import Candidate, PostingRef, screen_prompt
from scoutly.analysis.schemas import ScreenAnswer
from scoutly.testing.fake_gemini import FakeClock, gemini_settings

MODEL = "gemini-2.5-flash"
PROMPT = screen_prompt(
    [(Candidate("C1", Profile(skills=["Python"])), ["P1"])], [PostingRef("P1", {"title": "Python Engineer"})]
)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_an_outage_spends_none_of_the_day(db):
    clock = FakeClock()
    settings = gemini_settings(
        f"http://127.0.0.1:{closed_port()}", gemini_rpd=3, gemini_max_retries=4, gemini_timeout_seconds=2
    )
    gateway = GeminiGateway(db, settings, clock=clock.now, sleep=clock.sleep)
    try:
        for _ in range(3):  # 12 failed connections in all, four times the day's budget
            with pytest.raises(GeminiFailure) as caught:
                await gateway.generate(
                    stage="screen", models=[MODEL], prompt=PROMPT, schema=ScreenAnswer, users=["u"], company="c"
                )
            assert caught.value.park is True and "unavailable" in caught.value.reason
    finally:
        await gateway.aclose()
    [row] = [r for r in await gateway.limiter.snapshot() if r["model"] == MODEL]
    assert row["requests_today"] == 0 and row["requests_this_minute"] == 0 and row["tokens_this_minute"] == 0
    assert not row["exhausted"]
    outcomes = [doc["outcome"] async for doc in db.gemini_calls.find()]
    assert outcomes == ["network"] * 12  # each attempt is still on the record


class _RacingCollection:
    """The budget collection as a second process sees it racing us: the first time a counter is upserted, the
    other process inserts it between our match and our insert, and the server answers our upsert with E11000."""

    def __init__(self, collection: Any):
        self._collection = collection
        self.raced: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._collection, name)

    async def find_one_and_update(self, query: dict, update: dict, **options: Any) -> Any:
        doc_id = query["_id"]
        if options.get("upsert") and doc_id not in self.raced:
            self.raced.append(doc_id)
            field = next(iter(update["$inc"]))
            await self._collection.insert_one({"_id": doc_id, field: 1, **update.get("$setOnInsert", {})})
            raise DuplicateKeyError(f"E11000 duplicate key error collection: gemini_budget index: _id_ {doc_id}")
        return await self._collection.find_one_and_update(query, update, **options)


async def test_a_duplicate_key_race_on_a_new_counter_is_not_a_full_window(db):
    clock = FakeClock()
    limiter = RateLimiter(db, gemini_settings(None, gemini_rpd=5, gemini_rpm=5), clock=clock.now, sleep=clock.sleep)
    racing = _RacingCollection(limiter.collection)
    limiter.collection = racing
    reservation = await limiter.acquire(MODEL, 100)
    assert reservation.model == MODEL and clock.sleeps == []  # granted at once: neither day nor minute was full
    assert len(racing.raced) == 3  # day, minute and token counters all collided
    [row] = [r for r in await limiter.snapshot() if r["model"] == MODEL]
    assert row["requests_today"] == 2 and row["requests_this_minute"] == 2  # the other process's and ours
    assert row["tokens_this_minute"] == 101


async def test_a_full_window_is_still_full_after_the_retry(db):
    clock = FakeClock()
    limiter = RateLimiter(db, gemini_settings(None, gemini_rpd=1, gemini_rpm=5), clock=clock.now, sleep=clock.sleep)
    limiter.collection = _RacingCollection(limiter.collection)  # the racer takes the day's only request
    with pytest.raises(DailyQuotaExhausted):
        await limiter.acquire(MODEL, 100)
