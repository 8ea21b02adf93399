"""Pydantic models of Gemini's answers (sent as the response JSON schema, validated on return)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class ScreenPick(BaseModel):
    """A posting one candidate should look at more closely, and why."""

    posting_id: str = Field(description="Id of a posting from the POSTING markers, e.g. P3.")
    reason: str = Field(description="One short sentence: why this posting may fit the candidate.")


class ScreenVerdict(BaseModel):
    """The shortlist for one candidate (empty when nothing fits)."""

    candidate_id: str = Field(description="Id of a candidate from the CANDIDATE markers, e.g. C1.")
    picks: list[ScreenPick] = Field(default_factory=list)


class ScreenAnswer(BaseModel):
    """Screening answer: one entry per candidate."""

    candidates: list[ScreenVerdict]


class DeepAnalysis(BaseModel):
    """Structured job-fit analysis of one posting for one candidate."""

    posting_id: str = Field(description="Id of the posting from its POSTING marker, e.g. P2.")
    score: int = Field(ge=0, le=100, description="Suitability 0-100 (60+ is worth applying).")
    verdict: Literal["strong_fit", "good_fit", "possible_fit", "poor_fit"]
    reasons: list[str] = Field(default_factory=list, description="Why it fits.")
    gaps: list[str] = Field(default_factory=list, description="Gaps and concerns.")
    min_years_required: int | None = Field(None, ge=0, le=60, description="Minimum years required, if stated.")
    required_languages: list[str] = Field(default_factory=list)
    work_model: Literal["remote", "hybrid", "onsite", "unknown"] = "unknown"
    location: str | None = None
    salary: str | None = Field(None, description="Salary or range exactly as stated, else null.")
    visa_sponsorship: Literal["yes", "no", "unknown"] = "unknown"
    seniority: str | None = None


class DeepAnswer(BaseModel):
    """Deep-analysis answer: one entry per posting sent."""

    analyses: list[DeepAnalysis]
