"""Analysis: profiles, keyword trackers, Gemini screening and deep analysis, the shared rate limiter, matches.

Public entry points (docs/ARCHITECTURE.md): `analyse_new_postings`, `resume_parked`, `budget_snapshot`.
"""

from __future__ import annotations

import importlib
from datetime import datetime
from typing import TYPE_CHECKING, Any

from scoutly.analysis.limiter import BudgetRow, RateLimiter
from scoutly.clock import utcnow
from scoutly.config import Settings
from scoutly.storage.indexes import ANALYSES, GEMINI_CALLS
from scoutly.storage.types import Database

if TYPE_CHECKING:
    from scoutly.analysis.outcome import AnalysisOutcome
    from scoutly.analysis.pipeline import analyse_new_postings, resume_parked

# The pipeline (and with it google-genai) is imported on first use, so `budget_snapshot` for `scoutly status`
# stays light.
_LAZY = {"AnalysisOutcome", "analyse_new_postings", "resume_parked"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module("scoutly.analysis.pipeline"), name)
    raise AttributeError(f"module 'scoutly.analysis' has no attribute {name!r}")


async def budget_snapshot(db: Database, settings: Settings, *, now: datetime | None = None) -> list[BudgetRow]:
    """Per configured model: requests used/limit today and this minute, tokens this minute, whether the day is
    spent and when it resets (midnight Pacific), today's tokens from `gemini_calls`, and the parked work."""
    at = now or utcnow()
    rows = await RateLimiter(db, settings, clock=lambda: at).snapshot()
    if not rows:
        return rows
    day = rows[0]["day"]
    cursor = await db[GEMINI_CALLS].aggregate(
        [
            {"$match": {"day": day}},
            {"$group": {"_id": "$model", "calls": {"$sum": 1}, "tokens": {"$sum": "$total_tokens"}}},
        ]
    )
    usage = {doc["_id"]: doc async for doc in cursor}
    parked = await db[ANALYSES].count_documents({"status": "parked"})
    for row in rows:
        row["calls_today"] = int(usage.get(row["model"], {}).get("calls", 0))
        row["tokens_today"] = int(usage.get(row["model"], {}).get("tokens", 0))
        row["parked"] = parked
    return rows


__all__ = ["AnalysisOutcome", "analyse_new_postings", "budget_snapshot", "resume_parked"]
