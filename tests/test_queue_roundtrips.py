"""enqueue_due's database round trips do not grow with the number of companies (counting wrapper)."""

from __future__ import annotations

from typing import Any

import pytest

from scoutly import queue
from scoutly.clock import utcnow
from scoutly.testing.counting_db import CountingDb


async def populate(db: Any, companies: int) -> None:
    slugs = [f"company-{i:05d}" for i in range(companies)]
    await db.companies.insert_many([{"_id": s, "name": s, "active": True} for s in slugs])
    users = [f"user{i}@example.com" for i in range(max(2, companies // 10))]
    await db.users.insert_many([{"_id": u, "name": u, "active": True} for u in users])
    await db.trackings.insert_many(
        [{"user": users[i % len(users)], "company": s, "rank": 1 + (i * 37) % 100} for i, s in enumerate(slugs)]
        + [{"user": users[(i + 1) % len(users)], "company": s, "rank": 1 + (i * 11) % 100} for i, s in enumerate(slugs)]
    )


@pytest.mark.parametrize("companies", [3, 300])
async def test_enqueue_due_round_trips_are_constant(db, companies: int) -> None:
    await populate(db, companies)
    counting = CountingDb(db)
    now = utcnow()
    first = await queue.enqueue_due(counting, now=now)
    assert first.enqueued == companies
    assert dict(counting.calls) == {"trackings.aggregate": 1, "queue.bulk_write": 1}
    counting.calls.clear()
    second = await queue.enqueue_due(counting, now=now)
    assert (second.enqueued, second.already_queued) == (0, companies)
    assert dict(counting.calls) == {"trackings.aggregate": 1, "queue.bulk_write": 1}
    assert await db.queue.count_documents({}) == companies
