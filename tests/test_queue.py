"""The queue engine against the database fixture: enqueue, claim, leases, retries, dead jobs."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest
from helpers import interleave
from pymongo.errors import BulkWriteError, DuplicateKeyError

from scoutly import queue, scheduling
from scoutly.clock import as_utc, utcnow
from scoutly.companies import mark_scraped
from scoutly.queue import DEAD, DONE, FAILED, PENDING, PROCESSING, LeaseLost

# Recent times: the TTL index on finished_at (30 days) really prunes older finished jobs, in the double too.
NOW = utcnow().replace(second=0, microsecond=0)
LEASE = timedelta(minutes=5)


async def seed(db: Any, ranks: dict[str, dict[str, int]], *, inactive_users=(), inactive_companies=()) -> None:
    """ranks: {user email: {company slug: rank}}; every company mentioned is created."""
    slugs = sorted({slug for tracked in ranks.values() for slug in tracked})
    if slugs:
        await db.companies.insert_many(
            [{"_id": s, "name": s.title(), "active": s not in inactive_companies} for s in slugs]
        )
    await db.users.insert_many([{"_id": u, "name": u, "active": u not in inactive_users} for u in ranks])
    trackings = [{"user": u, "company": s, "rank": r} for u, tracked in ranks.items() for s, r in tracked.items()]
    if trackings:
        await db.trackings.insert_many(trackings)


async def jobs(db: Any, **query: Any) -> list[dict]:
    return await db.queue.find(query).sort("company", 1).to_list(None)


async def test_enqueue_creates_one_job_per_due_company_with_effective_rank(db) -> None:
    await seed(db, {"a@x.io": {"stripe": 40, "figma": 95}, "b@x.io": {"stripe": 70}})
    result = await queue.enqueue_due(db, now=NOW)
    assert (result.enqueued, result.already_queued, result.not_due) == (2, 0, 0)
    assert result.companies == ["figma", "stripe"]
    docs = await jobs(db)
    assert [(d["company"], d["priority"], d["status"], d["active"], d["attempts"]) for d in docs] == [
        ("figma", 95, PENDING, True, 0),
        ("stripe", 70, PENDING, True, 0),
    ]


async def test_inactive_users_and_companies_are_ignored(db) -> None:
    await seed(
        db,
        {"a@x.io": {"stripe": 40, "closed": 90}, "gone@x.io": {"stripe": 99, "figma": 80}},
        inactive_users={"gone@x.io"},
        inactive_companies={"closed"},
    )
    result = await queue.enqueue_due(db, now=NOW)
    assert result.companies == ["stripe"]
    (job,) = await jobs(db)
    assert job["priority"] == 40  # the inactive user's 99 does not count


async def test_enqueue_is_idempotent_within_the_hour(db) -> None:
    await seed(db, {"a@x.io": {"stripe": 40, "figma": 95}})
    await queue.enqueue_due(db, now=NOW)
    again = await queue.enqueue_due(db, now=NOW + timedelta(minutes=59))
    assert (again.enqueued, again.already_queued, again.raised) == (0, 2, 0)
    assert len(await jobs(db)) == 2


async def test_rerank_raises_a_pending_jobs_priority(db) -> None:
    await seed(db, {"a@x.io": {"stripe": 40}})
    await queue.enqueue_due(db, now=NOW)
    await db.trackings.update_one({"user": "a@x.io", "company": "stripe"}, {"$set": {"rank": 85}})
    result = await queue.enqueue_due(db, now=NOW + timedelta(minutes=10))
    assert (result.enqueued, result.already_queued, result.raised) == (0, 1, 1)
    (job,) = await jobs(db)
    assert job["priority"] == 85


async def test_recently_scraped_company_is_not_due_until_its_interval(db) -> None:
    await seed(db, {"a@x.io": {"stripe": 90}})  # daily, jitter ±10%
    await mark_scraped(db, "stripe", success=True, strategy="ats", now=NOW)
    early = await queue.enqueue_due(db, now=NOW + timedelta(hours=21))
    assert (early.enqueued, early.not_due) == (0, 1)
    late = await queue.enqueue_due(db, now=NOW + timedelta(hours=27))
    assert late.enqueued == 1


async def test_claim_takes_highest_priority_then_oldest(db) -> None:
    await seed(db, {"a@x.io": {"low": 20, "high": 90}})
    await queue.enqueue_due(db, now=NOW)
    await seed(db, {"b@x.io": {"high2": 90}})
    await queue.enqueue_due(db, now=NOW + timedelta(minutes=1))
    order = []
    for _ in range(3):
        job = await queue.claim(db, "w1", LEASE, now=NOW + timedelta(minutes=2))
        order.append((job.company, job.attempts, job.status, job.lease_owner))
    assert order == [("high", 1, PROCESSING, "w1"), ("high2", 1, PROCESSING, "w1"), ("low", 1, PROCESSING, "w1")]
    assert await queue.claim(db, "w1", LEASE, now=NOW + timedelta(minutes=2)) is None


async def naive_claim(db: Any, worker_id: str, lease: timedelta, *, now: datetime) -> queue.Job | None:
    """A WRONG claim, for the self-checks below: read the best job, then mark it in a second round trip. Two
    claimers that both read before either writes take the same job."""
    claimable = {"status": {"$in": list(queue.CLAIMABLE)}, "available_at": {"$lte": now}}
    doc = await db.queue.find_one(claimable, sort=[("priority", -1), ("available_at", 1)])
    if doc is None:
        return None
    update = {"status": PROCESSING, "lease_owner": worker_id, "lease_until": now + lease, "updated_at": now}
    await db.queue.update_one({"_id": doc["_id"]}, {"$set": update, "$inc": {"attempts": 1}})
    return queue.Job.from_doc({**doc, **update, "attempts": doc["attempts"] + 1})


async def twenty_claimers(db: Any, claim: Any = queue.claim) -> list[queue.Job]:
    """15 pending jobs, 20 concurrent claimers: the jobs they got."""
    await seed(db, {"a@x.io": {f"c{i:02d}": 50 + i for i in range(15)}})
    await queue.enqueue_due(db, now=NOW)
    claimed = await asyncio.gather(*(claim(db, f"w{i}", LEASE, now=NOW) for i in range(20)))
    return [job for job in claimed if job is not None]


async def test_twenty_concurrent_claimers_never_share_a_job(db) -> None:
    got = await twenty_claimers(db)
    assert len(got) == 15
    assert len({job.id for job in got}) == 15
    assert len({job.company for job in got}) == 15
    for job in got:
        doc = await db.queue.find_one({"_id": job.id})
        assert doc["lease_owner"] == job.lease_owner and doc["attempts"] == 1


async def test_self_check_a_naive_claim_double_claims_on_the_double(db) -> None:
    """The test above can fail: on the double, which yields to the event loop before every operation as a real
    server round trip does, a read-then-write claim hands one job to several workers."""
    interleave.require_double(db.queue)
    got = await twenty_claimers(db, naive_claim)
    assert len(got) > len({job.id for job in got})  # some job went to more than one worker
    doc = await db.queue.find_one({"company": "c14"})
    assert doc["attempts"] > 1  # the best job was claimed several times at once


async def test_a_claim_landing_between_a_naive_read_and_write_is_double_claimed(db) -> None:
    """The interleave hook makes the race certain: another worker claims right between the naive read and write."""
    await seed(db, {"a@x.io": {"stripe": 50}})
    await queue.enqueue_due(db, now=NOW)
    rival: list[queue.Job | None] = []

    async def competing() -> None:
        rival.append(await queue.claim(db, "rival", LEASE, now=NOW))

    with interleave.before(db.queue, "update_one", competing) as injected:
        mine = await naive_claim(db, "me", LEASE, now=NOW)
    assert injected.fired and rival[0] is not None and mine is not None
    assert rival[0].id == mine.id  # both "hold" the one job


async def test_claim_stays_exclusive_when_a_competing_claim_lands_first(db) -> None:
    """A rival claims right before our claim reaches the server: we get the next job, never the rival's; when the
    rival took the last one, we get nothing."""
    await seed(db, {"a@x.io": {"stripe": 50, "figma": 60}})
    await queue.enqueue_due(db, now=NOW)
    rivals: list[queue.Job | None] = []

    async def competing() -> None:
        rivals.append(await queue.claim(db, f"rival{len(rivals)}", LEASE, now=NOW))

    with interleave.before(db.queue, "find_one_and_update", competing) as injected:
        mine = await queue.claim(db, "me", LEASE, now=NOW)
    assert injected.fired and rivals[0] is not None and mine is not None
    assert (rivals[0].company, mine.company) == ("figma", "stripe")
    await queue.release(db, rivals[0], "rival0")
    with interleave.before(db.queue, "find_one_and_update", competing):
        assert await queue.claim(db, "me", LEASE, now=NOW) is None
    assert rivals[1] is not None and rivals[1].company == "figma"
    assert (await db.queue.find_one({"company": "figma"}))["lease_owner"] == "rival1"


async def test_a_completion_landing_before_a_stale_heartbeat_is_not_clobbered(db) -> None:
    """Our lease expired, the job was reclaimed and finished by another worker right before our heartbeat."""
    job = await claimed_job(db, "me")

    async def competing() -> None:
        await queue.reclaim_expired(db, now=NOW + LEASE + timedelta(seconds=1))
        other = await queue.claim(db, "other", LEASE, now=NOW + LEASE + timedelta(seconds=1))
        assert other is not None
        await queue.complete(db, other, "other")

    with interleave.before(db.queue, "update_one", competing) as injected, pytest.raises(LeaseLost):
        await queue.heartbeat(db, job, "me", LEASE, now=NOW + LEASE)
    assert injected.fired
    doc = await db.queue.find_one({"_id": job.id})
    assert (doc["status"], doc["lease_owner"], doc["attempts"]) == (DONE, "other", 2)


async def claimed_job(db, worker: str = "w1", *, now: datetime = NOW, max_attempts: int = 5) -> queue.Job:
    await seed(db, {"a@x.io": {"stripe": 50}})
    await queue.enqueue_due(db, now=now, max_attempts=max_attempts)
    job = await queue.claim(db, worker, LEASE, now=now)
    assert job is not None
    return job


async def test_complete_keeps_history_and_frees_the_company(db) -> None:
    job = await claimed_job(db)
    await queue.complete(db, job, "w1", now=NOW + timedelta(minutes=1))
    doc = await db.queue.find_one({"_id": job.id})
    assert doc["status"] == DONE and "active" not in doc and doc["finished_at"] is not None
    # a later run may enqueue the company again (nothing recorded a success, so it is still due)
    assert (await queue.enqueue_due(db, now=NOW + timedelta(minutes=2))).enqueued == 1


async def test_expired_lease_is_reclaimed_and_heartbeat_prevents_it(db) -> None:
    await seed(db, {"a@x.io": {"stripe": 50, "figma": 60}})
    await queue.enqueue_due(db, now=NOW)
    beating = await queue.claim(db, "w1", LEASE, now=NOW)
    silent = await queue.claim(db, "w2", LEASE, now=NOW)
    await queue.heartbeat(db, beating, "w1", LEASE, now=NOW + timedelta(minutes=4))
    assert await queue.reclaim_expired(db, now=NOW + timedelta(minutes=6)) == 1
    silent_doc = await db.queue.find_one({"_id": silent.id})
    assert silent_doc["status"] == PENDING and silent_doc["attempts"] == 1  # attempt counted
    assert "lease_owner" not in silent_doc and silent_doc["active"] is True
    assert (await db.queue.find_one({"_id": beating.id}))["status"] == PROCESSING


async def test_reclaim_of_a_last_attempt_makes_the_job_dead(db) -> None:
    job = await claimed_job(db, max_attempts=1)
    assert await queue.reclaim_expired(db, now=NOW + LEASE + timedelta(seconds=1)) == 1
    doc = await db.queue.find_one({"_id": job.id})
    assert doc["status"] == DEAD and "active" not in doc and "lease expired" in doc["last_error"]


async def test_ownership_is_enforced_after_the_job_moved_on(db) -> None:
    job_a = await claimed_job(db, "A")
    later = NOW + LEASE + timedelta(minutes=1)
    assert await queue.reclaim_expired(db, now=later) == 1
    job_b = await queue.claim(db, "B", LEASE, now=later)
    assert job_b is not None and job_b.id == job_a.id and job_b.attempts == 2
    with pytest.raises(LeaseLost):
        await queue.heartbeat(db, job_a, "A", LEASE, now=later)
    with pytest.raises(LeaseLost):
        await queue.complete(db, job_a, "A", now=later)
    with pytest.raises(LeaseLost):
        await queue.fail(db, job_a, "A", "boom", now=later)
    with pytest.raises(LeaseLost):
        await queue.release(db, job_a, "A", now=later)
    doc = await db.queue.find_one({"_id": job_a.id})
    assert (doc["status"], doc["lease_owner"], doc["attempts"]) == (PROCESSING, "B", 2)
    await queue.complete(db, job_b, "B", now=later)


async def test_a_stale_handle_of_the_same_worker_is_fenced_off(db) -> None:
    old = await claimed_job(db, "A")
    later = NOW + LEASE + timedelta(minutes=1)
    await queue.reclaim_expired(db, now=later)
    new = await queue.claim(db, "A", LEASE, now=later)
    with pytest.raises(LeaseLost):
        await queue.complete(db, old, "A", now=later)
    await queue.complete(db, new, "A", now=later)


async def test_wrong_worker_cannot_touch_a_job(db) -> None:
    job = await claimed_job(db, "A")
    with pytest.raises(LeaseLost):
        await queue.complete(db, job, "B")


async def test_backoff_grows_then_the_job_dies_with_its_last_error(db) -> None:
    job = await claimed_job(db, "w", max_attempts=4)
    now = NOW
    delays = []
    for attempt in range(1, 4):
        status = await queue.fail(db, job, "w", f"timeout #{attempt}", now=now, unit=0.5)
        assert status == FAILED
        doc = await db.queue.find_one({"_id": job.id})
        assert doc["status"] == FAILED and doc["active"] is True and doc["last_error"] == f"timeout #{attempt}"
        available = as_utc(doc["available_at"])
        delays.append(available - now)
        assert await queue.claim(db, "w", LEASE, now=available - timedelta(seconds=1)) is None  # not yet
        now = available
        job = await queue.claim(db, "w", LEASE, now=now)
        assert job is not None and job.attempts == attempt + 1
    assert delays[0] < delays[1] < delays[2]
    assert delays[0] == scheduling.retry_delay(1, 0.5)
    assert await queue.fail(db, job, "w", "still down", now=now) == DEAD
    doc = await db.queue.find_one({"_id": job.id})
    assert (doc["status"], doc["last_error"], doc["attempts"]) == (DEAD, "still down", 4)
    assert "active" not in doc and doc["finished_at"] is not None
    assert await queue.claim(db, "w", LEASE, now=now + timedelta(days=1)) is None


async def test_non_retryable_failure_is_dead_at_once(db) -> None:
    job = await claimed_job(db)
    assert await queue.fail(db, job, "w1", "404 careers page gone", retryable=False) == DEAD


async def test_failure_messages_are_redacted(db) -> None:
    job = await claimed_job(db)
    await queue.fail(db, job, "w1", "GET https://x.io/?api_key=AIzaSyA1234567890abcdefghijkl failed")
    doc = await db.queue.find_one({"_id": job.id})
    assert "AIzaSyA1234567890" not in doc["last_error"]


async def test_release_does_not_count_the_attempt(db) -> None:
    job = await claimed_job(db)
    await queue.release(db, job, "w1")
    doc = await db.queue.find_one({"_id": job.id})
    assert (doc["status"], doc["attempts"], doc["active"]) == (PENDING, 0, True)
    again = await queue.claim(db, "w2", LEASE)
    assert again is not None and again.id == job.id and again.attempts == 1


async def test_one_live_job_per_company_survives_a_duplicate_key_race(db) -> None:
    """A concurrent enqueuer inserted the job between our match and insert: the server answers E11000."""
    await seed(db, {"a@x.io": {"stripe": 50, "figma": 60}})

    class RacingQueue:
        def __init__(self, real: Any) -> None:
            self.real = real

        def __getattr__(self, name: str) -> Any:
            return getattr(self.real, name)

        async def bulk_write(self, operations: list, ordered: bool = True) -> Any:
            await self.real.insert_one({"company": "figma", "active": True, "status": PENDING, "priority": 60})
            raise BulkWriteError(
                {
                    "writeErrors": [{"index": 0, "code": 11000, "errmsg": "E11000 duplicate key error"}],
                    "nMatched": 0,
                    "nModified": 0,
                    "nUpserted": 1,
                    "upserted": [{"index": 1, "_id": "x"}],
                }
            )

    class RacingDb:
        def __init__(self, real: Any) -> None:
            self.real = real

        def __getitem__(self, name: str) -> Any:
            return RacingQueue(self.real[name]) if name == "queue" else self.real[name]

    result = await queue.enqueue_due(RacingDb(db), now=NOW)
    assert (result.enqueued, result.already_queued) == (1, 1)
    with pytest.raises(DuplicateKeyError):
        await db.queue.insert_one({"company": "figma", "active": True})


async def test_finished_jobs_expire_via_a_ttl_index(db) -> None:
    info = await db.queue.index_information()
    ttl = info["finished_ttl"]
    assert ttl["key"] == [("finished_at", 1)] and ttl["expireAfterSeconds"] == 30 * 24 * 3600
    unique = info["one_active_job_per_company"]
    assert unique["unique"] and unique["partialFilterExpression"] == {"active": True}


async def test_queue_counts(db) -> None:
    await seed(db, {"a@x.io": {"stripe": 50, "figma": 60}})
    await queue.enqueue_due(db, now=NOW)
    await queue.claim(db, "w", LEASE, now=NOW)
    counts = await queue.queue_counts(db)
    assert counts == {PENDING: 1, PROCESSING: 1, FAILED: 0, DONE: 0, DEAD: 0}


async def test_concurrent_enqueuers_leave_one_live_job_per_company(db) -> None:
    await seed(db, {"a@x.io": {f"c{i}": 10 + i for i in range(8)}})
    results = await asyncio.gather(*(queue.enqueue_due(db, now=NOW) for _ in range(4)))
    assert sum(r.enqueued for r in results) == 8
    assert sum(r.already_queued for r in results) == 24
    live = await db.queue.find({"active": True}).to_list(None)
    assert sorted(j["company"] for j in live) == [f"c{i}" for i in range(8)]
