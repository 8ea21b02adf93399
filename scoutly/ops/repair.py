"""Operator repairs behind `scoutly debug`: stuck jobs back to the queue, dead jobs given another chance."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from scoutly import queue
from scoutly.clock import utcnow
from scoutly.storage.indexes import QUEUE


@dataclass
class RepairResult:
    companies: list[str] = field(default_factory=list)  # repaired (or, in a dry run, would be)
    skipped: list[str] = field(default_factory=list)  # e.g. a live job already exists


async def stuck_jobs(db: Any, *, now: datetime | None = None) -> list[dict]:
    """Processing jobs whose lease has expired (their worker died or lost MongoDB)."""
    now = now or utcnow()
    return await db[QUEUE].find({"status": queue.PROCESSING, "lease_until": {"$lt": now}}).to_list(None)


async def reset_stuck(db: Any, *, dry_run: bool = False, now: datetime | None = None) -> RepairResult:
    """Reclaim expired leases now (what processors do every minute): pending again, or dead after the
    last attempt."""
    now = now or utcnow()
    result = RepairResult(companies=sorted(doc["company"] for doc in await stuck_jobs(db, now=now)))
    if not dry_run and result.companies:
        await queue.reclaim_expired(db, now=now)
    return result


async def requeue_dead(db: Any, *, company: str | None = None, dry_run: bool = False) -> RepairResult:
    """Dead jobs become pending again with a fresh attempt budget (their `runs` keep the history).

    A company that meanwhile got a new live job is skipped (the one-live-job-per-company index)."""
    query: dict[str, Any] = {"status": queue.DEAD}
    if company:
        query["company"] = company
    result = RepairResult()
    now = utcnow()
    for doc in await db[QUEUE].find(query).sort("finished_at", -1).to_list(None):
        live = await db[QUEUE].find_one({"company": doc["company"], "active": True}, {"_id": 1})
        if live is not None or doc["company"] in result.companies:
            result.skipped.append(doc["company"])
            continue
        if dry_run:
            result.companies.append(doc["company"])
            continue
        try:
            update = await db[QUEUE].update_one(
                {"_id": doc["_id"], "status": queue.DEAD},
                {
                    "$set": {
                        "status": queue.PENDING,
                        "active": True,
                        "attempts": 0,
                        "available_at": now,
                        "updated_at": now,
                        "requeued_at": now,
                    },
                    "$unset": {"finished_at": "", "lease_owner": "", "lease_until": ""},
                },
            )
        except DuplicateKeyError:
            result.skipped.append(doc["company"])
            continue
        if update.modified_count:
            result.companies.append(doc["company"])
    return result
