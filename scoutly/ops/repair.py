"""Operator repairs behind `scoutly debug`: stuck jobs back to the queue, dead jobs given another chance."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pymongo.errors import DuplicateKeyError

from scoutly import queue
from scoutly.clock import utcnow
from scoutly.storage.types import Database, Document


@dataclass
class RepairResult:
    companies: list[str] = field(default_factory=list)  # repaired (or, in a dry run, would be)
    skipped: list[str] = field(default_factory=list)  # e.g. a live job already exists


async def stuck_jobs(db: Database, *, now: datetime | None = None) -> list[Document]:
    """Processing jobs whose lease has expired (their worker died or lost MongoDB)."""
    return await queue.expired_leases(db, now=now)


async def reset_stuck(db: Database, *, dry_run: bool = False, now: datetime | None = None) -> RepairResult:
    """Reclaim expired leases now (what processors do every minute): pending again, or dead after the
    last attempt."""
    now = now or utcnow()
    result = RepairResult(companies=sorted(doc["company"] for doc in await stuck_jobs(db, now=now)))
    if not dry_run and result.companies:
        await queue.reclaim_expired(db, now=now)
    return result


async def requeue_dead(db: Database, *, company: str | None = None, dry_run: bool = False) -> RepairResult:
    """Dead jobs become pending again with a fresh attempt budget (their `runs` keep the history).

    A company that meanwhile got a new live job is skipped (the one-live-job-per-company index)."""
    result = RepairResult()
    now = utcnow()
    dead = await queue.jobs_in(db, queue.DEAD, newest_first_by="finished_at")
    live = await queue.live_status_by_company(db)
    for doc in dead:
        if company and doc["company"] != company:
            continue
        if doc["company"] in live or doc["company"] in result.companies:
            result.skipped.append(doc["company"])
            continue
        if dry_run:
            result.companies.append(doc["company"])
            continue
        try:
            requeued = await queue.requeue_dead_job(db, doc["_id"], now=now)
        except DuplicateKeyError:
            result.skipped.append(doc["company"])
            continue
        if requeued:
            result.companies.append(doc["company"])
    return result
