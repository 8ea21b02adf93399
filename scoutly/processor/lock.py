"""Processors in MongoDB: the one-processor-per-host lease and every processor's heartbeat.

Both live in `processors`: `lock:<host>` holds the lease (owner, pid, lease_until), `worker:<id>` the
heartbeat (host, pid, in-flight companies, counts). Taking the lease is one atomic upsert: it matches
only when the lock is free, expired or already ours; otherwise the insert collides on `_id` and fails.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from scoutly.clock import as_utc, utcnow
from scoutly.errors import ScoutlyError
from scoutly.storage.indexes import PROCESSORS
from scoutly.storage.types import Database, Document


class HostLocked(ScoutlyError):
    """Another live processor holds this host's lock."""


def lock_id(host: str) -> str:
    return f"lock:{host}"


def worker_doc_id(worker_id: str) -> str:
    return f"worker:{worker_id}"


async def acquire_host_lock(
    db: Database, host: str, owner: str, lease: timedelta, *, pid: int | None = None, now: datetime | None = None
) -> Document:
    """Take (or renew) the host lock for `owner`; raise `HostLocked` naming the holder when it is taken."""
    now = now or utcnow()
    try:
        taken = await db[PROCESSORS].find_one_and_update(
            {"_id": lock_id(host), "$or": [{"owner": owner}, {"lease_until": {"$lt": now}}]},
            {
                "$set": {
                    "kind": "host_lock",
                    "host": host,
                    "owner": owner,
                    "pid": pid,
                    "lease_until": now + lease,
                    "acquired_at": now,
                    "refreshed_at": now,
                }
            },
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
    except DuplicateKeyError:
        holder = await db[PROCESSORS].find_one({"_id": lock_id(host)}) or {}
        until = as_utc(holder.get("lease_until"))
        raise HostLocked(
            f"another processor ({holder.get('owner')}, pid {holder.get('pid')}) already runs on {host} "
            f"(lock held until {until:%Y-%m-%d %H:%M:%S} UTC); use --ignore-host-lock to run a second one"
            if until
            else f"another processor already runs on {host}; use --ignore-host-lock to run a second one"
        ) from None
    assert taken is not None  # an upsert returning the document after the update always has one
    return taken


async def refresh_host_lock(
    db: Database, host: str, owner: str, lease: timedelta, *, now: datetime | None = None
) -> bool:
    """Extend our lease; False when the lock is no longer ours."""
    now = now or utcnow()
    result = await db[PROCESSORS].update_one(
        {"_id": lock_id(host), "owner": owner}, {"$set": {"lease_until": now + lease, "refreshed_at": now}}
    )
    return result.matched_count == 1


async def release_host_lock(db: Database, host: str, owner: str) -> bool:
    """Give the lock up (only if it is still ours)."""
    result = await db[PROCESSORS].delete_one({"_id": lock_id(host), "owner": owner})
    return result.deleted_count == 1


async def record_heartbeat(
    db: Database,
    worker_id: str,
    *,
    host: str,
    pid: int,
    started_at: datetime,
    state: dict[str, Any],
    now: datetime | None = None,
) -> None:
    """Upsert this processor's heartbeat with its current state (in-flight companies, counts, mode)."""
    now = now or utcnow()
    await db[PROCESSORS].update_one(
        {"_id": worker_doc_id(worker_id)},
        {
            "$set": {
                "kind": "worker",
                "worker": worker_id,
                "host": host,
                "pid": pid,
                "started_at": started_at,
                "heartbeat_at": now,
                "stopped_at": None,
                **state,
            }
        },
        upsert=True,
    )


async def mark_stopped(db: Database, worker_id: str, *, now: datetime | None = None, **state: Any) -> None:
    """Record a clean exit, so status does not wait for the heartbeat to go stale."""
    now = now or utcnow()
    await db[PROCESSORS].update_one(
        {"_id": worker_doc_id(worker_id)}, {"$set": {"stopped_at": now, "heartbeat_at": now, **state}}
    )


def is_alive(doc: Document, *, now: datetime, stale_after: timedelta) -> bool:
    """A processor is alive when it has not stopped and its heartbeat is recent."""
    beat = as_utc(doc.get("heartbeat_at"))
    return doc.get("stopped_at") is None and beat is not None and now - beat <= stale_after


async def processors_seen(db: Database, *, since: datetime) -> list[Document]:
    """Heartbeat documents of processors seen since `since`, most recent first."""
    cursor = db[PROCESSORS].find({"kind": "worker", "heartbeat_at": {"$gte": since}}).sort("heartbeat_at", -1)
    return await cursor.to_list(None)
