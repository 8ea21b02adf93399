"""The scrape-job queue in MongoDB: enqueue due companies, lease jobs to workers, retry, give up.

One document per job in `queue`. A live job (pending, processing, failed-awaiting-retry) carries `active: true`;
a partial unique index on `company` where `active: true` guarantees at most one live job per company, whatever
races happen between enqueuers on several machines. Finished jobs (done, dead) lose `active`, get `finished_at`
(a TTL index prunes them after 30 days) and stay as history.

Every state change after `claim` filters on the caller's ownership — `status: processing`, `lease_owner` and the
attempt number the claim produced (a fencing token) — so a worker whose lease expired and whose job was handed
to someone else (or to itself again) gets `LeaseLost` instead of clobbering the newer holder.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import ReturnDocument, UpdateOne
from pymongo.errors import BulkWriteError

from scoutly import scheduling
from scoutly.clock import as_utc, utcnow
from scoutly.companies import tracked_companies
from scoutly.redact import redact
from scoutly.storage.indexes import QUEUE
from scoutly.storage.types import Database, Document

PENDING = "pending"
PROCESSING = "processing"
FAILED = "failed"  # awaiting retry at available_at
DONE = "done"
DEAD = "dead"
STATUSES = (PENDING, PROCESSING, FAILED, DONE, DEAD)
CLAIMABLE = (PENDING, FAILED)

DEFAULT_MAX_ATTEMPTS = 5
MAX_ERROR_CHARS = 2000
DUPLICATE_KEY = 11000
LEASE_EXPIRED_ERROR = "lease expired: the worker stopped heartbeating"

_rng = random.SystemRandom()


class LeaseLost(Exception):
    """The caller no longer owns the job (its lease expired and the job was reclaimed, or it was finished)."""


@dataclass
class Job:
    """A claimed job as the worker holds it. `attempts` (after the claim) is also the lease's fencing token."""

    id: ObjectId
    company: str
    priority: int
    attempts: int
    max_attempts: int
    lease_owner: str | None
    lease_until: datetime | None
    status: str = PROCESSING
    available_at: datetime | None = None
    created_at: datetime | None = None
    last_error: str | None = None

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Job:
        return cls(
            id=doc["_id"],
            company=doc["company"],
            priority=int(doc.get("priority") or 0),
            attempts=int(doc.get("attempts") or 0),
            max_attempts=int(doc.get("max_attempts") or DEFAULT_MAX_ATTEMPTS),
            lease_owner=doc.get("lease_owner"),
            lease_until=as_utc(doc.get("lease_until")),
            status=doc.get("status", PROCESSING),
            available_at=as_utc(doc.get("available_at")),
            created_at=as_utc(doc.get("created_at")),
            last_error=doc.get("last_error"),
        )


@dataclass
class EnqueueResult:
    """What one `enqueue_due` run did."""

    enqueued: int = 0  # new jobs created
    already_queued: int = 0  # due, but a live job exists (incl. lost duplicate-key races)
    not_due: int = 0  # tracked companies whose interval has not passed
    raised: int = 0  # live jobs whose priority rose because a user ranked the company higher
    companies: list[str] = field(default_factory=list)  # slugs of the new jobs

    @property
    def tracked(self) -> int:
        return self.enqueued + self.already_queued + self.not_due


def _owned(job: Job, worker_id: str) -> dict[str, Any]:
    """Filter matching the job only while `worker_id` still holds the lease this `job` handle came from."""
    return {"_id": job.id, "status": PROCESSING, "lease_owner": worker_id, "attempts": job.attempts}


def _clean_error(error: str) -> str:
    text = redact(str(error)).strip() or "unknown error"
    return text[:MAX_ERROR_CHARS]


