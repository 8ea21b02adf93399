"""The `matches` repository: one match per (user, posting), from keywords and/or Gemini, with a status."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from pymongo import DESCENDING
from pymongo.errors import DuplicateKeyError

from scoutly.clock import utcnow
from scoutly.errors import InputError
from scoutly.storage.indexes import MATCHES
from scoutly.storage.records import MatchRecord, PostingRecord, as_match
from scoutly.storage.types import Database, Document

STATUSES = ("new", "seen", "applied", "dismissed")


def _posting_fields(posting: PostingRecord) -> Document:
    # Copies of the posting's own fields (the URL is the one the page/feed gave), for listings and messages.
    return {
        "company": posting.get("company"),
        "title": posting.get("title"),
        "url": posting.get("url"),
        "location": posting.get("location"),
    }


async def _upsert(db: Database, user: str, posting: PostingRecord, update: Document) -> bool:
    """Upsert under the unique (user, posting) index; a lost insert race is retried as an update."""
    for _ in range(2):
        try:
            result = await db[MATCHES].update_one({"user": user, "posting": posting["_id"]}, update, upsert=True)
            return result.upserted_id is not None or result.modified_count > 0
        except DuplicateKeyError:
            continue
    return False


async def save_keyword_match(
    db: Database, user: str, posting: PostingRecord, hits: list[str], *, now: datetime
) -> bool:
    """A keyword tracker fired. Never downgrades a Gemini match (source/score are set on insert only)."""
    return await _upsert(
        db,
        user,
        posting,
        {
            "$set": {"keyword_hits": hits, "updated_at": now},
            "$setOnInsert": {
                **_posting_fields(posting),
                "source": "keyword",
                "score": None,
                "analysis": None,
                "status": "new",
                "notified_at": None,
                "created_at": now,
            },
        },
    )


async def save_gemini_match(
    db: Database, user: str, posting: PostingRecord, analysis: Document, *, create: bool, now: datetime
) -> bool:
    """Gemini judged the posting: set score and analysis; create the match only when `create` (score high
    enough), otherwise only enrich an existing (keyword) match."""
    fields = {"source": "gemini", "score": analysis["score"], "analysis": analysis, "updated_at": now}
    if not create:
        result = await db[MATCHES].update_one({"user": user, "posting": posting["_id"]}, {"$set": fields})
        return result.modified_count > 0
    return await _upsert(
        db,
        user,
        posting,
        {
            "$set": fields,
            "$setOnInsert": {**_posting_fields(posting), "status": "new", "notified_at": None, "created_at": now},
        },
    )


async def list_matches(
    db: Database, *, user: str | None = None, status: str | None = None, min_score: int | None = None, limit: int = 200
) -> list[MatchRecord]:
    """Matches, best first (Gemini score, then newest). `min_score` leaves out unscored keyword matches."""
    query: dict[str, Any] = {}
    if user:
        query["user"] = user.strip().lower()
    if status:
        if status not in STATUSES:
            raise InputError(f"--status: {status!r} is not one of {', '.join(STATUSES)}")
        query["status"] = status
    if min_score is not None:
        query["score"] = {"$gte": min_score}
    cursor = db[MATCHES].find(query).sort([("score", DESCENDING), ("created_at", DESCENDING)]).limit(limit)
    return [as_match(doc) async for doc in cursor]


async def mark(db: Database, match_id: str, status: str) -> MatchRecord:
    """Change a match's status; InputError for an unknown id or status."""
    if status not in STATUSES:
        raise InputError(f"STATUS: {status!r} is not one of {', '.join(STATUSES)}")
    try:
        oid = ObjectId(match_id)
    except (InvalidId, TypeError):
        raise InputError(f"ID: {match_id!r} is not a match id (24 hex characters)") from None
    updated = await db[MATCHES].find_one_and_update(
        {"_id": oid}, {"$set": {"status": status, "updated_at": utcnow()}}, return_document=True
    )
    if updated is None:
        raise InputError(f"ID: no match {match_id}")
    return as_match(updated)
