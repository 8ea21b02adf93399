"""The Gemini rate limiter shared by every process through MongoDB (`gemini_budget`).

Before each request a caller reserves one request of the model's day (RPD), one of the current minute
(RPM) and its estimated input tokens of the minute (TPM). Each reservation is one atomic
`find_one_and_update` with `$inc` on a counter document per model+window, conditioned on the counter
staying within its limit and upserted on first use; when the condition fails the upsert collides with
the existing `_id` (DuplicateKeyError) and the window is full — unless a competing process created the counter
at the same moment, which a second, non-upsert update tells apart. A reservation whose minute ended while it was
being made (other coroutines ran between its round trips) is given back and made again in the new minute, so the
request goes out inside the minute it was counted in. So `process` and a manual `debug run`,
in separate processes, never exceed the budgets together.

Windows are fixed: minutes (UTC) and quota days that reset at midnight America/Los_Angeles. Google's own
minute windows may be rolling, so a burst straddling a minute boundary can still draw a per-minute 429; the
gateway then waits the server's RetryInfo delay, makes every process wait for the next minute, and gives the
day's reservation back (the refused request used none). A request that failed to connect is refunded whole:
only requests that reached Google spend the day.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any, NotRequired, TypedDict
from zoneinfo import ZoneInfo

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from scoutly.clock import as_utc, utcnow
from scoutly.config import Settings
from scoutly.storage.indexes import GEMINI_BUDGET
from scoutly.storage.types import Database, Document

PACIFIC = ZoneInfo("America/Los_Angeles")

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[Any]]


def quota_day(now: datetime) -> str:
    """The Gemini quota day (Pacific calendar date) that `now` falls in, e.g. '2026-11-23'."""
    return now.astimezone(PACIFIC).date().isoformat()


def next_reset(now: datetime) -> datetime:
    """When the daily quota next resets: the coming midnight in America/Los_Angeles, as UTC."""
    local_day = now.astimezone(PACIFIC).date()
    midnight = datetime.combine(local_day + timedelta(days=1), time(0), tzinfo=PACIFIC)
    return midnight.astimezone(UTC)


def minute_start(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(second=0, microsecond=0)


@dataclass(frozen=True)
class ModelLimits:
    """Budgets of one model: requests per minute, input tokens per minute, requests per day."""

    rpm: int
    tpm: int
    rpd: int


def limits_for(settings: Settings, model: str) -> ModelLimits:
    """The configured budgets of `model` (per-model overrides win over the defaults)."""
    override = settings.gemini_model_limits.get(model, {})
    return ModelLimits(
        rpm=int(override.get("rpm", settings.gemini_rpm)),
        tpm=int(override.get("tpm", settings.gemini_tpm)),
        rpd=int(override.get("rpd", settings.gemini_rpd)),
    )


def configured_models(settings: Settings) -> list[str]:
    """Every model the analysis may use, in preference order, without duplicates."""
    names = [settings.gemini_screen_model, settings.gemini_deep_model, *settings.gemini_fallback_models]
    return list(dict.fromkeys(name for name in names if name))


class DailyQuotaExhausted(Exception):
    """The model's requests for this quota day are spent (by our count or by the server's 429)."""

    def __init__(self, model: str, resets_at: datetime):
        super().__init__(f"{model}: daily Gemini quota spent until {resets_at.isoformat()}")
        self.model = model
        self.resets_at = resets_at


@dataclass(frozen=True)
class Reservation:
    """One granted request: which windows it counted against and the tokens it reserved."""

    model: str
    day: str
    minute: datetime
    tokens: int


def _ids(model: str, day: str, minute: datetime) -> tuple[str, str, str]:
    stamp = minute.strftime("%Y-%m-%dT%H:%M")
    return f"{model}:rpd:{day}", f"{model}:rpm:{stamp}", f"{model}:tpm:{stamp}"


class BudgetRow(TypedDict):
    """One model's usage and limits now (`RateLimiter.snapshot`); `budget_snapshot` adds the last three."""

    model: str
    day: str  # the quota day (America/Los_Angeles), YYYY-MM-DD
    requests_today: int
    rpd: int
    requests_this_minute: int
    rpm: int
    tokens_this_minute: int
    tpm: int
    exhausted: bool
    exhausted_at: datetime | None
    resets_at: datetime
    calls_today: NotRequired[int]
    tokens_today: NotRequired[int]
    parked: NotRequired[int]


