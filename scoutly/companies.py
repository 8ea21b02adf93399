"""Company and tracking repository helpers: scrape bookkeeping and effective ranks.

The *effective rank* of a company is the highest rank any active user gave it; inactive users and inactive
companies do not count. `tracked_companies` computes it for every company in one aggregation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scoutly import scheduling
from scoutly.clock import as_utc, utcnow
from scoutly.errors import InputError
from scoutly.storage.indexes import COMPANIES, TRACKINGS, USERS
from scoutly.storage.types import Database, Document


@dataclass(frozen=True)
class TrackedCompany:
    """An active company tracked by at least one active user, with what scheduling needs."""

    slug: str
    name: str
    rank: int  # effective rank
    trackers: int  # active users tracking it
    last_success_at: datetime | None
    last_scraped_at: datetime | None
    consecutive_failures: int

    @property
    def band(self) -> scheduling.Band:
        return scheduling.band_for(self.rank)

    def next_due(self) -> datetime | None:
        """When it falls due (None = now: never scraped)."""
        return scheduling.next_due(
            self.rank,
            self.slug,
            self.last_success_at,
            last_scraped_at=self.last_scraped_at,
            consecutive_failures=self.consecutive_failures,
        )

    def is_due(self, now: datetime) -> bool:
        due = self.next_due()
        return due is None or now >= due


# trackings ⋈ users (active) → max rank per company ⋈ companies (active). Both joins are on `_id` (the primary
# index); no stage builds per-user arrays, so the work is linear in the number of trackings.
EFFECTIVE_RANK_PIPELINE: list[dict[str, Any]] = [
    {"$project": {"_id": 0, "user": 1, "company": 1, "rank": 1}},
    {"$lookup": {"from": USERS, "localField": "user", "foreignField": "_id", "as": "owner"}},
    {"$match": {"owner.active": True}},
    {"$group": {"_id": "$company", "rank": {"$max": "$rank"}, "trackers": {"$sum": 1}}},
    {"$lookup": {"from": COMPANIES, "localField": "_id", "foreignField": "_id", "as": "company"}},
    {"$unwind": "$company"},
    {"$match": {"company.active": True}},
    {
        "$project": {
            "rank": 1,
            "trackers": 1,
            "name": "$company.name",
            "last_success_at": "$company.last_success_at",
            "last_scraped_at": "$company.last_scraped_at",
            "consecutive_failures": "$company.consecutive_failures",
        }
    },
]


async def tracked_companies(db: Database) -> list[TrackedCompany]:
    """Every active company tracked by an active user, with its effective rank (one aggregation)."""
    cursor = await db[TRACKINGS].aggregate(EFFECTIVE_RANK_PIPELINE)
    result = []
    async for doc in cursor:
        rank = doc.get("rank")
        if not isinstance(rank, int) or not scheduling.MIN_RANK <= rank <= scheduling.MAX_RANK:
            continue  # seeding and `track` validate ranks; never schedule from a corrupted one
        result.append(
            TrackedCompany(
                slug=doc["_id"],
                name=doc.get("name") or doc["_id"],
                rank=rank,
                trackers=int(doc.get("trackers") or 0),
                last_success_at=as_utc(doc.get("last_success_at")),
                last_scraped_at=as_utc(doc.get("last_scraped_at")),
                consecutive_failures=int(doc.get("consecutive_failures") or 0),
            )
        )
    return result


async def mark_scraped(
    db: Database, slug: str, *, success: bool, strategy: str | None, now: datetime | None = None
) -> None:
    """Record a scrape attempt: `last_scraped_at`, and on success `last_success_at` + failures reset to 0,
    else one more consecutive failure. `strategy` (the acquisition strategy that worked) is kept when given."""
    now = now or utcnow()
    update: dict[str, Any] = {"$set": {"last_scraped_at": now, "updated_at": now}}
    if strategy is not None:
        update["$set"]["strategy"] = strategy
    if success:
        update["$set"]["last_success_at"] = now
        update["$set"]["consecutive_failures"] = 0
    else:
        update["$inc"] = {"consecutive_failures": 1}
    await db[COMPANIES].update_one({"_id": slug}, update)


async def _require(db: Database, email: str, slug: str) -> tuple[str, str]:
    email, slug = email.strip().lower(), slug.strip().lower()
    if await db[USERS].find_one({"_id": email}, {"_id": 1}) is None:
        raise InputError(f"user {email!r}: unknown user (add it with `scoutly seed users`)")
    if await db[COMPANIES].find_one({"_id": slug}, {"_id": 1}) is None:
        raise InputError(f"company {slug!r}: unknown company (add it with `scoutly seed companies`)")
    return email, slug


async def track(db: Database, email: str, slug: str, rank: object, *, now: datetime | None = None) -> str:
    """Set a user's rank of a company; returns "created", "updated" or "unchanged".
    Raises `InputError` for a rank outside 1–100 or an unknown user/company."""
    try:
        rank = scheduling.validate_rank(rank)
    except scheduling.RankError as exc:
        raise InputError(f"--rank: {exc}") from None
    email, slug = await _require(db, email, slug)
    now = now or utcnow()
    key = {"user": email, "company": slug}
    existing = await db[TRACKINGS].find_one(key, {"rank": 1})
    if existing is not None and existing.get("rank") == rank:
        return "unchanged"
    outcome = await db[TRACKINGS].update_one(
        key, {"$set": {"rank": rank, "updated_at": now}, "$setOnInsert": {"created_at": now}}, upsert=True
    )
    return "created" if outcome.upserted_id is not None else "updated"


async def untrack(db: Database, email: str, slug: str) -> bool:
    """Stop a user tracking a company; False when they were not tracking it. Unknown user/company: `InputError`."""
    email, slug = await _require(db, email, slug)
    outcome = await db[TRACKINGS].delete_one({"user": email, "company": slug})
    return outcome.deleted_count == 1


async def find_company(db: Database, slug: str) -> Document | None:
    """One company document by slug."""
    return await db[COMPANIES].find_one({"_id": slug})
