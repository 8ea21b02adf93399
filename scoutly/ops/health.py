"""The operational half of `scoutly status`: in-flight jobs, what falls due in 24 h, failing and dead jobs,
per-company last success, Gemini budget, new matches per user, processors alive — and what needs a human.

Gathering only (a pydantic model, so `--json` and the terminal view show the same data); rendering lives in
scoutly/cli/status.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field

from scoutly import queue
from scoutly.analysis import budget_snapshot
from scoutly.clock import as_utc, utcnow
from scoutly.companies import tracked_companies
from scoutly.config import Settings
from scoutly.processor.lock import is_alive, processors_seen
from scoutly.storage.indexes import COMPANIES, MATCHES
from scoutly.storage.types import Database, Document

DUE_WINDOW = timedelta(hours=24)
PROCESSORS_WINDOW = timedelta(hours=24)


class InFlightJob(BaseModel):
    job: str
    company: str
    owner: str | None
    attempts: int
    started_at: datetime | None
    running_seconds: float | None
    heartbeat_age_seconds: float | None = Field(description="seconds since the owner last extended the lease")
    lease_until: datetime | None
    lease_expired: bool


class ProblemJob(BaseModel):
    job: str
    company: str
    status: str
    attempts: int
    max_attempts: int
    last_error: str | None
    next_retry_at: datetime | None = Field(None, description="failed jobs: when they may be claimed again")
    finished_at: datetime | None = None


class CompanyHealth(BaseModel):
    slug: str
    last_success_at: datetime | None
    last_scraped_at: datetime | None
    strategy: str | None
    consecutive_failures: int


class DueSoon(BaseModel):
    slug: str
    rank: int
    due_at: datetime | None = Field(description="null = now (never scraped)")


class ModelBudget(BaseModel):
    model: str
    requests_today: int
    rpd: int
    requests_this_minute: int
    rpm: int
    tokens_today: int = 0
    exhausted: bool
    resets_at: datetime | None


class UserMatches(BaseModel):
    user: str
    new: int = Field(description="matches with status new")
    unannounced: int = Field(description="new matches not yet notified")


class ProcessorSeen(BaseModel):
    worker: str
    host: str | None
    pid: int | None
    alive: bool
    heartbeat_at: datetime | None
    heartbeat_age_seconds: float | None
    stopped_at: datetime | None
    mode: str | None
    in_flight: list[str] = Field(default_factory=list)


class Operations(BaseModel):
    in_flight: list[InFlightJob]
    due_24h: list[DueSoon] = Field(description="companies falling due within 24 h (or due now), soonest first")
    failing: list[ProblemJob] = Field(description="jobs awaiting a retry after a failed attempt")
    dead: list[ProblemJob] = Field(description="jobs that used up their attempts or failed permanently (newest)")
    dead_total: int = 0
    companies: list[CompanyHealth] = Field(description="tracked companies, least recently successful first")
    gemini: list[ModelBudget]
    gemini_parked: int = Field(0, description="analyses waiting for the quota reset")
    matches: list[UserMatches]
    processors: list[ProcessorSeen]
    waiting_jobs: int = Field(description="pending jobs plus failed jobs whose retry time came")
    attention: list[str] = Field(description="what needs a human; non-empty → `scoutly status` exits 1")


def _age(now: datetime, value: Any) -> float | None:
    value = as_utc(value)
    return round((now - value).total_seconds(), 1) if value else None


def _problem(doc: Document) -> ProblemJob:
    return ProblemJob(
        job=str(doc["_id"]),
        company=doc["company"],
        status=doc["status"],
        attempts=int(doc.get("attempts") or 0),
        max_attempts=int(doc.get("max_attempts") or queue.DEFAULT_MAX_ATTEMPTS),
        last_error=doc.get("last_error"),
        next_retry_at=as_utc(doc.get("available_at")) if doc["status"] == queue.FAILED else None,
        finished_at=as_utc(doc.get("finished_at")),
    )


def attention_items(ops: Operations) -> list[str]:
    """The conditions under which an unattended appliance should mail its owner (pure)."""
    items = []
    if ops.dead_total:
        items.append(f"{ops.dead_total} dead jobs: fix the cause, then `scoutly debug requeue-dead`")
    if not any(p.alive for p in ops.processors) and ops.waiting_jobs:
        items.append(f"no processor alive while {ops.waiting_jobs} queued jobs wait: start `scoutly process`")
    if ops.gemini and all(model.exhausted for model in ops.gemini):
        reset = ops.gemini[0].resets_at
        items.append(
            "Gemini budget exhausted for every configured model"
            + (f" until {reset:%Y-%m-%d %H:%M} UTC" if reset else "")
        )
    if any(job.lease_expired for job in ops.in_flight):
        items.append("jobs with an expired lease: their worker died; processors reclaim them (or `debug reset-stuck`)")
    return items


async def gather_operations(
    db: Database, settings: Settings, *, now: datetime | None = None, limit: int = 20
) -> Operations:
    """Every operational section of the status report."""
    now = now or utcnow()
    stale = timedelta(seconds=max(settings.heartbeat_seconds * 3, 5))
    in_flight = []
    for doc in await queue.jobs_in(db, queue.PROCESSING, oldest_first_by="started_at"):
        lease_until = as_utc(doc.get("lease_until"))
        in_flight.append(
            InFlightJob(
                job=str(doc["_id"]),
                company=doc["company"],
                owner=doc.get("lease_owner"),
                attempts=int(doc.get("attempts") or 0),
                started_at=as_utc(doc.get("started_at")),
                running_seconds=_age(now, doc.get("started_at")),
                heartbeat_age_seconds=_age(now, doc.get("heartbeat_at")),
                lease_until=lease_until,
                lease_expired=bool(lease_until and lease_until < now),
            )
        )
    failing = [_problem(d) for d in await queue.jobs_in(db, queue.FAILED, oldest_first_by="available_at")]
    dead = [_problem(d) for d in await queue.jobs_in(db, queue.DEAD, newest_first_by="finished_at", limit=limit)]
    dead_total = await queue.count_in(db, queue.DEAD)
    waiting = await queue.count_claimable(db, now=now)

    tracked = await tracked_companies(db)
    due_soon = []
    for company in tracked:
        due_at = company.next_due()
        if due_at is None or due_at <= now + DUE_WINDOW:
            due_soon.append(DueSoon(slug=company.slug, rank=company.rank, due_at=due_at))
    due_soon.sort(key=lambda d: (d.due_at or datetime.min.replace(tzinfo=now.tzinfo), -d.rank, d.slug))
    slugs = [company.slug for company in tracked]
    health = [
        CompanyHealth(
            slug=doc["_id"],
            last_success_at=as_utc(doc.get("last_success_at")),
            last_scraped_at=as_utc(doc.get("last_scraped_at")),
            strategy=doc.get("strategy"),
            consecutive_failures=int(doc.get("consecutive_failures") or 0),
        )
        async for doc in db[COMPANIES].find({"_id": {"$in": slugs}})
    ]
    health.sort(key=lambda c: (c.last_success_at or datetime.min.replace(tzinfo=now.tzinfo), c.slug))

    gemini, parked = [], 0
    if settings is not None:
        for row in await budget_snapshot(db, settings, now=now):
            parked = int(row.get("parked") or 0)
            gemini.append(ModelBudget.model_validate({k: v for k, v in row.items() if k in ModelBudget.model_fields}))

    per_user: dict[str, UserMatches] = {}
    cursor = await db[MATCHES].aggregate(
        [
            {"$match": {"status": "new"}},
            {
                "$group": {
                    "_id": "$user",
                    "new": {"$sum": 1},
                    "unannounced": {"$sum": {"$cond": [{"$eq": [{"$ifNull": ["$notified_at", None]}, None]}, 1, 0]}},
                }
            },
        ]
    )
    async for doc in cursor:
        per_user[doc["_id"]] = UserMatches(user=doc["_id"], new=doc["new"], unannounced=doc["unannounced"])

    processors = []
    for doc in await processors_seen(db, since=now - PROCESSORS_WINDOW):
        processors.append(
            ProcessorSeen(
                worker=doc.get("worker") or str(doc["_id"]),
                host=doc.get("host"),
                pid=doc.get("pid"),
                alive=is_alive(doc, now=now, stale_after=stale),
                heartbeat_at=as_utc(doc.get("heartbeat_at")),
                heartbeat_age_seconds=_age(now, doc.get("heartbeat_at")),
                stopped_at=as_utc(doc.get("stopped_at")),
                mode=doc.get("mode"),
                in_flight=[item.get("company", "?") for item in doc.get("in_flight") or []],
            )
        )

    ops = Operations(
        in_flight=in_flight,
        due_24h=due_soon[:limit],
        failing=failing[:limit],
        dead=dead,
        dead_total=dead_total,
        companies=health[:limit],
        gemini=gemini,
        gemini_parked=parked,
        matches=sorted(per_user.values(), key=lambda u: u.user),
        processors=processors,
        waiting_jobs=waiting,
        attention=[],
    )
    ops.attention = attention_items(ops)
    return ops
