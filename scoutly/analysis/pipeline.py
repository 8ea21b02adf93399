"""Cheapest first: keyword trackers → Gemini screening (titles, all users at once) → batched deep analysis.

`analyse_new_postings` runs the three stages over a company's new postings for every user tracking it;
`resume_parked` finishes work that waited for a quota reset or an outage. Every Gemini judgement is claimed
in the `analyses` ledger first (see `judgements.py`), so it is paid for at most once per (posting, user,
profile version, stage), whatever runs concurrently. The stages live in `screening.py` and `deep.py`; one pass
over them in `gemini_pass.py`.
"""

from __future__ import annotations

import time
from collections import defaultdict
from typing import cast

from loguru import logger

from scoutly.analysis import ledger
from scoutly.analysis.gemini import GeminiGateway
from scoutly.analysis.gemini_pass import GeminiPass
from scoutly.analysis.judgements import Judgements, LedgerJudgements
from scoutly.analysis.keywords import judge
from scoutly.analysis.outcome import AnalysisOutcome
from scoutly.analysis.pairs import Interest, Pair, interest_of, interested_users, offered
from scoutly.analysis.profile import Profile
from scoutly.clock import utcnow
from scoutly.config import Settings
from scoutly.postings.store import postings_by_id
from scoutly.storage.indexes import ANALYSES, USERS
from scoutly.storage.records import PostingRecord
from scoutly.storage.types import Database, Document

_warned_no_key = False


def _slug(company: Document | str) -> str:
    return company if isinstance(company, str) else str(company.get("_id") or company.get("slug"))


def _no_key_reason(settings: Settings) -> str | None:
    global _warned_no_key
    if settings.gemini_key() is not None:
        return None
    reason = "GEMINI_API_KEY not set: Gemini screening and deep analysis skipped, keyword matching only"
    if not _warned_no_key:
        logger.info(reason)
        _warned_no_key = True
    return reason


async def analyse_new_postings(
    db: Database,
    settings: Settings,
    company: Document | str,
    postings: list[PostingRecord],
    *,
    judgements: Judgements | None = None,
    gateway: GeminiGateway | None = None,
) -> AnalysisOutcome:
    """Turn a company's new postings into matches for every user tracking it (see module docstring).

    `judgements` is where claims, answers and matches go: the ledger and `matches` by default, or a
    `DryJudgements` that records nothing (the postings may then be unsaved, without `_id`). Gemini requests are
    reserved in the shared budget and accounted either way: the quota is real.
    """
    slug = _slug(company)
    started = time.monotonic()
    users = await interested_users(db, slug)
    now = utcnow()
    judgements = judgements or LedgerJudgements(db, slug, now=now)
    screen_pairs: list[Pair] = []
    deep_pairs: list[Pair] = []
    for user in users:
        for posting in postings:
            if not offered(user, posting):
                continue
            pair = Pair(user, posting, judge(user.profile, posting))
            if pair.keyword and pair.keyword.excluded:
                continue
            if pair.keyword and pair.keyword.is_match:
                await judgements.keyword_match(pair)
                if pair.judgeable:
                    deep_pairs.append(pair)  # already interesting: no screening needed
            elif pair.judgeable:
                screen_pairs.append(pair)
    keyword_time = {"keywords": time.monotonic() - started}
    skipped = _no_key_reason(settings) if (users and postings) else None
    if skipped or not (screen_pairs or deep_pairs):
        return AnalysisOutcome(matches=await judgements.matches(), skipped_reason=skipped, stages=keyword_time)

    own = gateway is None
    run = GeminiPass(settings, slug, gateway or GeminiGateway(db, settings), judgements)
    run.outcome.stages.update(keyword_time)
    try:
        if settings.gemini_screening:
            await run.run(await judgements.claim(screen_pairs, "screen"), deep_pairs)
        else:
            await run.run([], screen_pairs + deep_pairs)
    finally:
        if own:
            await run.gateway.aclose()
    outcome = await run.finish()
    logger.info(
        "analysis {}: {} postings, {} users → {} matches, {} Gemini requests, {} tokens, {} parked, {} failed",
        slug,
        len(postings),
        len(users),
        len(outcome.matches),
        outcome.requests,
        outcome.tokens,
        outcome.parked,
        outcome.failed,
    )
    return outcome


async def resume_parked(db: Database, settings: Settings, *, gateway: GeminiGateway | None = None) -> AnalysisOutcome:
    """Finish the judgements that waited (quota reset due, outage over, or a dead worker's claim)."""
    now = utcnow()
    due = [doc async for doc in db[ANALYSES].find(ledger.reclaimable(now))]
    if not due:
        return AnalysisOutcome()
    skipped = _no_key_reason(settings)
    if skipped:
        return AnalysisOutcome(skipped_reason=skipped)
    own = gateway is None
    gateway = gateway or GeminiGateway(db, settings)
    total = AnalysisOutcome()
    by_company: dict[str, list[Document]] = defaultdict(list)
    for doc in due:
        by_company[doc.get("company") or ""].append(doc)
    try:
        for slug, docs in by_company.items():
            judgements = LedgerJudgements(db, slug, now=now)
            run = GeminiPass(settings, slug, gateway, judgements)
            screen_pairs, deep_pairs = await _reclaim(db, run, judgements, docs)
            if screen_pairs or deep_pairs:
                await run.run(screen_pairs, deep_pairs, deep_claimed=True)
            total.add(await run.finish())
    finally:
        if own:
            await gateway.aclose()
    total.requests, total.tokens = gateway.requests, gateway.tokens
    return total


async def _reclaim(
    db: Database, run: GeminiPass, judgements: LedgerJudgements, docs: list[Document]
) -> tuple[list[Pair], list[Pair]]:
    """Take over parked claims; a claim for an outdated profile version is re-made for the current one."""
    users = {u["_id"]: u async for u in db[USERS].find({"_id": {"$in": sorted({d["user"] for d in docs})}})}
    postings = await postings_by_id(db, [d["posting"] for d in docs])
    owner, now = judgements.owner, judgements.now
    screen_pairs: list[Pair] = []
    deep_pairs: list[Pair] = []
    for doc in docs:
        user, posting = users.get(doc["user"]), postings.get(doc["posting"])
        if user is None or posting is None or user.get("active") is False or posting.get("closed_at"):
            if await ledger.claim_existing(db, doc["_id"], owner=owner, now=now):
                await run.fail([_orphan(doc)], doc["stage"], "user or posting gone")
            continue
        interest = interest_of(user)
        pair = Pair(interest, posting, judge(interest.profile, posting))
        if interest.version == doc["profile_version"]:
            if not await ledger.claim_existing(db, doc["_id"], owner=owner, now=now):
                continue
        else:
            await ledger.supersede(db, doc["_id"], now=now)
            if pair.keyword and pair.keyword.excluded:
                continue
            if not await judgements.claim([pair], doc["stage"]):
                continue
        (screen_pairs if doc["stage"] == "screen" else deep_pairs).append(pair)
    return screen_pairs, deep_pairs


def _orphan(doc: Document) -> Pair:
    # The posting is gone: a stand-in with its _id only, which is all that failing the claim reads.
    stand_in = cast(PostingRecord, {"_id": doc["posting"]})
    return Pair(Interest(doc["user"], Profile(), doc["profile_version"]), stand_in)
