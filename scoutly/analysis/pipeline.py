"""Cheapest first: keyword trackers → Gemini screening (titles, all users at once) → batched deep analysis.

`analyse_new_postings` runs the three stages over a company's new postings for every user tracking it;
`resume_parked` finishes work that waited for a quota reset or an outage. Every Gemini judgement is
claimed in the `analyses` ledger first, so it is paid for at most once per (posting, user, profile
version, stage), whatever runs concurrently.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from loguru import logger

from scoutly.analysis import ledger
from scoutly.analysis.gemini import AllModelsExhausted, GeminiFailure, GeminiGateway
from scoutly.analysis.keywords import KeywordVerdict, judge
from scoutly.analysis.matches import save_gemini_match, save_keyword_match
from scoutly.analysis.profile import Profile, profile_of
from scoutly.analysis.prompts import (
    SCREEN_CV_TOKENS,
    Candidate,
    PostingRef,
    candidate_block,
    deep_posting_block,
    deep_prompt,
    estimate_tokens,
    pack,
    screen_posting_block,
    screen_prompt,
)
from scoutly.analysis.schemas import DeepAnswer, ScreenAnswer
from scoutly.clock import utcnow
from scoutly.config import Settings
from scoutly.errors import InputError
from scoutly.storage.indexes import ANALYSES, MATCHES, POSTINGS, TRACKINGS, USERS

RETRY_AFTER_OUTAGE = timedelta(minutes=30)
_HEADER_TOKENS = 400  # task text + closing line of a prompt, generously
_warned_no_key = False


@dataclass
class AnalysisOutcome:
    """What one analysis pass did: match docs created or updated, Gemini requests and tokens spent, work
    parked for later, judgements that failed for good, and why Gemini was skipped (if it was)."""

    matches: list[dict] = field(default_factory=list)
    requests: int = 0
    tokens: int = 0
    parked: int = 0
    failed: int = 0
    screened: int = 0
    analysed: int = 0
    skipped_reason: str | None = None
    stages: dict[str, float] = field(default_factory=dict)  # seconds: keywords, screening, deep


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
    posting: dict
    keyword: KeywordVerdict | None = None
    reason: str | None = None  # the screening's reason, passed on to the deep analysis record

    def key(self, stage: str) -> ledger.Key:
        return ledger.Key(self.posting["_id"], self.user.email, self.user.version, stage)

    @property
    def pid(self) -> Any:
        return posting_id(self.posting)


def posting_id(posting: dict) -> Any:
    """A posting's identity in a pass: its `_id`, or (dry run: not saved) its key or URL."""
    return posting.get("_id") or posting.get("key") or posting.get("url") or id(posting)


def _slug(company: dict | str) -> str:
    return company if isinstance(company, str) else str(company.get("_id") or company.get("slug"))


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


async def interested_users(db: Any, company: str) -> list[Interest]:
    """Active users tracking `company`, with their profiles."""
    emails = [doc["user"] async for doc in db[TRACKINGS].find({"company": company}, {"user": 1})]
    if not emails:
        return []
    interests = []
    async for user in db[USERS].find({"_id": {"$in": emails}, "active": {"$ne": False}}):
        try:
            interests.append(Interest(user["_id"], profile_of(user), int(user.get("profile_version") or 0)))
        except InputError as exc:  # a hand-edited profile must not fail the company's job for everyone
            logger.warning("skipping {}: {} (fix it with `scoutly profile set`)", user["_id"], exc)
    return interests


def _offered(user: Interest, posting: dict) -> bool:
    if posting.get("closed_at"):
        return False
    return not posting.get("baseline") or user.profile.analyse_baseline


