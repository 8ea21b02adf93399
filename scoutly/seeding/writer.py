"""Write validated seed records: upserts by natural key, nothing touched when nothing changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pymongo import UpdateOne

from scoutly.analysis.profile import Profile
from scoutly.seeding.models import CompanySeed, UserSeed, cv_text
from scoutly.storage.indexes import COMPANIES, TRACKINGS, USERS
from scoutly.storage.types import Database


@dataclass
class Counts:
    """Per collection: records created, changed, and left alone because they were already the same."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} new, {self.updated} updated, {self.unchanged} unchanged"

    def add(self, other: Counts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged


@dataclass
class SeedReport:
    companies: Counts = field(default_factory=Counts)
    users: Counts = field(default_factory=Counts)
    trackings: Counts = field(default_factory=Counts)
    profiles: Counts = field(default_factory=Counts)  # users whose seed record gave profile fields
    warnings: list[str] = field(default_factory=list)  # seeded, but refused by the egress policy

    def summary(self) -> str:
        parts = []
        for name in ("companies", "users", "profiles", "trackings"):
            counts: Counts = getattr(self, name)
            if counts.created or counts.updated or counts.unchanged:
                parts.append(f"{name}: {counts}")
        return "; ".join(parts) or "nothing to seed"


def _changes(existing: dict[str, Any] | None, wanted: dict[str, Any]) -> dict[str, Any]:
    if existing is None:
        return dict(wanted)
    return {key: value for key, value in wanted.items() if existing.get(key) != value}


async def write_companies(db: Database, records: list[CompanySeed], now: datetime) -> Counts:
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


async def write_users(db: Database, records: list[UserSeed], now: datetime) -> tuple[Counts, Counts]:
    """Upsert users by email (name, active, and the profile fields the record gives); the second count is of the
    profiles a record gave. `profile_version` goes up only when the profile really changed."""
    users, profiles = Counts(), Counts()
    if not records:
        return users, profiles
    existing = {doc["_id"]: doc async for doc in db[USERS].find({"_id": {"$in": [r.email for r in records]}})}
    operations = []
    for record in records:
        doc = existing.get(record.email)
        changes = _changes(doc, {"name": record.name, "active": record.active})
        profile_set = _profile_change(record, doc, profiles)
        if doc is None:
            users.created += 1
            insert: dict[str, Any] = {"created_at": now}
            if profile_set is None:
                insert["profile_version"] = 0
            else:
                changes.update(profile=profile_set, profile_version=1)
            operations.append(
                UpdateOne(
                    {"_id": record.email}, {"$set": {**changes, "updated_at": now}, "$setOnInsert": insert}, upsert=True
                )
            )
            continue
        bump: dict[str, Any] = {}
        if profile_set is not None:
            changes["profile"] = profile_set
            bump["$inc"] = {"profile_version": 1}
        if changes:
            users.updated += 1
            operations.append(UpdateOne({"_id": record.email}, {"$set": {**changes, "updated_at": now}, **bump}))
        else:
            users.unchanged += 1
    if operations:
        await db[USERS].bulk_write(operations, ordered=False)
    return users, profiles


def _profile_change(record: UserSeed, doc: dict[str, Any] | None, counts: Counts) -> dict[str, Any] | None:
    """The whole profile to store when the record's profile fields change it, else None (counted either way)."""
    given = dict(record.profile)
    text = cv_text(record)
    if text is not None:
        given["cv_text"] = text
    if not given:
        return None
    stored = (doc or {}).get("profile")
    current = Profile.model_validate(stored or {})
    wanted = Profile.model_validate({**current.model_dump(), **given})
    if stored is None:
        counts.created += 1
    elif wanted != current:
        counts.updated += 1
    else:
        counts.unchanged += 1
        return None
    return wanted.model_dump()


async def write_trackings(db: Database, pairs: dict[tuple[str, str], int], now: datetime) -> Counts:
    """Upsert (user, company) → rank. Trackings are only added or re-ranked here, never removed
    (`scoutly untrack` removes one)."""
    counts = Counts()
    if not pairs:
        return counts
    emails = sorted({email for email, _ in pairs})
    slugs = sorted({slug for _, slug in pairs})
    ranks = {
        (doc["user"], doc["company"]): doc.get("rank")
        async for doc in db[TRACKINGS].find(
            {"user": {"$in": emails}, "company": {"$in": slugs}}, {"user": 1, "company": 1, "rank": 1}
        )
    }
    operations = []
    for (email, slug), rank in pairs.items():
        key = (email, slug)
        if key not in ranks:
            counts.created += 1
            operations.append(
                UpdateOne(
                    {"user": email, "company": slug},
                    {"$set": {"rank": rank, "updated_at": now}, "$setOnInsert": {"created_at": now}},
                    upsert=True,
                )
            )
        elif ranks[key] != rank:
            counts.updated += 1
            operations.append(UpdateOne({"user": email, "company": slug}, {"$set": {"rank": rank, "updated_at": now}}))
        else:
            counts.unchanged += 1
    if operations:
        await db[TRACKINGS].bulk_write(operations, ordered=False)
    return counts
