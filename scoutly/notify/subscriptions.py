"""Managing a user's Apprise URLs and notification mode (users.notify)."""

from __future__ import annotations

from scoutly.clock import utcnow
from scoutly.errors import InputError
from scoutly.notify.deliver import DIGEST, RUN
from scoutly.notify.sender import check_url, register_url_secrets
from scoutly.storage.indexes import USERS
from scoutly.storage.types import Database, Document


async def _require_user(db: Database, email: str) -> Document:
    user = await db[USERS].find_one({"_id": email.strip().lower()})
    if user is None:
        raise InputError(f"user {email!r}: not found (seed users first)")
    return user


async def add_url(db: Database, email: str, url: str) -> bool:
    """Add an Apprise URL to a user; False when it was already there."""
    user = await _require_user(db, email)
    url = check_url(url)
    register_url_secrets(url)
    result = await db[USERS].update_one(
        {"_id": user["_id"], "notify.apprise_urls": {"$ne": url}},
        {"$addToSet": {"notify.apprise_urls": url}, "$set": {"updated_at": utcnow()}},
    )
    return result.modified_count == 1


async def remove_url(db: Database, email: str, url: str) -> bool:
    """Remove an Apprise URL (exact text) from a user; False when it was not there."""
    user = await _require_user(db, email)
    result = await db[USERS].update_one(
        {"_id": user["_id"], "notify.apprise_urls": url.strip()},
        {"$pull": {"notify.apprise_urls": url.strip()}, "$set": {"updated_at": utcnow()}},
    )
    return result.modified_count == 1


async def set_mode(db: Database, email: str, mode: str) -> None:
    """`run` (after each processor job) or `digest` (only via `scoutly notify --digest`)."""
    if mode not in (RUN, DIGEST):
        raise InputError(f"notify mode {mode!r}: must be {RUN!r} or {DIGEST!r}")
    user = await _require_user(db, email)
    await db[USERS].update_one({"_id": user["_id"]}, {"$set": {"notify.mode": mode, "updated_at": utcnow()}})


async def subscribers(db: Database) -> list[Document]:
    """Every user with name, notification mode and URLs (for listing them)."""
    return await db[USERS].find({}, {"name": 1, "notify": 1, "active": 1}).to_list(None)


async def find_user(db: Database, email: str) -> Document | None:
    """One user document by e-mail address (case-insensitive, as stored)."""
    return await db[USERS].find_one({"_id": email.strip().lower()})
