"""Announcing new matches: claim them, send one message per user and URL, mark them notified.

A match is announced once. Matches are first claimed with a short lease (`notify_claim`), so two
processors finishing at the same moment never send the same match twice; each successful send adds
the URL's key to `notified_via`; `notified_at` is set only when every URL of the user has it. A failed
send drops the claim, and the next run retries that URL only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from loguru import logger

from scoutly.clock import utcnow
from scoutly.config import Settings
from scoutly.notify.message import MatchItem, build_message, reasons_of
from scoutly.notify.sender import delivery_key, register_url_secrets, send
from scoutly.postings.store import postings_by_id
from scoutly.storage.indexes import COMPANIES, MATCHES, USERS
from scoutly.storage.records import MatchRecord, PostingRecord, as_match
from scoutly.storage.types import Database, Document

DEFAULT_MIN_SCORE = 60
CLAIM_LEASE = timedelta(minutes=10)
MAX_MATCHES_PER_MESSAGE = 50
RUN, DIGEST = "run", "digest"


@dataclass
class NotifyOutcome:
    """What a notification pass did."""

    users: int = 0
    messages_sent: int = 0
    matches_notified: int = 0
    failed_sends: int = 0
    pending: int = 0  # matches still waiting (failed send, or a user without URLs)
    errors: list[str] = field(default_factory=list)


def user_min_score(user: Document) -> int:
    value = (user.get("profile") or {}).get("min_score")
    return int(value) if isinstance(value, int | float) else DEFAULT_MIN_SCORE


def user_urls(user: Document) -> list[str]:
    return [url for url in ((user.get("notify") or {}).get("apprise_urls") or []) if url]


def user_mode(user: Document) -> str:
    return (user.get("notify") or {}).get("mode") or RUN


def _announce_keyword_matches(settings: Settings | None) -> bool:
    """Keyword matches without a Gemini score are announced only when Gemini is not configured
    (otherwise they wait for their score)."""
    return settings is None or settings.gemini_key() is None


def _wanted(user: Document, settings: Settings | None) -> Document:
    threshold: dict[str, Any] = {"score": {"$gte": user_min_score(user)}}
    if _announce_keyword_matches(settings):
        threshold = {"$or": [threshold, {"score": None, "keyword_hits.0": {"$exists": True}}]}
    return {"user": user["_id"], "status": "new", "notified_at": None, **threshold}


def _pending_filter(user: Document, settings: Settings | None, now: datetime) -> Document:
    return {
        "$and": [
            _wanted(user, settings),
            {"$or": [{"notify_claim": None}, {"notify_claim_until": {"$lt": now}}]},
        ]
    }


async def _items(db: Database, matches: list[MatchRecord]) -> dict[Any, MatchItem]:
    postings = await postings_by_id(db, [match["posting"] for match in matches])
    slugs = list({match["company"] for match in matches})
    names = {
        doc["_id"]: doc.get("name") or doc["_id"]
        for doc in await db[COMPANIES].find({"_id": {"$in": slugs}}, {"name": 1}).to_list(None)
    }
    items = {}
    for match in matches:
        posting: PostingRecord | Document = postings.get(match["posting"], {})  # {}: the posting is gone
        items[match["_id"]] = MatchItem(
            company=str(names.get(match["company"], match["company"])),
            title=posting.get("title") or match.get("title") or "(untitled posting)",
            url=posting.get("url") or match.get("url") or "",
            score=int(match.get("score") or 0),
            location=posting.get("location") or match.get("location"),
            reasons=reasons_of(match.get("analysis") or {"matched_keywords": match.get("keyword_hits")}),
        )
    return items


async def _notify_user(
    db: Database, user: Document, settings: Settings | None, *, digest: bool, outcome: NotifyOutcome
) -> None:
    urls = user_urls(user)
    now = utcnow()
    if not urls:
        outcome.pending += await db[MATCHES].count_documents(_wanted(user, settings))
        return
    for url in urls:
        register_url_secrets(url)
    candidates = (
        await db[MATCHES]
        .find(_pending_filter(user, settings, now), {"_id": 1})
        .sort([("score", -1), ("_id", 1)])
        .limit(MAX_MATCHES_PER_MESSAGE)
        .to_list(None)
    )
    if not candidates:
        return
    token = uuid.uuid4().hex
    ids = [doc["_id"] for doc in candidates]
    await db[MATCHES].update_many(
        {**_pending_filter(user, settings, now), "_id": {"$in": ids}},
        {"$set": {"notify_claim": token, "notify_claim_until": now + CLAIM_LEASE}},
    )
    claimed = [as_match(doc) for doc in await db[MATCHES].find({"notify_claim": token}).to_list(None)]
    if not claimed:
        return
    outcome.users += 1
    items = await _items(db, claimed)
    keys = [delivery_key(url) for url in urls]
    for url, key in zip(urls, keys, strict=True):
        todo = [match for match in claimed if key not in (match.get("notified_via") or [])]
        if not todo:
            continue
        message = build_message(user.get("name"), [items[match["_id"]] for match in todo], digest=digest)
        try:
            ok = await send(url, message.title, message.body)
        except Exception as exc:  # a broken service must not stop the others
            ok = False
            outcome.errors.append(f"{user['_id']}: {type(exc).__name__}: {exc}")
        if ok:
            outcome.messages_sent += 1
            todo_ids = [match["_id"] for match in todo]
            await db[MATCHES].update_many(
                {"_id": {"$in": todo_ids}, "notify_claim": token}, {"$addToSet": {"notified_via": key}}
            )
            for match in todo:
                match.setdefault("notified_via", []).append(key)
        else:
            outcome.failed_sends += 1
            logger.warning("notification to {} for {} failed; will retry next run", url, user["_id"])
    done = [match["_id"] for match in claimed if set(keys) <= set(match.get("notified_via") or [])]
    if done:
        result = await db[MATCHES].update_many(
            {"_id": {"$in": done}, "notify_claim": token, "notified_at": None},
            {"$set": {"notified_at": utcnow()}, "$unset": {"notify_claim": "", "notify_claim_until": ""}},
        )
        outcome.matches_notified += result.modified_count
    left = [match["_id"] for match in claimed if match["_id"] not in set(done)]
    if left:
        outcome.pending += len(left)
        await db[MATCHES].update_many(
            {"_id": {"$in": left}, "notify_claim": token},
            {"$unset": {"notify_claim": "", "notify_claim_until": ""}},
        )


async def notify_new_matches(
    db: Database, settings: Settings | None = None, *, user: str | None = None, digest: bool = False
) -> NotifyOutcome:
    """Announce new matches at or above each user's min_score.

    `digest=False`: users whose mode is "run" (after a processor job). `digest=True`: users whose mode is
    "digest" (`scoutly notify --digest`, e.g. daily from cron). With `user`, only that user (any mode when
    `digest` is True, so a manual digest always works).
    """
    outcome = NotifyOutcome()
    query: dict[str, Any] = {"active": {"$ne": False}}
    if user is not None:
        query["_id"] = user.strip().lower()
    for doc in await db[USERS].find(query).to_list(None):
        mode = user_mode(doc)
        if not digest and mode != RUN:
            continue
        if digest and user is None and mode != DIGEST:
            continue
        await _notify_user(db, doc, settings, digest=digest, outcome=outcome)
    return outcome