class RateLimiter:
    """Reserve-before-call against the shared counters; waits out full minutes, raises for full days."""

    def __init__(self, db: Database, settings: Settings, *, clock: Clock = utcnow, sleep: Sleep = asyncio.sleep):
        self.collection = db[GEMINI_BUDGET]
        self.settings = settings
        self.clock = clock
        self.sleep = sleep

    async def _take(self, doc_id: str, field: str, amount: int, limit: int, fields: Document, **extra: Any) -> bool:
        """Atomically add `amount` to a window counter if it stays within `limit`; False when full.

        A DuplicateKeyError means the counter exists — full, or created by another process between our match and
        our insert (two first users of a window at once). The same conditional update without upsert then decides:
        the counter exists now, so "no match" really means full.
        """
        query = {"_id": doc_id, field: {"$lte": limit - amount}, **extra}
        change = {"$inc": {field: amount}, "$setOnInsert": fields}
        try:
            await self.collection.find_one_and_update(query, change, upsert=True, return_document=ReturnDocument.AFTER)
        except DuplicateKeyError:
            updated = await self.collection.find_one_and_update(
                query, {"$inc": {field: amount}}, return_document=ReturnDocument.AFTER
            )
            return updated is not None
        return True

    async def _give_back(self, doc_id: str, field: str, amount: int) -> None:
        await self.collection.update_one({"_id": doc_id}, {"$inc": {field: -amount}})

    async def acquire(self, model: str, tokens: int) -> Reservation:
        """Reserve one request and `tokens` input tokens of `model`, waiting for a later minute if needed.

        Raises DailyQuotaExhausted when the model's day is spent.
        """
        limits = limits_for(self.settings, model)
        tokens = max(1, min(tokens, limits.tpm))
        while True:
            now = self.clock()
            day, minute = quota_day(now), minute_start(now)
            day_id, rpm_id, tpm_id = _ids(model, day, minute)
            resets = next_reset(now)
            day_fields = {"model": model, "window": "rpd", "day": day, "expires_at": resets + timedelta(days=2)}
            if not await self._take(day_id, "requests", 1, limits.rpd, day_fields, exhausted={"$ne": True}):
                raise DailyQuotaExhausted(model, resets)
            minute_fields = {"model": model, "start": minute, "expires_at": minute + timedelta(days=1)}
            if await self._take(rpm_id, "requests", 1, limits.rpm, {**minute_fields, "window": "rpm"}):
                if await self._take(tpm_id, "tokens", tokens, limits.tpm, {**minute_fields, "window": "tpm"}):
                    reservation = Reservation(model=model, day=day, minute=minute, tokens=tokens)
                    if minute_start(self.clock()) == minute:
                        return reservation
                    # The minute ended during our round trips: the request would go out uncounted in the next
                    # one. Give the whole reservation back and reserve again in the new minute.
                    await self.refund(reservation)
                    continue
                await self._give_back(rpm_id, "requests", 1)
            await self._give_back(day_id, "requests", 1)
            wait = (minute + timedelta(minutes=1) - now).total_seconds()
            await self.sleep(max(wait, 0.01) + random.uniform(0, 0.5))

    async def give_back(self, reservation: Reservation) -> None:
        """The server refused the request (429 per-minute): it used no request of the day."""
        day_id, _, _ = _ids(reservation.model, reservation.day, reservation.minute)
        await self._give_back(day_id, "requests", 1)

    async def refund(self, reservation: Reservation) -> None:
        """The request never reached Google (no connection): give back its day, minute and tokens."""
        day_id, rpm_id, tpm_id = _ids(reservation.model, reservation.day, reservation.minute)
        await self._give_back(day_id, "requests", 1)
        await self._give_back(rpm_id, "requests", 1)
        await self._give_back(tpm_id, "tokens", reservation.tokens)

    async def settle(self, reservation: Reservation, prompt_tokens: int | None) -> None:
        """Correct the minute's token counter with what the request really used."""
        if prompt_tokens is None or prompt_tokens == reservation.tokens:
            return
        _, _, tpm_id = _ids(reservation.model, reservation.day, reservation.minute)
        await self.collection.update_one({"_id": tpm_id}, {"$inc": {"tokens": prompt_tokens - reservation.tokens}})

    async def mark_exhausted(self, model: str) -> datetime:
        """The server said the day is spent (429 per-day): stop every process using `model` until the reset."""
        now = self.clock()
        day_id, _, _ = _ids(model, quota_day(now), minute_start(now))
        resets = next_reset(now)
        await self.collection.update_one(
            {"_id": day_id},
            {
                "$set": {"exhausted": True, "exhausted_at": now},
                "$setOnInsert": {
                    "model": model,
                    "window": "rpd",
                    "day": quota_day(now),
                    "requests": 0,
                    "expires_at": resets + timedelta(days=2),
                },
            },
            upsert=True,
        )
        return resets

    async def mark_minute_full(self, model: str) -> None:
        """The server said the minute is spent (429 per-minute): make every process wait for the next one."""
        now = self.clock()
        _, rpm_id, _ = _ids(model, quota_day(now), minute_start(now))
        limit = limits_for(self.settings, model).rpm
        await self.collection.update_one(
            {"_id": rpm_id},
            {
                "$max": {"requests": limit},
                "$setOnInsert": {
                    "model": model,
                    "window": "rpm",
                    "start": minute_start(now),
                    "expires_at": minute_start(now) + timedelta(days=1),
                },
            },
            upsert=True,
        )

    async def snapshot(self) -> list[BudgetRow]:
        """Usage and limits of every configured model now: for `status`."""
        now = self.clock()
        day, minute = quota_day(now), minute_start(now)
        rows: list[BudgetRow] = []
        for model in configured_models(self.settings):
            limits = limits_for(self.settings, model)
            day_id, rpm_id, tpm_id = _ids(model, day, minute)
            docs = {doc["_id"]: doc async for doc in self.collection.find({"_id": {"$in": [day_id, rpm_id, tpm_id]}})}
            day_doc = docs.get(day_id, {})
            used_today = int(day_doc.get("requests", 0))
            exhausted = bool(day_doc.get("exhausted")) or used_today >= limits.rpd
            rows.append(
                {
                    "model": model,
                    "day": day,
                    "requests_today": used_today,
                    "rpd": limits.rpd,
                    "requests_this_minute": int(docs.get(rpm_id, {}).get("requests", 0)),
                    "rpm": limits.rpm,
                    "tokens_this_minute": int(docs.get(tpm_id, {}).get("tokens", 0)),
                    "tpm": limits.tpm,
                    "exhausted": exhausted,
                    "exhausted_at": as_utc(day_doc.get("exhausted_at")),
                    "resets_at": next_reset(now),
                }
            )
        return rows
