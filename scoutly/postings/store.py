"""Storage of postings (the `postings` collection): what acquisition found, as upserts on the unique (company, key).

- `known_postings` — key → open? for a company (what the diff compares against);
- `known_state` — the same plus URL keys and miss counts, in one query;
- `record_listing` — upsert every found posting (new ones get `first_seen_at`, `baseline`, `description`; all get
  `last_seen_at`, are (re)opened and their miss count reset), count a miss for the missing ones, then close the
  removed ones. Returns the inserted documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bson import ObjectId
from pymongo import UpdateOne

from scoutly.acquire.models import PostingFound
from scoutly.acquire.urls import url_key
from scoutly.clock import utcnow
from scoutly.postings.diff import PostingDiff
from scoutly.storage.indexes import POSTINGS
from scoutly.storage.records import PostingRecord, as_posting
from scoutly.storage.types import Database

# Listing fields refreshed on every sighting when the listing knows them (a missing value never erases one).
_REFRESHED = ("title", "url", "location", "department", "employment_type", "remote")


@dataclass
class RecordResult:
    new: list[PostingRecord] = field(default_factory=list)  # inserted documents (with _id)
    removed: int = 0


async def known_postings(db: Database, company: str) -> dict[str, bool]:
    """Every posting key ever recorded for `company` → True while open."""
    cursor = db[POSTINGS].find({"company": company}, {"key": 1, "closed_at": 1, "_id": 0})
    return {doc["key"]: doc.get("closed_at") is None async for doc in cursor}


@dataclass
class KnownState:
    """What the diff needs to know about a company's recorded postings."""

    open: dict[str, bool] = field(default_factory=dict)  # key → open?
    urls: dict[str, str] = field(default_factory=dict)  # canonical URL key → posting key
    missed: dict[str, int] = field(default_factory=dict)  # key → consecutive complete listings without it


async def known_state(db: Database, company: str) -> KnownState:
    """Every recorded posting of `company`, in one query."""
    state = KnownState()
    projection = {"key": 1, "closed_at": 1, "url": 1, "missed": 1, "_id": 0}
    async for doc in db[POSTINGS].find({"company": company}, projection):
        state.open[doc["key"]] = doc.get("closed_at") is None
        if doc.get("url"):
            state.urls[url_key(doc["url"])] = doc["key"]
        if doc.get("missed"):
            state.missed[doc["key"]] = int(doc["missed"])
    return state


async def known_urls(db: Database, company: str) -> dict[str, str]:
    """Canonical URL key → posting key, for every recorded posting of `company` that has a URL."""
    cursor = db[POSTINGS].find({"company": company, "url": {"$ne": None}}, {"key": 1, "url": 1, "_id": 0})
    return {url_key(doc["url"]): doc["key"] async for doc in cursor if doc.get("url")}


async def has_postings(db: Database, company: str) -> bool:
    return await db[POSTINGS].find_one({"company": company}, {"_id": 1}) is not None


def new_posting_doc(company: str, posting: PostingFound, *, baseline: bool, now: datetime) -> PostingRecord:
    """The document a new posting is stored as (also what a dry run reports, without `_id`)."""
    return {
        "company": company,
        "key": posting.key,
        "title": posting.title,
        "url": posting.url,
        "location": posting.location,
        "department": posting.department,
        "employment_type": posting.employment_type,
        "remote": posting.remote,
        "description": posting.description,
        "source": posting.source,
        "baseline": baseline,
        "first_seen_at": now,
        "last_seen_at": now,
        "closed_at": None,
        "missed": 0,
    }


async def record_listing(
    db: Database, company: str, diff: PostingDiff, *, baseline: bool, now: datetime | None = None
) -> RecordResult:
    """Persist a diff: upsert found postings (idempotent), close removed ones. Safe to repeat after a crash."""
    now = now or utcnow()
    result = RecordResult()
    found = diff.new + diff.still_open + diff.reopened
    operations = []
    for posting in found:
        refreshed = {name: getattr(posting, name) for name in _REFRESHED if getattr(posting, name) is not None}
        inserted = new_posting_doc(company, posting, baseline=baseline, now=now)
        update = {**refreshed, "last_seen_at": now, "closed_at": None, "missed": 0}
        on_insert = {k: v for k, v in inserted.items() if k not in update}
        operations.append(
            UpdateOne(
                {"company": company, "key": posting.key}, {"$set": update, "$setOnInsert": on_insert}, upsert=True
            )
        )
    for key, misses in diff.missing.items():  # $max, not $inc: repeating a record after a crash changes nothing
        operations.append(UpdateOne({"company": company, "key": key, "closed_at": None}, {"$max": {"missed": misses}}))
    if operations:
        written = await db[POSTINGS].bulk_write(operations, ordered=False)
        inserted_ids = [i for _, i in sorted((written.upserted_ids or {}).items())]
        if inserted_ids:
            by_id = await postings_by_id(db, inserted_ids)
            result.new = [by_id[i] for i in inserted_ids if i in by_id]
    if diff.removed:
        closed = await db[POSTINGS].update_many(
            {"company": company, "key": {"$in": diff.removed}, "closed_at": None},
            {"$set": {"closed_at": now}},
        )
        result.removed = closed.modified_count
    return result


async def postings_by_id(db: Database, ids: list[ObjectId]) -> dict[ObjectId, PostingRecord]:
    """The stored postings with these `_id`s (those that exist), by `_id`."""
    return {doc["_id"]: as_posting(doc) async for doc in db[POSTINGS].find({"_id": {"$in": ids}})}


async def titles_of(db: Database, company: str, keys: list[str]) -> list[str]:
    """Titles of a company's postings with the given keys."""
    query = {"company": company, "key": {"$in": keys}}
    return [doc["title"] async for doc in db[POSTINGS].find(query, {"title": 1})]