async def enqueue_due(
    db: Database, *, now: datetime | None = None, max_attempts: int = DEFAULT_MAX_ATTEMPTS
) -> EnqueueResult:
    """Create a pending job for every due company without a live job; raise live jobs' priority on re-rank.

    Two round trips whatever the number of companies: one aggregation (effective ranks and scrape times; due-ness
    is then computed in Python with the slug's jitter) and one unordered bulk write of upserts keyed on
    `{company, active: true}`. Running it again in the same hour adds nothing.
    """
    now = now or utcnow()
    result = EnqueueResult()
    due = []
    for company in await tracked_companies(db):
        if company.is_due(now):
            due.append(company)
        else:
            result.not_due += 1
    if not due:
        return result
    operations = [
        UpdateOne(
            {"company": company.slug, "active": True},
            {
                "$max": {"priority": company.rank},
                "$setOnInsert": {
                    "status": PENDING,
                    "attempts": 0,
                    "max_attempts": max_attempts,
                    "available_at": now,
                    "created_at": now,
                    "updated_at": now,
                    "last_error": None,
                },
            },
            upsert=True,
        )
        for company in due
    ]
    try:
        outcome = await db[QUEUE].bulk_write(operations, ordered=False)
        upserted = outcome.upserted_ids or {}
        matched, modified = outcome.matched_count, outcome.modified_count
    except BulkWriteError as exc:
        details = exc.details
        others = [error for error in details.get("writeErrors", []) if error.get("code") != DUPLICATE_KEY]
        if others:
            raise
        # Another enqueuer inserted the same company's job between our match and insert: already queued.
        upserted = {item["index"]: item["_id"] for item in details.get("upserted", [])}
        matched, modified = details.get("nMatched", 0), details.get("nModified", 0)
        result.already_queued += len(details.get("writeErrors", []))
    result.enqueued = len(upserted)
    result.companies = sorted(due[index].slug for index in upserted)
    result.already_queued += matched
    result.raised = modified
    return result


async def claim(db: Database, worker_id: str, lease: timedelta, *, now: datetime | None = None) -> Job | None:
    """Atomically take the best claimable job (pending, or failed whose retry time came): highest priority,
    then oldest `available_at`. Sets processing, the lease and attempts + 1. None when nothing is claimable."""
    now = now or utcnow()
    doc = await db[QUEUE].find_one_and_update(
        {"status": {"$in": list(CLAIMABLE)}, "available_at": {"$lte": now}},
        {
            "$set": {
                "status": PROCESSING,
                "lease_owner": worker_id,
                "lease_until": now + lease,
                "heartbeat_at": now,
                "started_at": now,
                "updated_at": now,
            },
            "$inc": {"attempts": 1},
        },
        sort=[("priority", -1), ("available_at", 1)],
        return_document=ReturnDocument.AFTER,
    )
    return Job.from_doc(doc) if doc else None


async def heartbeat(db: Database, job: Job, worker_id: str, lease: timedelta, *, now: datetime | None = None) -> None:
    """Extend the lease to now + `lease`. Raises `LeaseLost` if the caller no longer holds the job."""
    now = now or utcnow()
    until = now + lease
    outcome = await db[QUEUE].update_one(
        _owned(job, worker_id), {"$set": {"lease_until": until, "heartbeat_at": now, "updated_at": now}}
    )
    if outcome.matched_count == 0:
        raise LeaseLost(f"job {job.id} ({job.company}) is no longer held by {worker_id}")
    job.lease_until = until


async def complete(db: Database, job: Job, worker_id: str, *, now: datetime | None = None) -> None:
    """Mark the job done (kept as history). Raises `LeaseLost` if the caller no longer holds the job."""
    now = now or utcnow()
    outcome = await db[QUEUE].update_one(
        _owned(job, worker_id),
        {
            "$set": {"status": DONE, "finished_at": now, "updated_at": now},
            "$unset": {"active": "", "lease_until": ""},
        },
    )
    if outcome.matched_count == 0:
        raise LeaseLost(f"job {job.id} ({job.company}) is no longer held by {worker_id}")
    job.status = DONE


async def fail(
    db: Database,
    job: Job,
    worker_id: str,
    error: str,
    *,
    retryable: bool = True,
    now: datetime | None = None,
    unit: float | None = None,
) -> str:
    """Record a failed attempt and return the new status.

    `failed` (retry after an exponential, jittered backoff) while attempts remain and the error is retryable;
    otherwise `dead`, with the last error kept. Raises `LeaseLost` if the caller no longer holds the job.
    `unit` pins the backoff jitter (tests); by default it is random.
    """
    now = now or utcnow()
    message = _clean_error(error)
    if retryable and job.attempts < job.max_attempts:
        delay = scheduling.retry_delay(job.attempts, _rng.random() if unit is None else unit)
        status = FAILED
        update: dict[str, Any] = {
            "$set": {"status": FAILED, "available_at": now + delay, "last_error": message, "updated_at": now},
            "$unset": {"lease_until": ""},
        }
    else:
        status = DEAD
        update = {
            "$set": {"status": DEAD, "last_error": message, "finished_at": now, "updated_at": now},
            "$unset": {"active": "", "lease_until": ""},
        }
    outcome = await db[QUEUE].update_one(_owned(job, worker_id), update)
    if outcome.matched_count == 0:
        raise LeaseLost(f"job {job.id} ({job.company}) is no longer held by {worker_id}")
    job.status = status
    job.last_error = message
    return status


