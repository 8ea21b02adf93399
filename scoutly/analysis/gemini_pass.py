"""One Gemini pass over a company's pairs: screening, then deep analysis, with quota and outage handling.

Each request's pairs are parked (daily quota spent, outage) or failed (a bad answer) when the request gives
no answer; where judgements are claimed and recorded is the `Judgements` seam's business.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from loguru import logger

from scoutly.analysis.deep import deep
from scoutly.analysis.gemini import AllModelsExhausted, GeminiFailure, GeminiGateway
from scoutly.analysis.judgements import Judgements
from scoutly.analysis.outcome import AnalysisOutcome
from scoutly.analysis.pairs import Pair
from scoutly.analysis.screening import screen
from scoutly.clock import utcnow
from scoutly.config import Settings

RETRY_AFTER_OUTAGE = timedelta(minutes=30)


class GeminiPass:
    """The gateway, the judgements seam and the tallies of one pass for one company."""

    def __init__(self, settings: Settings, company: str, gateway: GeminiGateway, judgements: Judgements) -> None:
        self.settings = settings
        self.company = company
        self.gateway = gateway
        self.judgements = judgements
        self.outcome = AnalysisOutcome()
        self.exhausted_until: datetime | None = None

    async def park(self, pairs: list[Pair], stage: str, until: datetime, reason: str, *, outage: bool = False) -> None:
        for pair in pairs:
            if await self.judgements.park(pair, stage, until, reason, outage=outage):
                self.outcome.parked += 1
            else:
                self.outcome.failed += 1

    async def fail(self, pairs: list[Pair], stage: str, reason: str) -> None:
        for pair in pairs:
            await self.judgements.fail(pair, stage, reason)
        self.outcome.failed += len(pairs)

    async def call(self, stage: str, models: list[str], prompt: str, schema: Any, pairs: list[Pair]) -> Any:
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

    async def run(self, screen_pairs: list[Pair], deep_pairs: list[Pair], *, deep_claimed: bool = False) -> None:
        """Screen the (claimed) screening pairs, then deep-analyse the shortlist plus the pairs sent straight
        to deep (`deep_claimed`: those are already claimed, as when resuming)."""
        started = time.monotonic()
        shortlisted = await screen(self, screen_pairs) if screen_pairs else []
        if screen_pairs:
            self._add_time("screening", started)
        started = time.monotonic()
        to_claim = shortlisted if deep_claimed else shortlisted + deep_pairs
        claimed = await self.judgements.claim(to_claim, "deep")
        if deep_claimed:
            claimed += deep_pairs
        if claimed:
            await deep(self, claimed)
            self._add_time("deep", started)

    def _add_time(self, stage: str, started: float) -> None:
        self.outcome.stages[stage] = self.outcome.stages.get(stage, 0.0) + time.monotonic() - started

    async def finish(self) -> AnalysisOutcome:
        self.outcome.requests = self.gateway.requests
        self.outcome.tokens = self.gateway.tokens
        self.outcome.matches = await self.judgements.matches()
        return self.outcome