class _Pass:
    """One analysis pass: the ledger owner, the gateway, and the tallies for the outcome."""

    def __init__(
        self, db: Any, settings: Settings, company: str, gateway: GeminiGateway, now: datetime, *, dry: bool = False
    ):
        self.dry = dry  # judge, but write no ledger entry and no match (the quota is still reserved and accounted)
        self.dry_matches: dict[tuple[str, Any], dict] = {}
        self.db = db
        self.settings = settings
        self.company = company
        self.gateway = gateway
        self.now = now
        self.owner = _owner()
        self.outcome = AnalysisOutcome()
        self.touched: set[tuple[str, Any]] = set()
        self.exhausted_until: datetime | None = None

    # --- ledger helpers ---------------------------------------------------------------------------
    async def claim(self, pairs: list[Pair], stage: str) -> list[Pair]:
        if self.dry:
            return list(pairs)
        claimed = []
        for pair in pairs:
            if await ledger.claim(self.db, pair.key(stage), company=self.company, owner=self.owner, now=self.now):
                claimed.append(pair)
        return claimed

    async def park(self, pairs: list[Pair], stage: str, until: datetime, reason: str, *, outage: bool = False) -> None:
        for pair in pairs:
            if self.dry:
                self.outcome.parked += 1
                continue
            key = pair.key(stage)
            if await ledger.park(
                self.db, key, owner=self.owner, until=until, reason=reason, now=utcnow(), outage=outage
            ):
                self.outcome.parked += 1
            else:
                self.outcome.failed += 1

    async def fail(self, pairs: list[Pair], stage: str, reason: str) -> None:
        for pair in pairs:
            if not self.dry:
                await ledger.fail(self.db, pair.key(stage), owner=self.owner, reason=reason, now=utcnow())
        self.outcome.failed += len(pairs)

    async def _call(self, stage: str, models: list[str], prompt: str, schema: Any, pairs: list[Pair]) -> Any:
        """One request for `pairs`; on failure the pairs are parked or failed and None is returned."""
        if self.exhausted_until is not None:
            await self.park(pairs, stage, self.exhausted_until, "daily Gemini quota spent")
            return None
        users = sorted({pair.user.email for pair in pairs})
        try:
            return await self.gateway.generate(
                stage=stage, models=models, prompt=prompt, schema=schema, users=users, company=self.company
            )
        except AllModelsExhausted as exc:
            self.exhausted_until = exc.resets_at
            logger.warning("Gemini: every model's daily quota is spent; parking work until {}", exc.resets_at)
            await self.park(pairs, stage, exc.resets_at, "daily Gemini quota spent")
        except GeminiFailure as exc:
            logger.warning("Gemini {} for {}: {}", stage, self.company, exc.reason)
            if exc.park:
                await self.park(pairs, stage, utcnow() + RETRY_AFTER_OUTAGE, exc.reason, outage=True)
            else:
                await self.fail(pairs, stage, exc.reason)
        return None

    # --- stages -----------------------------------------------------------------------------------
    async def screen(self, pairs: list[Pair]) -> list[Pair]:
        """Titles and locations of the claimed pairs' postings, for all their users at once, in as few
        requests as the token budget allows. Returns the pairs shortlisted for a deep analysis."""
        budget = self.settings.gemini_prompt_token_budget - _HEADER_TOKENS
        by_user: dict[str, list[Pair]] = defaultdict(list)
        for pair in pairs:
            by_user[pair.user.email].append(pair)
        users = list(by_user)
        aliases = {email: f"C{i + 1}" for i, email in enumerate(users)}
        candidates = {email: Candidate(aliases[email], by_user[email][0].user.profile) for email in users}
        sizes = [
            estimate_tokens(candidate_block(candidates[e], cv_tokens=SCREEN_CV_TOKENS, consider=["P000"] * 8))
            for e in users
        ]
        shortlisted: list[Pair] = []
        for group_index in pack(sizes, budget // 2):
            group = [users[i] for i in group_index]
            group_tokens = sum(sizes[i] for i in group_index)
            postings: dict[Any, dict] = {}
            for email in group:
                for pair in by_user[email]:
                    postings.setdefault(pair.pid, pair.posting)
            ids = list(postings)
            refs_all = [PostingRef(f"P{i + 1}", postings[pid]) for i, pid in enumerate(ids)]
            posting_sizes = [estimate_tokens(screen_posting_block(ref)) + 2 * len(group) for ref in refs_all]
            for chunk in pack(posting_sizes, max(budget - group_tokens, 200)):
                refs = [refs_all[i] for i in chunk]
                alias_of = {posting_id(ref.posting): ref.alias for ref in refs}
                chunk_pairs = [pair for email in group for pair in by_user[email] if pair.pid in alias_of]
                entries = []
                for email in group:
                    consider = [alias_of[p.pid] for p in by_user[email] if p.pid in alias_of]
                    if consider:
                        entries.append((candidates[email], consider))
                prompt = screen_prompt(entries, refs)
                models = [self.settings.gemini_screen_model, *self.settings.gemini_fallback_models]
                result = await self._call("screen", models, prompt, ScreenAnswer, chunk_pairs)
                if result is None:
                    continue
                shortlisted += await self._record_screen(result, chunk_pairs, aliases, alias_of)
        return shortlisted

    async def _record_screen(self, result: Any, pairs: list[Pair], aliases: dict, alias_of: dict) -> list[Pair]:
        picks: dict[tuple[str, str], str] = {}
        answered = {verdict.candidate_id for verdict in result.answer.candidates}
        for verdict in result.answer.candidates:
            for pick in verdict.picks:
                picks.setdefault((verdict.candidate_id, pick.posting_id), pick.reason)
        chosen = []
        for pair in pairs:  # only ids that were sent for this candidate count; invented ones are ignored
            if aliases[pair.user.email] not in answered:  # no verdict is not "nothing fits"
                await self.fail([pair], "screen", "the screening answer had no entry for this user")
                continue
            reason = picks.get((aliases[pair.user.email], alias_of[pair.pid]))
            await self._record(pair, "screen", {"shortlisted": reason is not None, "reason": reason}, result.model)
            self.outcome.screened += 1
            if reason is not None:
                pair.reason = reason
                chosen.append(pair)
        return chosen

    async def deep(self, pairs: list[Pair]) -> None:
        """Structured analysis of claimed pairs: per user, several postings per request."""
        s = self.settings
        by_user: dict[str, list[Pair]] = defaultdict(list)
        for pair in pairs:
            by_user[pair.user.email].append(pair)
        for user_pairs in by_user.values():
            candidate = Candidate("C1", user_pairs[0].user.profile)
            fixed = estimate_tokens(candidate_block(candidate, cv_tokens=s.gemini_cv_tokens)) + _HEADER_TOKENS
            refs = [PostingRef(f"P{i + 1}", pair.posting) for i, pair in enumerate(user_pairs)]
            sizes = [
                estimate_tokens(deep_posting_block(ref, description_tokens=s.gemini_posting_tokens)) for ref in refs
            ]
            budget = max(s.gemini_prompt_token_budget - fixed, 500)
            for batch in pack(sizes, budget, max_items=s.gemini_deep_batch_size):
                batch_refs = [refs[i] for i in batch]
                batch_pairs = [user_pairs[i] for i in batch]
                prompt = deep_prompt(
                    candidate, batch_refs, cv_tokens=s.gemini_cv_tokens, description_tokens=s.gemini_posting_tokens
                )
                models = [s.gemini_deep_model, *s.gemini_fallback_models]
                result = await self._call("deep", models, prompt, DeepAnswer, batch_pairs)
                if result is not None:
                    await self._record_deep(result, batch_pairs, batch_refs)

    async def _record_deep(self, result: Any, pairs: list[Pair], refs: list[PostingRef]) -> None:
        by_alias: dict[str, dict] = {}
        for analysis in result.answer.analyses:  # an id that was not sent is dropped: never invent postings
            by_alias.setdefault(analysis.posting_id, analysis.model_dump())
        for pair, ref in zip(pairs, refs, strict=True):
            analysis = by_alias.get(ref.alias)
            if analysis is None:
                await self.fail([pair], "deep", "no analysis returned")
                continue
            analysis.pop("posting_id")
            if pair.reason:
                analysis["screening_reason"] = pair.reason
            await self._record(pair, "deep", analysis, result.model)
            self.outcome.analysed += 1
            good = analysis["score"] >= pair.user.profile.min_score
            judged = {**analysis, "model": result.model}
            if self.dry:
                if good or (pair.keyword and pair.keyword.is_match):
                    self.dry_matches[(pair.user.email, pair.pid)] = _dry_match(pair, judged)
            elif await save_gemini_match(self.db, pair.user.email, pair.posting, judged, create=good, now=utcnow()):
                self.touched.add((pair.user.email, pair.pid))

    async def _record(self, pair: Pair, stage: str, result: dict, model: str) -> None:
        if not self.dry:
            await ledger.record(self.db, pair.key(stage), owner=self.owner, result=result, model=model, now=utcnow())

    async def gemini(self, screen_pairs: list[Pair], deep_pairs: list[Pair], *, deep_claimed: bool = False) -> None:
        """Screen the (claimed) screening pairs, then deep-analyse the shortlist plus the pairs sent straight
        to deep (`deep_claimed`: those are already claimed, as when resuming)."""
        started = time.monotonic()
        shortlisted = await self.screen(screen_pairs) if screen_pairs else []
        if screen_pairs:
            self._add_time("screening", started)
        started = time.monotonic()
        claimed = await self.claim(shortlisted if deep_claimed else shortlisted + deep_pairs, "deep")
        if deep_claimed:
            claimed += deep_pairs
        if claimed:
            await self.deep(claimed)
            self._add_time("deep", started)

    def _add_time(self, stage: str, started: float) -> None:
        self.outcome.stages[stage] = self.outcome.stages.get(stage, 0.0) + time.monotonic() - started

    async def finish(self) -> AnalysisOutcome:
        self.outcome.requests = self.gateway.requests
        self.outcome.tokens = self.gateway.tokens
        if self.dry:
            self.outcome.matches = list(self.dry_matches.values())
        else:
            self.outcome.matches = await _load_matches(self.db, self.touched)
        return self.outcome


async def _load_matches(db: Any, touched: set[tuple[str, Any]]) -> list[dict]:
    matches = []
    for user, posting in sorted(touched, key=str):
        doc = await db[MATCHES].find_one({"user": user, "posting": posting})
        if doc is not None:
            matches.append(doc)
    return matches


def _dry_match(pair: Pair, analysis: dict | None) -> dict:
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
    db: Any,
    settings: Settings,
    company: dict | str,
    postings: list[dict],
    *,
    dry_run: bool = False,
    gateway: GeminiGateway | None = None,
) -> AnalysisOutcome:
    """Turn a company's new postings into matches for every user tracking it (see module docstring).

    `dry_run`: judge (keywords and Gemini) but write no match and no ledger entry; the postings may be unsaved
    (no `_id`). Gemini requests are still reserved in the shared budget and accounted: the quota is real.
    """
    slug = _slug(company)
    started = time.monotonic()
    users = await interested_users(db, slug)
    now = utcnow()
    keyword_matches: list[dict] = []
    screen_pairs: list[Pair] = []
    deep_pairs: list[Pair] = []
    touched: set[tuple[str, Any]] = set()
    for user in users:
        for posting in postings:
            if not _offered(user, posting):
                continue
            verdict = judge(user.profile, posting)
            if verdict.excluded:
                continue
            pair = Pair(user, posting, verdict)
            judgeable = bool(user.profile.cv_text.strip() or user.profile.skills)
            if verdict.is_match:
                if dry_run:
                    keyword_matches.append(_dry_match(pair, None))
                elif await save_keyword_match(db, user.email, posting, verdict.include_hits, now=now):
                    touched.add((user.email, posting["_id"]))
                if judgeable:
                    deep_pairs.append(pair)  # already interesting: no screening needed
            elif judgeable:  # a profile without CV or skills gives Gemini nothing to judge against
                screen_pairs.append(pair)
    keyword_time = {"keywords": time.monotonic() - started}
    skipped = _no_key_reason(settings) if (users and postings) else None
    if skipped or not (screen_pairs or deep_pairs):
        matches = keyword_matches if dry_run else await _load_matches(db, touched)
        return AnalysisOutcome(matches=matches, skipped_reason=skipped, stages=keyword_time)

    own = gateway is None
    run = _Pass(db, settings, slug, gateway or GeminiGateway(db, settings), now, dry=dry_run)
    run.touched |= touched
    run.dry_matches.update({(m["user"], m["posting"]): m for m in keyword_matches})
    run.outcome.stages.update(keyword_time)
    try:
        if settings.gemini_screening:
            await run.gemini(await run.claim(screen_pairs, "screen"), deep_pairs)
        else:
            await run.gemini([], screen_pairs + deep_pairs)
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


