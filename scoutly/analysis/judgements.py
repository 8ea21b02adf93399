"""Where judgements go: the `Judgements` seam between the analysis stages and storage.

`LedgerJudgements` claims each (posting, user, profile version, stage) in the `analyses` ledger before paying
for it, records answers and saves matches; `DryJudgements` (for `scrape --dry-run`) records nothing and only
collects the matches that would have been made. The stages never ask which one they have.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime
from typing import Any, Protocol

from scoutly.analysis import ledger
from scoutly.analysis.matches import save_gemini_match, save_keyword_match
from scoutly.analysis.pairs import Pair
from scoutly.clock import utcnow
from scoutly.storage.indexes import MATCHES
from scoutly.storage.records import MatchRecord, WouldBeMatch, as_match
from scoutly.storage.types import Database, Document


class Judgements(Protocol):
    """What the analysis stages need from storage."""

    async def claim(self, pairs: list[Pair], stage: str) -> list[Pair]:
        """The pairs this pass may judge at `stage` (others are being or were judged elsewhere)."""

    async def park(self, pair: Pair, stage: str, until: datetime, reason: str, *, outage: bool) -> bool:
        """Put a claimed judgement aside until `until`; False when the claim was lost meanwhile."""

    async def fail(self, pair: Pair, stage: str, reason: str) -> None:
        """Give up on a judgement for good."""

    async def record(self, pair: Pair, stage: str, result: Document, model: str) -> None:
        """Keep a stage's answer for a pair."""

    async def keyword_match(self, pair: Pair) -> None:
        """The pair matched the user's keyword trackers."""

    async def gemini_match(self, pair: Pair, analysis: Document, *, good: bool) -> None:
        """Gemini's deep analysis of a pair (`good`: its score reached the user's minimum)."""

    async def matches(self) -> list[MatchRecord | WouldBeMatch]:
        """The matches made or updated by this pass (stored ones, or those a dry run would have made)."""


def ledger_owner() -> str:
    """Who holds a ledger claim: host, process and a random tag for this pass."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class LedgerJudgements:
    """Judgements claimed in and recorded to the `analyses` ledger; matches saved in `matches`."""

    def __init__(self, db: Database, company: str, *, now: datetime, owner: str | None = None) -> None:
        self.db = db
        self.company = company
        self.now = now
        self.owner = owner or ledger_owner()
        self.touched: set[tuple[str, Any]] = set()

    async def claim(self, pairs: list[Pair], stage: str) -> list[Pair]:
        claimed = []
        for pair in pairs:
            if await ledger.claim(self.db, pair.key(stage), company=self.company, owner=self.owner, now=self.now):
                claimed.append(pair)
        return claimed

    async def park(self, pair: Pair, stage: str, until: datetime, reason: str, *, outage: bool) -> bool:
        return await ledger.park(
            self.db, pair.key(stage), owner=self.owner, until=until, reason=reason, now=utcnow(), outage=outage
        )

    async def fail(self, pair: Pair, stage: str, reason: str) -> None:
        await ledger.fail(self.db, pair.key(stage), owner=self.owner, reason=reason, now=utcnow())

    async def record(self, pair: Pair, stage: str, result: Document, model: str) -> None:
        await ledger.record(self.db, pair.key(stage), owner=self.owner, result=result, model=model, now=utcnow())

    async def keyword_match(self, pair: Pair) -> None:
        hits = pair.keyword.include_hits if pair.keyword else []
        if await save_keyword_match(self.db, pair.user.email, pair.posting, hits, now=self.now):
            self.touched.add((pair.user.email, pair.posting["_id"]))

    async def gemini_match(self, pair: Pair, analysis: Document, *, good: bool) -> None:
        if await save_gemini_match(self.db, pair.user.email, pair.posting, analysis, create=good, now=utcnow()):
            self.touched.add((pair.user.email, pair.pid))

    async def matches(self) -> list[MatchRecord | WouldBeMatch]:
        found: list[MatchRecord | WouldBeMatch] = []
        for user, posting in sorted(self.touched, key=str):
            doc = await self.db[MATCHES].find_one({"user": user, "posting": posting})
            if doc is not None:
                found.append(as_match(doc))
        return found


class DryJudgements:
    """Judge, record nothing: every pair may be judged, and matches are only collected (never written).

    Gemini requests made through it are still reserved in the shared budget and accounted: the quota is real.
    """

    def __init__(self) -> None:
        self._matches: dict[tuple[str, Any], WouldBeMatch] = {}

    async def claim(self, pairs: list[Pair], stage: str) -> list[Pair]:
        return list(pairs)

    async def park(self, pair: Pair, stage: str, until: datetime, reason: str, *, outage: bool) -> bool:
        return True

    async def fail(self, pair: Pair, stage: str, reason: str) -> None:
        return None

    async def record(self, pair: Pair, stage: str, result: Document, model: str) -> None:
        return None

    async def keyword_match(self, pair: Pair) -> None:
        self._matches[(pair.user.email, pair.pid)] = would_be_match(pair, None)

    async def gemini_match(self, pair: Pair, analysis: Document, *, good: bool) -> None:
        if good or (pair.keyword and pair.keyword.is_match):
            self._matches[(pair.user.email, pair.pid)] = would_be_match(pair, analysis)

    async def matches(self) -> list[MatchRecord | WouldBeMatch]:
        return list(self._matches.values())


def would_be_match(pair: Pair, analysis: Document | None) -> WouldBeMatch:
    """What a match would be (dry run: nothing is written; `posting` is the posting's key when it has no _id)."""
    return {
        "user": pair.user.email,
        "posting": pair.pid,
        "company": pair.posting.get("company"),
        "title": pair.posting.get("title"),
        "url": pair.posting.get("url"),
        "location": pair.posting.get("location"),
        "source": "gemini" if analysis else "keyword",
        "score": analysis["score"] if analysis else None,
        "analysis": analysis,
        "keyword_hits": pair.keyword.include_hits if pair.keyword else [],
        "status": "new",
    }
