"""Data for `scoutly status` (gathering only; rendering lives in scoutly/cli/status.py).

`gather_status` returns a pydantic model so `--json` and the rich view show the same data, and later parts can
add sections (in-flight jobs, failures, Gemini budget, matches, processors) as new fields.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from scoutly import queue, scheduling
from scoutly.clock import utcnow
from scoutly.companies import tracked_companies
from scoutly.config import Settings
from scoutly.ops.health import Operations, gather_operations
from scoutly.queue import queue_counts
from scoutly.storage.indexes import COMPANIES, TRACKINGS, USERS
from scoutly.storage.types import Database


class DueCompany(BaseModel):
    slug: str
    name: str
    rank: int = Field(description="effective rank: the highest rank an active user gave it")
    band: str
    due_at: datetime | None = Field(description="when it falls due; null = now (never scraped)")
    due_now: bool
    job: str | None = Field(description="status of its live job (pending/processing/failed), if any")
    last_success_at: datetime | None


class BandCount(BaseModel):
    band: str
    ranks: str
    every_days: int
    companies: int


class StatusReport(BaseModel):
    generated_at: datetime
    queue: dict[str, int] = Field(description="jobs per status")
    companies: int = Field(description="companies in the database")
    users: int
    trackings: int
    tracked_companies: int = Field(description="active companies tracked by an active user")
    due_now: int = Field(description="tracked companies due now (queued or not)")
    next_due: list[DueCompany] = Field(description="the next companies without a live job to fall due, soonest first")
    bands: list[BandCount] = Field(description="tracked companies per rank band")
    operations: Operations | None = Field(
        None, description="in-flight, due in 24 h, failing/dead, Gemini, matches, processors, attention"
    )


async def gather_status(
    db: Database, *, now: datetime | None = None, limit: int = 10, settings: Settings | None = None
) -> StatusReport:
    """Everything the first status report shows, in a constant number of queries; with `settings`, also the
    operational sections (scoutly/ops/health.py)."""
    now = now or utcnow()
    tracked = await tracked_companies(db)
    live = await queue.live_status_by_company(db)
    entries = []
    for company in tracked:
        due_at = company.next_due()
        entries.append(
            DueCompany(
                slug=company.slug,
                name=company.name,
                rank=company.rank,
                band=company.band.name,
                due_at=due_at,
                due_now=due_at is None or due_at <= now,
                job=live.get(company.slug),
                last_success_at=company.last_success_at,
            )
        )
    entries.sort(key=lambda e: (e.due_at or datetime.min.replace(tzinfo=now.tzinfo), -e.rank, e.slug))
    per_band = {band.name: 0 for band in scheduling.BANDS}
    for company in tracked:
        per_band[company.band.name] += 1
    report = StatusReport(
        generated_at=now,
        queue=await queue_counts(db),
        companies=await db[COMPANIES].count_documents({}),
        users=await db[USERS].count_documents({}),
        trackings=await db[TRACKINGS].count_documents({}),
        tracked_companies=len(tracked),
        due_now=sum(1 for e in entries if e.due_now),
        next_due=[e for e in entries if e.job is None][:limit],
        bands=[
            BandCount(band=b.name, ranks=b.label, every_days=b.days, companies=per_band[b.name])
            for b in scheduling.BANDS
        ],
    )
    if settings is not None:
        report.operations = await gather_operations(db, settings, now=now)
    return report