async def release(db: Database, job: Job, worker_id: str, *, now: datetime | None = None) -> None:
    """Give the job back untouched (graceful shutdown): pending again, this attempt not counted.
    Raises `LeaseLost` if the caller no longer holds the job."""
    now = now or utcnow()
    outcome = await db[QUEUE].update_one(
        _owned(job, worker_id),
        {
            "$set": {"status": PENDING, "updated_at": now},
            "$unset": {"lease_owner": "", "lease_until": ""},
            "$inc": {"attempts": -1},
        },
    )
    if outcome.matched_count == 0:
        raise LeaseLost(f"job {job.id} ({job.company}) is no longer held by {worker_id}")
    job.status = PENDING
    job.attempts -= 1


async def reclaim_expired(db: Database, *, now: datetime | None = None) -> int:
    """Processing jobs whose lease passed: back to pending (the attempt stays counted), or dead when that was
    their last attempt. Returns how many jobs were reclaimed (both kinds). Two round trips."""
    now = now or utcnow()
    expired = {"status": PROCESSING, "lease_until": {"$lt": now}}
    dead = await db[QUEUE].update_many(
        {**expired, "$expr": {"$gte": ["$attempts", "$max_attempts"]}},
        {
            "$set": {"status": DEAD, "last_error": LEASE_EXPIRED_ERROR, "finished_at": now, "updated_at": now},
            "$unset": {"active": "", "lease_until": ""},
        },
    )
    pending = await db[QUEUE].update_many(
        expired,
        {
            "$set": {"status": PENDING, "last_error": LEASE_EXPIRED_ERROR, "updated_at": now},
            "$unset": {"lease_owner": "", "lease_until": ""},
        },
    )
    return dead.modified_count + pending.modified_count


async def queue_counts(db: Database) -> dict[str, int]:
    """Number of jobs in each status (every status present, zero when none)."""
    counts = dict.fromkeys(STATUSES, 0)
    cursor = await db[QUEUE].aggregate([{"$group": {"_id": "$status", "n": {"$sum": 1}}}])
    async for doc in cursor:
        counts[str(doc["_id"])] = int(doc["n"])
    return counts


# --- inspection and repair (for `scoutly status` and `scoutly debug`) ----------------------------------------
async def find_job(db: Database, job_id: Any) -> Document | None:
    """One job document by id."""
    return await db[QUEUE].find_one({"_id": job_id})


async def jobs_in(
    db: Database, status: str, *, newest_first_by: str | None = None, oldest_first_by: str | None = None, limit: int = 0
) -> list[Document]:
    """Job documents in `status`, sorted by one field (ascending or descending), at most `limit` (0: all)."""
    cursor = db[QUEUE].find({"status": status})
    if oldest_first_by:
        cursor = cursor.sort(oldest_first_by, 1)
    elif newest_first_by:
        cursor = cursor.sort(newest_first_by, -1)
    if limit:
        cursor = cursor.limit(limit)
    return await cursor.to_list(None)


async def count_in(db: Database, status: str) -> int:
    """How many jobs are in `status`."""
    return await db[QUEUE].count_documents({"status": status})


async def count_claimable(db: Database, *, now: datetime | None = None) -> int:
    """Jobs a processor could claim right now (pending, or failed with their retry time reached)."""
    now = now or utcnow()
    return await db[QUEUE].count_documents({"status": {"$in": list(CLAIMABLE)}, "available_at": {"$lte": now}})


async def expired_leases(db: Database, *, now: datetime | None = None) -> list[Document]:
    """Processing jobs whose lease has passed (their worker died or lost MongoDB); `reclaim_expired` frees them."""
    now = now or utcnow()
    return await db[QUEUE].find({"status": PROCESSING, "lease_until": {"$lt": now}}).to_list(None)


async def live_status_by_company(db: Database) -> dict[str, str]:
    """Company → status of its live (pending, processing or failed) job."""
    cursor = db[QUEUE].find({"active": True}, {"company": 1, "status": 1})
    return {doc["company"]: str(doc.get("status")) async for doc in cursor}


async def requeue_dead_job(db: Database, job_id: Any, *, now: datetime | None = None) -> bool:
    """A dead job becomes pending again with a fresh attempt budget. False when it is no longer dead; raises
    `DuplicateKeyError` when its company meanwhile got another live job (one live job per company)."""
    now = now or utcnow()
    update = await db[QUEUE].update_one(
        {"_id": job_id, "status": DEAD},
        {
            "$set": {
                "status": PENDING,
                "active": True,
                "attempts": 0,
                "available_at": now,
                "updated_at": now,
                "requeued_at": now,
            },
            "$unset": {"finished_at": "", "lease_owner": "", "lease_until": ""},
        },
    )
    return bool(update.modified_count)
