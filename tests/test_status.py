"""Status data gathering: queue counts, the next companies to fall due, companies per band."""

from __future__ import annotations

from datetime import timedelta

from scoutly import queue, scheduling
from scoutly.clock import utcnow
from scoutly.companies import mark_scraped, tracked_companies
from scoutly.ops.status import gather_status


async def seed(db) -> None:
    await db.companies.insert_many(
        [
            {"_id": "daily", "name": "Daily Co", "active": True},
            {"_id": "two", "name": "Two Co", "active": True},
            {"_id": "five", "name": "Five Co", "active": True},
            {"_id": "closed", "name": "Closed Co", "active": False},
            {"_id": "orphan", "name": "Nobody Tracks", "active": True},
        ]
    )
    await db.users.insert_many(
        [{"_id": "a@x.io", "name": "A", "active": True}, {"_id": "off@x.io", "name": "Off", "active": False}]
    )
    await db.trackings.insert_many(
        [
            {"user": "a@x.io", "company": "daily", "rank": 30},
            {"user": "off@x.io", "company": "daily", "rank": 99},  # inactive user: does not count
            {"user": "a@x.io", "company": "two", "rank": 70},
            {"user": "a@x.io", "company": "five", "rank": 3},
            {"user": "a@x.io", "company": "closed", "rank": 90},
        ]
    )
    await db.trackings.update_one({"company": "daily", "user": "a@x.io"}, {"$set": {"rank": 95}})


async def test_effective_ranks_ignore_inactive_users_and_companies(db) -> None:
    await seed(db)
    ranks = {c.slug: (c.rank, c.trackers) for c in await tracked_companies(db)}
    assert ranks == {"daily": (95, 1), "two": (70, 1), "five": (3, 1)}


async def test_status_report(db) -> None:
    await seed(db)
    now = utcnow()
    await mark_scraped(db, "two", success=True, strategy="ats", now=now - timedelta(hours=1))
    await mark_scraped(db, "five", success=True, strategy="static", now=now - timedelta(days=1))
    await queue.enqueue_due(db, now=now)  # only "daily" (never scraped) is due
    await queue.claim(db, "w1", timedelta(minutes=5), now=now)

    report = await gather_status(db, now=now)
    assert report.queue == {"pending": 0, "processing": 1, "failed": 0, "done": 0, "dead": 0}
    assert (report.companies, report.users, report.trackings, report.tracked_companies) == (5, 2, 5, 3)
    assert report.due_now == 1
    # queued companies are not listed as "next to fall due"; the others soonest first
    assert [(e.slug, e.rank, e.band) for e in report.next_due] == [
        ("two", 70, "every 2 days"),
        ("five", 3, "every 5 days"),
    ]
    two = report.next_due[0]
    assert two.due_at == now - timedelta(hours=1) + scheduling.jittered_interval(70, "two")
    assert not two.due_now and two.job is None and two.last_success_at == now - timedelta(hours=1)
    assert {b.band: b.companies for b in report.bands} == {
        "daily": 1,
        "every 2 days": 1,
        "every 3 days": 0,
        "every 4 days": 0,
        "every 5 days": 1,
    }
    assert len((await gather_status(db, now=now, limit=1)).next_due) == 1
    assert report.model_dump(mode="json")["next_due"][0]["slug"] == "two"


async def test_mark_scraped_success_and_failure(db) -> None:
    await db.companies.insert_one({"_id": "acme", "name": "Acme", "active": True})
    t0 = utcnow()
    await mark_scraped(db, "acme", success=False, strategy=None, now=t0)
    await mark_scraped(db, "acme", success=False, strategy=None, now=t0 + timedelta(minutes=5))
    doc = await db.companies.find_one({"_id": "acme"})
    assert doc["consecutive_failures"] == 2 and doc.get("last_success_at") is None
    assert doc["last_scraped_at"] == t0 + timedelta(minutes=5) and "strategy" not in doc
    await mark_scraped(db, "acme", success=True, strategy="browser", now=t0 + timedelta(hours=1))
    doc = await db.companies.find_one({"_id": "acme"})
    assert (doc["consecutive_failures"], doc["strategy"]) == (0, "browser")
    assert doc["last_success_at"] == doc["last_scraped_at"] == t0 + timedelta(hours=1)


async def test_a_failing_company_is_not_requeued_every_hour(db) -> None:
    await db.companies.insert_one({"_id": "down", "name": "Down", "active": True})
    await db.users.insert_one({"_id": "a@x.io", "name": "A", "active": True})
    await db.trackings.insert_one({"user": "a@x.io", "company": "down", "rank": 90})
    now = utcnow()
    assert (await queue.enqueue_due(db, now=now)).enqueued == 1
    job = await queue.claim(db, "w", timedelta(minutes=5), now=now)
    await queue.fail(db, job, "w", "HTTP 500", retryable=False, now=now)
    await mark_scraped(db, "down", success=False, strategy=None, now=now)
    later = await queue.enqueue_due(db, now=now + timedelta(hours=1))
    assert (later.enqueued, later.not_due) == (0, 1)
    assert (await queue.enqueue_due(db, now=now + timedelta(hours=27))).enqueued == 1
