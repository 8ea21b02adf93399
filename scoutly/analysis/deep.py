"""Stage 3, deep analysis: each shortlisted posting judged in full against one user's profile, several postings
per request, each answer checked against the ids that were sent (a model never adds postings)."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from scoutly.analysis.pairs import Pair
from scoutly.analysis.prompts import (
    Candidate,
    PostingRef,
    candidate_block,
    deep_posting_block,
    deep_prompt,
    estimate_tokens,
    pack,
)
from scoutly.analysis.schemas import DeepAnswer
from scoutly.analysis.screening import HEADER_TOKENS
from scoutly.storage.types import Document

if TYPE_CHECKING:
    from scoutly.analysis.gemini_pass import GeminiPass


async def deep(run: GeminiPass, pairs: list[Pair]) -> None:
    """Structured analysis of claimed pairs: per user, several postings per request."""
    s = run.settings
    by_user: dict[str, list[Pair]] = defaultdict(list)
    for pair in pairs:
        by_user[pair.user.email].append(pair)
    for user_pairs in by_user.values():
        candidate = Candidate("C1", user_pairs[0].user.profile)
        fixed = estimate_tokens(candidate_block(candidate, cv_tokens=s.gemini_cv_tokens)) + HEADER_TOKENS
        refs = [PostingRef(f"P{i + 1}", pair.posting) for i, pair in enumerate(user_pairs)]
        sizes = [estimate_tokens(deep_posting_block(ref, description_tokens=s.gemini_posting_tokens)) for ref in refs]
        budget = max(s.gemini_prompt_token_budget - fixed, 500)
        for batch in pack(sizes, budget, max_items=s.gemini_deep_batch_size):
            batch_refs = [refs[i] for i in batch]
            batch_pairs = [user_pairs[i] for i in batch]
            prompt = deep_prompt(
                candidate, batch_refs, cv_tokens=s.gemini_cv_tokens, description_tokens=s.gemini_posting_tokens
            )
            models = [s.gemini_deep_model, *s.gemini_fallback_models]
            result = await run.call("deep", models, prompt, DeepAnswer, batch_pairs)
            if result is not None:
                await _record_deep(run, result, batch_pairs, batch_refs)


async def _record_deep(run: GeminiPass, result: Any, pairs: list[Pair], refs: list[PostingRef]) -> None:
    by_alias: dict[str, Document] = {}
    for analysis in result.answer.analyses:  # an id that was not sent is dropped: never invent postings
        by_alias.setdefault(analysis.posting_id, analysis.model_dump())
    for pair, ref in zip(pairs, refs, strict=True):
        analysis = by_alias.get(ref.alias)
        if analysis is None:
            await run.fail([pair], "deep", "no analysis returned")
            continue
        analysis.pop("posting_id")
        if pair.reason:
            analysis["screening_reason"] = pair.reason
        await run.judgements.record(pair, "deep", analysis, result.model)
        run.outcome.analysed += 1
        good = analysis["score"] >= pair.user.profile.min_score
        await run.judgements.gemini_match(pair, {**analysis, "model": result.model}, good=good)
