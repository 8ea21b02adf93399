"""What one analysis pass did (`AnalysisOutcome`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from scoutly.storage.records import MatchRecord, WouldBeMatch


@dataclass
class AnalysisOutcome:
    """What one analysis pass did: match docs created or updated, Gemini requests and tokens spent, work
    parked for later, judgements that failed for good, and why Gemini was skipped (if it was)."""

    matches: list[MatchRecord | WouldBeMatch] = field(default_factory=list)
    requests: int = 0
    tokens: int = 0
    parked: int = 0
    failed: int = 0
    screened: int = 0
    analysed: int = 0
    skipped_reason: str | None = None
    stages: dict[str, float] = field(default_factory=dict)  # seconds: keywords, screening, deep

    def add(self, other: AnalysisOutcome) -> None:
        """Add another pass's tallies and stage times (requests and tokens are the gateway's, set by the caller)."""
        self.matches += other.matches
        self.parked += other.parked
        self.failed += other.failed
        self.screened += other.screened
        self.analysed += other.analysed
        for stage, seconds in other.stages.items():
            self.stages[stage] = self.stages.get(stage, 0.0) + seconds
