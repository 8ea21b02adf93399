"""Fakes and seeders for processor tests: a scripted acquirer, settings with short timings, seeded jobs."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from helpers.clock import LoopClock
from scoutly import queue
from scoutly.acquire.models import Listing, PostingFound
from scoutly.clock import utcnow
from scoutly.config import Settings
from scoutly.processor import ProcessorReport, run_processor
from scoutly.storage.indexes import COMPANIES, TRACKINGS, USERS


def fast_settings(db_uri: str, **overrides: Any) -> Settings:
    """Settings with timings short enough for tests (bypassing the production minimums on purpose)."""
    values = {
        "lease_seconds": 2,
        "heartbeat_seconds": 0.2,
        "shutdown_grace_seconds": 2.0,
        "idle_max_seconds": 0.5,
        "maintenance_seconds": 0.3,
        "gemini_api_key": None,
    }
    values.update(overrides)
    return Settings(mongodb_uri=db_uri).model_copy(update=values)


async def seed_companies(db: Any, slugs: list[str], *, user: str = "ana@example.org", rank: int = 50) -> None:
    """Companies tracked by one active user, so `enqueue_due` queues them all."""
    now = utcnow()
    await db[USERS].update_one(
        {"_id": user},
        {
            "$setOnInsert": {
                "name": "Ana",
                "active": True,
                "profile": {"min_score": 60},
                "profile_version": 1,
                "notify": {"apprise_urls": [], "mode": "run"},
                "created_at": now,
            }
        },
        upsert=True,
    )
    for slug in slugs:
        await db[COMPANIES].insert_one(
            {
                "_id": slug,
                "name": slug.title(),
                "careers_url": f"https://{slug}.example/careers",
                "active": True,
                "ats": None,
                "ats_token": None,
                "selectors": None,
                "last_scraped_at": None,
                "last_success_at": None,
                "consecutive_failures": 0,
                "strategy": None,
                "created_at": now,
                "updated_at": now,
            }
        )
        await db[TRACKINGS].insert_one({"user": user, "company": slug, "rank": rank, "created_at": now})


async def seed_jobs(db: Any, slugs: list[str], **kwargs: Any) -> None:
    await seed_companies(db, slugs, **kwargs)
    result = await queue.enqueue_due(db)
    assert result.enqueued == len(slugs), result


def _three_postings(slug: str) -> list[PostingFound]:
    return [
        PostingFound(key=f"{slug}-{n}", title=f"Role {n}", url=f"https://{slug}.example/jobs/{n}") for n in (1, 2, 3)
    ]


@dataclass
class ScriptedAcquirer:
    """Stands in for `scoutly.acquire.Acquirer`: per-slug behaviour, concurrency and lifecycle recorded.

        behaviour[slug]: seconds to take (float), an exception instance to raise, or a callable(company) → listing.
    Otherwise the listing has three postings (empty when a callable returns no listing).
    """

    behaviour: dict[str, Any] = field(default_factory=dict)
    default_seconds: float = 0.05
    in_flight: int = 0
    max_in_flight: int = 0
    calls: list[str] = field(default_factory=list)
    entered: bool = False
    closed: bool = False
    started: asyncio.Event = field(default_factory=asyncio.Event)

    def __call__(self, _settings: Any) -> ScriptedAcquirer:  # acts as the acquirer factory too
        return self

    async def __aenter__(self) -> ScriptedAcquirer:
        self.entered = True
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.closed = True

    async def listing(self, company: dict) -> Listing:
        slug = company["_id"]
        self.calls.append(slug)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        self.started.set()
        try:
            action = self.behaviour.get(slug, self.default_seconds)
            if isinstance(action, BaseException):
                await asyncio.sleep(0.01)
                raise action
            if callable(action):
                result = await action(company)
                return result if isinstance(result, Listing) else Listing("static")
            await asyncio.sleep(float(action))
            return Listing("static", postings=_three_postings(slug))
        finally:
            self.in_flight -= 1

    async def describe_new(self, listing: Listing, new: list[PostingFound]) -> list[str]:
        return []


async def run_in_virtual_time(db: Any, settings: Settings, acquirer: Any, **options: Any) -> ProcessorReport:
    """`run_processor` on the test database with a test acquirer, without display or signal handlers, in the
    event loop's virtual time (the test must be marked `@pytest.mark.looptime`)."""
    return await run_processor(
        settings, db=db, acquirer_factory=acquirer, display=False, signals=False, clock=LoopClock(), **options
    )
