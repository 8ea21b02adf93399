"""Stage 2, screening: titles and locations of new postings, for all users at once, in as few requests as the
token budget allows; answers give each user's shortlist for the deep analysis."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from scoutly.analysis.pairs import Pair, posting_id
from scoutly.analysis.prompts import (
    SCREEN_CV_TOKENS,
    Candidate,
    PostingRef,
    candidate_block,
    estimate_tokens,
    pack,
    screen_posting_block,
    screen_prompt,
)
from scoutly.analysis.schemas import ScreenAnswer
from scoutly.storage.records import PostingRecord
from scoutly.storage.types import Document

if TYPE_CHECKING:
    from scoutly.analysis.gemini_pass import GeminiPass

HEADER_TOKENS = 400  # task text + closing line of a prompt, generously


async def screen(run: GeminiPass, pairs: list[Pair]) -> list[Pair]:
    """Screen the claimed pairs; returns the pairs shortlisted for a deep analysis."""
    budget = run.settings.gemini_prompt_token_budget - HEADER_TOKENS
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
        postings: dict[Any, PostingRecord] = {}
        for email in group:
            for pair in by_user[email]:
                postings.setdefault(pair.pid, pair.posting)
        refs_all = [PostingRef(f"P{i + 1}", posting) for i, posting in enumerate(postings.values())]
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
            models = [run.settings.gemini_screen_model, *run.settings.gemini_fallback_models]
            result = await run.call("screen", models, screen_prompt(entries, refs), ScreenAnswer, chunk_pairs)
            if result is not None:
                shortlisted += await _record_screen(run, result, chunk_pairs, aliases, alias_of)
    return shortlisted


async def _record_screen(
    run: GeminiPass, result: Any, pairs: list[Pair], aliases: Document, alias_of: Document
) -> list[Pair]:
    picks: dict[tuple[str, str], str] = {}
    answered = {verdict.candidate_id for verdict in result.answer.candidates}
    for verdict in result.answer.candidates:
        for pick in verdict.picks:
            picks.setdefault((verdict.candidate_id, pick.posting_id), pick.reason)
    chosen = []
    for pair in pairs:  # only ids that were sent for this candidate count; invented ones are ignored
        if aliases[pair.user.email] not in answered:  # no verdict is not "nothing fits"
            await run.fail([pair], "screen", "the screening answer had no entry for this user")
            continue
        reason = picks.get((aliases[pair.user.email], alias_of[pair.pid]))
        await run.judgements.record(pair, "screen", {"shortlisted": reason is not None, "reason": reason}, result.model)
        run.outcome.screened += 1
        if reason is not None:
            pair.reason = reason
            chosen.append(pair)
    return chosen
