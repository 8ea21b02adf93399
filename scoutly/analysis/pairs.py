"""Who is judged against what: the users tracking a company (`Interest`) and each (user, posting) `Pair`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from loguru import logger

from scoutly.analysis import ledger
from scoutly.analysis.keywords import KeywordVerdict
from scoutly.analysis.profile import Profile, profile_of
from scoutly.errors import InputError
from scoutly.storage.indexes import TRACKINGS, USERS
from scoutly.storage.records import PostingRecord
from scoutly.storage.types import Database, Document


@dataclass(frozen=True)
class Interest:
    """A user who tracks the company, with the profile version judgements are keyed by."""

    email: str
    profile: Profile
    version: int


@dataclass
class Pair:
    """One (user, posting) on its way through the stages."""

    user: Interest
    posting: PostingRecord
    keyword: KeywordVerdict | None = None
    reason: str | None = None  # the screening's reason, passed on to the deep analysis record

    def key(self, stage: str) -> ledger.Key:
        return ledger.Key(self.posting["_id"], self.user.email, self.user.version, stage)

    @property
    def pid(self) -> Any:
        return posting_id(self.posting)

    @property
    def judgeable(self) -> bool:
        """A profile without CV or skills gives Gemini nothing to judge against."""
        return bool(self.user.profile.cv_text.strip() or self.user.profile.skills)


def posting_id(posting: PostingRecord) -> Any:
    """A posting's identity in a pass: its `_id`, or (dry run: not saved) its key or URL."""
    return posting.get("_id") or posting.get("key") or posting.get("url") or id(posting)


def interest_of(user: Document) -> Interest:
    """A user document as an `Interest` (raises `InputError` for a hand-broken profile)."""
    return Interest(user["_id"], profile_of(user), int(user.get("profile_version") or 0))


async def interested_users(db: Database, company: str) -> list[Interest]:
    """Active users tracking `company`, with their profiles."""
    emails = [doc["user"] async for doc in db[TRACKINGS].find({"company": company}, {"user": 1})]
    if not emails:
        return []
    interests = []
    async for user in db[USERS].find({"_id": {"$in": emails}, "active": {"$ne": False}}):
        try:
            interests.append(interest_of(user))
        except InputError as exc:  # a hand-edited profile must not fail the company's job for everyone
            logger.warning("skipping {}: {} (fix it with `scoutly profile set`)", user["_id"], exc)
    return interests


def offered(user: Interest, posting: PostingRecord) -> bool:
    """Whether a posting is put to a user at all: open, and not part of the first look unless they asked."""
    if posting.get("closed_at"):
        return False
    return not posting.get("baseline") or user.profile.analyse_baseline
