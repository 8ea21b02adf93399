"""The `analyses` ledger: a (posting, user, profile version, stage) is judged at most once, ever.

A worker *claims* a key before paying for it (insert of a `pending` document under the unique index), so
concurrent workers never pay twice; the claim ends as `done` (with the result), `failed` (with the reason,
not retried) or `parked` (waiting for the quota reset or an outage to pass; `resume_parked` reclaims it).
A claim whose lease expired (its worker died) can be reclaimed too: no work is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from scoutly.storage.indexes import ANALYSES
from scoutly.storage.types import Database, Document

LEASE = timedelta(minutes=30)
MAX_OUTAGE_PARKS = 5


@dataclass(frozen=True)
class Key:
    """The identity of one judgement."""

    posting: Any
    user: str
    profile_version: int
    stage: str  # "screen" | "deep"

    def filter(self) -> Document:
        return {
            "posting": self.posting,
            "user": self.user,
            "profile_version": self.profile_version,
            "stage": self.stage,
        }


def reclaimable(now: datetime) -> Document:
    """Filter of claims that may be taken over: parked ones that are due, and pending ones whose lease ran out."""
    return {
        "$or": [
            {"status": "parked", "parked_until": {"$lte": now}},
            {"status": "pending", "lease_until": {"$lt": now}},
        ]
    }


async def claim(db: Database, key: Key, *, company: str, owner: str, now: datetime) -> bool:
    """Take `key` for this worker; False when it is done, failed, or being worked on by someone else."""
    doc = {
        **key.filter(),
        "company": company,
        "status": "pending",
        "owner": owner,
        "lease_until": now + LEASE,
        "created_at": now,
        "updated_at": now,
    }
    try:
        await db[ANALYSES].insert_one(doc)
        return True
    except DuplicateKeyError:
        taken = await db[ANALYSES].find_one_and_update(
            {**key.filter(), **reclaimable(now)},
            {"$set": {"status": "pending", "owner": owner, "lease_until": now + LEASE, "updated_at": now}},
        )
        return taken is not None


async def claim_existing(db: Database, doc_id: Any, *, owner: str, now: datetime) -> Document | None:
    """Take over one parked/expired claim by its `_id` (resume); None when someone else got it first."""
    return await db[ANALYSES].find_one_and_update(
        {"_id": doc_id, **reclaimable(now)},
        {"$set": {"status": "pending", "owner": owner, "lease_until": now + LEASE, "updated_at": now}},
    )


async def _finish(db: Database, key: Key, owner: str, fields: Document, now: datetime) -> None:
    await db[ANALYSES].update_one(
        {**key.filter(), "owner": owner, "status": "pending"},
        {"$set": {**fields, "updated_at": now}, "$unset": {"lease_until": ""}},
    )


async def record(db: Database, key: Key, *, owner: str, result: Document, model: str, now: datetime) -> None:
    """The judgement is made: keep it (never asked again for this profile version)."""
    await _finish(db, key, owner, {"status": "done", "result": result, "model": model, "completed_at": now}, now)


async def fail(db: Database, key: Key, *, owner: str, reason: str, now: datetime) -> None:
    """The judgement cannot be made (400, safety block, malformed twice): recorded, not retried."""
    await _finish(db, key, owner, {"status": "failed", "reason": reason[:300], "completed_at": now}, now)


async def park(
    db: Database, key: Key, *, owner: str, until: datetime, reason: str, now: datetime, outage: bool = False
) -> bool:
    """Wait (persisted) until `until`: quota reset or an outage; `resume_parked` picks it up then.

    Outages are counted: after MAX_OUTAGE_PARKS the judgement is recorded as failed instead (returns False),
    so a request that keeps failing does not spend quota forever. Quota waits are never counted.
    """
    fields: dict[str, Any] = {"status": "parked", "parked_until": until, "reason": reason[:300], "updated_at": now}
    update: dict[str, Any] = {"$set": fields, "$unset": {"lease_until": ""}}
    if outage:
        update["$inc"] = {"outage_parks": 1}
    doc = await db[ANALYSES].find_one_and_update(
        {**key.filter(), "owner": owner, "status": "pending"}, update, return_document=ReturnDocument.AFTER
    )
    if outage and doc is not None and doc.get("outage_parks", 0) >= MAX_OUTAGE_PARKS:
        await db[ANALYSES].update_one(
            {"_id": doc["_id"], "status": "parked"},
            {"$set": {"status": "failed", "reason": f"gave up after {MAX_OUTAGE_PARKS} outages: {reason}"[:300]}},
        )
        return False
    return True


async def supersede(db: Database, doc_id: Any, *, now: datetime) -> None:
    """A parked claim for an old profile version: the new version is judged instead."""
    await db[ANALYSES].update_one(
        {"_id": doc_id}, {"$set": {"status": "superseded", "updated_at": now}, "$unset": {"lease_until": ""}}
    )
