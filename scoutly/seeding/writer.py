"""Write validated seed records: upserts by natural key, nothing touched when nothing changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pymongo import UpdateOne

from scoutly.seeding.models import CompanySeed, UserSeed
from scoutly.storage.indexes import COMPANIES, TRACKINGS, USERS


@dataclass
class Counts:
    """Per collection: records created, changed, and left alone because they were already the same."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} new, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class SeedReport:
    companies: Counts = field(default_factory=Counts)
    users: Counts = field(default_factory=Counts)
    trackings: Counts = field(default_factory=Counts)

    def summary(self) -> str:
        parts = []
        for name in ("companies", "users", "trackings"):
            counts: Counts = getattr(self, name)
            if counts.created or counts.updated or counts.unchanged:
                parts.append(f"{name}: {counts}")
        return "; ".join(parts) or "nothing to seed"


def _changes(existing: dict[str, Any] | None, wanted: dict[str, Any]) -> dict[str, Any]:
    if existing is None:
        return dict(wanted)
    return {key: value for key, value in wanted.items() if existing.get(key) != value}


async def write_companies(db: Any, records: list[CompanySeed], now: datetime) -> Counts:
    """Upsert companies by slug; `updated_at` only moves when a field really changed."""
    counts = Counts()
    if not records:
        return counts
    existing = {doc["_id"]: doc async for doc in db[COMPANIES].find({"_id": {"$in": [r.slug for r in records]}})}
    operations = []
    for record in records:
        wanted = record.document()
        changes = _changes(existing.get(record.slug), wanted)
        if record.slug not in existing:
            counts.created += 1
            operations.append(
                UpdateOne(
                    {"_id": record.slug},
                    {
                        "$set": {**changes, "updated_at": now},
                        "$setOnInsert": {"created_at": now, "consecutive_failures": 0},
                    },
                    upsert=True,
                )
            )
        elif changes:
            counts.updated += 1
            operations.append(UpdateOne({"_id": record.slug}, {"$set": {**changes, "updated_at": now}}))
        else:
            counts.unchanged += 1
    if operations:
        await db[COMPANIES].bulk_write(operations, ordered=False)
    return counts


async def write_users(db: Any, records: list[UserSeed], now: datetime) -> tuple[Counts, Counts]:
    """Upsert users by email and their trackings by (user, company). Trackings are only added or re-ranked
    here, never removed (`scoutly untrack` removes one)."""
    users, trackings = Counts(), Counts()
    if not records:
        return users, trackings
    emails = [r.email for r in records]
    existing = {doc["_id"]: doc async for doc in db[USERS].find({"_id": {"$in": emails}})}
    operations = []
    for record in records:
        wanted = {"name": record.name, "active": record.active}
        changes = _changes(existing.get(record.email), wanted)
        if record.email not in existing:
            users.created += 1
            operations.append(
                UpdateOne(
                    {"_id": record.email},
                    {"$set": {**changes, "updated_at": now}, "$setOnInsert": {"created_at": now, "profile_version": 0}},
                    upsert=True,
                )
            )
        elif changes:
            users.updated += 1
            operations.append(UpdateOne({"_id": record.email}, {"$set": {**changes, "updated_at": now}}))
        else:
            users.unchanged += 1
    if operations:
        await db[USERS].bulk_write(operations, ordered=False)

    ranks = {
        (doc["user"], doc["company"]): doc.get("rank")
        async for doc in db[TRACKINGS].find({"user": {"$in": emails}}, {"user": 1, "company": 1, "rank": 1})
    }
    operations = []
    for record in records:
        for slug, rank in record.track.items():
            key = (record.email, slug)
            if key not in ranks:
                trackings.created += 1
                operations.append(
                    UpdateOne(
                        {"user": record.email, "company": slug},
                        {"$set": {"rank": rank, "updated_at": now}, "$setOnInsert": {"created_at": now}},
                        upsert=True,
                    )
                )
            elif ranks[key] != rank:
                trackings.updated += 1
                operations.append(
                    UpdateOne({"user": record.email, "company": slug}, {"$set": {"rank": rank, "updated_at": now}})
                )
            else:
                trackings.unchanged += 1
    if operations:
        await db[TRACKINGS].bulk_write(operations, ordered=False)
    return users, trackings