async def resume_parked(db: Any, settings: Settings, *, gateway: GeminiGateway | None = None) -> AnalysisOutcome:
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
    by_company: dict[str, list[dict]] = defaultdict(list)
    for doc in due:
        by_company[doc.get("company") or ""].append(doc)
    try:
        for slug, docs in by_company.items():
            run = _Pass(db, settings, slug, gateway, now)
            screen_pairs, deep_pairs = await _reclaim(run, docs)
            if screen_pairs or deep_pairs:
                await run.gemini(screen_pairs, deep_pairs, deep_claimed=True)
            outcome = await run.finish()
            total.matches += outcome.matches
            total.parked += outcome.parked
            total.failed += outcome.failed
            total.screened += outcome.screened
            total.analysed += outcome.analysed
            for stage, seconds in outcome.stages.items():
                total.stages[stage] = total.stages.get(stage, 0.0) + seconds
    finally:
        if own:
            await gateway.aclose()
    total.requests, total.tokens = gateway.requests, gateway.tokens
    return total


async def _reclaim(run: _Pass, docs: list[dict]) -> tuple[list[Pair], list[Pair]]:
    """Take over parked claims; a claim for an outdated profile version is re-made for the current one."""
    users = {u["_id"]: u async for u in run.db[USERS].find({"_id": {"$in": sorted({d["user"] for d in docs})}})}
    postings = {p["_id"]: p async for p in run.db[POSTINGS].find({"_id": {"$in": [d["posting"] for d in docs]}})}
    screen_pairs: list[Pair] = []
    deep_pairs: list[Pair] = []
    for doc in docs:
        user, posting = users.get(doc["user"]), postings.get(doc["posting"])
        if user is None or posting is None or user.get("active") is False or posting.get("closed_at"):
            if await ledger.claim_existing(run.db, doc["_id"], owner=run.owner, now=run.now):
                await run.fail([_orphan(doc)], doc["stage"], "user or posting gone")
            continue
        interest = Interest(user["_id"], profile_of(user), int(user.get("profile_version") or 0))
        pair = Pair(interest, posting, judge(interest.profile, posting))
        if interest.version == doc["profile_version"]:
            if not await ledger.claim_existing(run.db, doc["_id"], owner=run.owner, now=run.now):
                continue
        else:
            await ledger.supersede(run.db, doc["_id"], now=run.now)
            if pair.keyword and pair.keyword.excluded:
                continue
            if not await ledger.claim(
                run.db, pair.key(doc["stage"]), company=run.company, owner=run.owner, now=run.now
            ):
                continue
        (screen_pairs if doc["stage"] == "screen" else deep_pairs).append(pair)
    return screen_pairs, deep_pairs


def _orphan(doc: dict) -> Pair:
    return Pair(Interest(doc["user"], Profile(), doc["profile_version"]), {"_id": doc["posting"]})
