"""One company through the whole pipeline: acquire (listing → details → diff) → analyse → notify.

Used by the worker for each claimed job and by `scoutly debug run COMPANY` (optionally `dry_run`, which
writes nothing: no postings, no analyses, no matches, no notifications).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from loguru import logger

from scoutly.analysis import analyse_new_postings
from scoutly.analysis.judgements import DryJudgements
from scoutly.clock import SYSTEM_CLOCK, Clock
from scoutly.config import Settings
from scoutly.notify import notify_new_matches
from scoutly.postings.observe import ListingSource, observe
from scoutly.processor.runs import RunRecorder, classify_outcome
from scoutly.storage.records import MatchRecord, WouldBeMatch
from scoutly.storage.types import Database, Document


@dataclass
class PipelineResult:
    """What one company's pass produced (the `runs` document's counts)."""

    strategy: str | None = None
    complete: bool = False
    baseline: bool = False
    found: int = 0
    new: int = 0
    removed: int = 0
    errors: list[str] = field(default_factory=list)
    matches: list[MatchRecord | WouldBeMatch] = field(default_factory=list)  # would-be ones in a dry run
    requests: int = 0
    tokens: int = 0
    parked: int = 0
    skipped_reason: str | None = None
    notified: int = 0
    notify_failures: int = 0

    @property
    def outcome(self) -> str:
        return classify_outcome(complete=self.complete, errors=len(self.errors), parked=self.parked)

    def run_fields(self) -> dict[str, Any]:
        """Fields stored on the `runs` document."""
        return {
            "strategy": self.strategy,
            "complete": self.complete,
            "baseline": self.baseline,
            "found": self.found,
            "new": self.new,
            "removed": self.removed,
            "matches": len(self.matches),
            "requests": self.requests,
            "tokens": self.tokens,
            "parked": self.parked,
            "notified": self.notified,
            "warnings": [str(error)[:300] for error in self.errors[:20]],
        }


def _merge_stage_times(
    run: RunRecorder | None, stages: dict[str, float], *, fallback: str, measured: float, parts: tuple[str, ...] = ()
) -> None:
    """Record a step's time. When the step reports its own sub-stages (the acquirer: listing, details, diff;
    analysis: screening, deep), they are recorded too; `fallback` gets the measured time minus the sub-stages
    that are not `parts` of it (so acquire = listing + details + overhead, and diff is separate)."""
    if run is None:
        return
    booked = 0.0
    for name, seconds in stages.items():
        if seconds >= 0:
            run.add_stage(name, float(seconds))
            if name not in parts:
                booked += float(seconds)
    run.add_stage(fallback, max(measured - booked, 0.0))


async def run_pipeline(
    db: Database,
    settings: Settings,
    company: Document,
    acquirer: ListingSource,
    *,
    dry_run: bool = False,
    run: RunRecorder | None = None,
    notify: bool = True,
    clock: Clock = SYSTEM_CLOCK,
) -> PipelineResult:
    """Acquire, analyse and announce one company. Exceptions propagate (the worker decides retry/dead)."""
    result = PipelineResult()
    monotonic = clock.monotonic

    if run:
        run.stage_name = "acquire"
    t0 = monotonic()
    scrape = await observe(
        db,
        acquirer,
        company,
        removal_confirmations=settings.removal_confirmations,
        dry_run=dry_run,
        now=clock.now(),
        clock=clock,
    )
    _merge_stage_times(run, scrape.stages, fallback="acquire", measured=monotonic() - t0, parts=("listing", "details"))
    result.strategy = scrape.strategy
    result.complete = bool(scrape.complete)
    result.baseline = scrape.baseline
    result.found = int(scrape.found)
    result.new = len(scrape.new)
    result.removed = int(scrape.removed)
    result.errors.extend(scrape.errors or [])
    logger.info(
        "{} postings via {} ({} new, {} removed{}{})",
        result.found,
        result.strategy,
        result.new,
        result.removed,
        ", baseline" if result.baseline else "",
        "" if result.complete else ", listing incomplete",
    )

    if scrape.new:
        if run:
            run.stage_name = "analysis"
        t0 = monotonic()
        judgements = DryJudgements() if dry_run else None  # the dry run's seam: judge, record nothing
        analysis = await analyse_new_postings(db, settings, company, scrape.new, judgements=judgements)
        _merge_stage_times(run, analysis.stages, fallback="analysis", measured=monotonic() - t0)
        result.matches = list(analysis.matches or [])
        result.requests = analysis.requests
        result.tokens = analysis.tokens
        result.parked = analysis.parked
        result.skipped_reason = analysis.skipped_reason
        logger.info(
            "{} new matches ({} Gemini requests, {} tokens{}{})",
            len(result.matches),
            result.requests,
            result.tokens,
            f", {result.parked} parked until the quota resets" if result.parked else "",
            ", Gemini skipped" if result.skipped_reason else "",
        )

    if notify and not dry_run and result.matches:
        if run:
            run.stage_name = "notify"
        t0 = monotonic()
        users = sorted({match["user"] for match in result.matches if match.get("user")})
        for user in users:
            try:
                sent = await notify_new_matches(db, settings, user=user)
            except Exception as exc:  # notifications are retried on the next run; the job still counts
                result.notify_failures += 1
                logger.warning("notifying {} failed: {}", user, exc)
                continue
            result.notified += sent.matches_notified
            result.notify_failures += sent.failed_sends
        if run:
            run.add_stage("notify", monotonic() - t0)
    return result
