"""What was seeded, for `scoutly companies` and `scoutly users`: each company with its effective rank, cadence,
next due time and last scrape result; each user with the companies they track.

Gathering only (pydantic models, so `--json` and the table show the same data); rendering lives in
scoutly/cli/listing.py. A constant number of queries whatever the number of companies.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from scoutly.clock import as_utc
from scoutly.companies import TrackedCompany, tracked_companies
from scoutly.queue import live_status_by_company
from scoutly.storage.indexes import COMPANIES, TRACKINGS, USERS
from scoutly.storage.types import Database


class LastResult(BaseModel):
    """The outcome of the company's latest scrape, from its bookkeeping fields."""

    outcome: str = Field(description="never (not scraped yet), ok, or failed")
    at: datetime | None = Field(None, description="when the latest scrape (attempt) happened")
    strategy: str | None = Field(None, description="what last worked: an ATS vendor, static or rendered")
    failures_in_a_row: int = 0


class CompanyRow(BaseModel):
    slug: str
    name: str
    careers_url: str | None
    active: bool
    rank: int | None = Field(description="effective rank: the highest rank an active user gave it; null = untracked")
    cadence: str | None = Field(description="the rank band, e.g. daily; null = not scheduled")
    trackers: int
    next_due: datetime | None = Field(description="null with `scheduled` = due now (never scraped)")
    scheduled: bool = Field(description="false for inactive or untracked companies: never queued")
    job: str | None = Field(description="status of its live queue job (pending, processing, failed), if any")
    last: LastResult


class TrackingRow(BaseModel):
    company: str
    rank: int = Field(description="this user's rank")
    cadence: str | None = Field(description="the company's band (from its effective rank); null = not scheduled")
    next_due: datetime | None
    scheduled: bool
    job: str | None
    last: LastResult


class UserRow(BaseModel):
    email: str
    name: str | None
    active: bool
    trackings: list[TrackingRow]


def last_result(company: dict[str, Any]) -> LastResult:
    """A company document's latest scrape outcome (pure)."""
    scraped = as_utc(company.get("last_scraped_at"))
    succeeded = as_utc(company.get("last_success_at"))
    failures = int(company.get("consecutive_failures") or 0)
    if scraped is None and succeeded is None:
        return LastResult(outcome="never")
    outcome = "failed" if failures > 0 else "ok"
    return LastResult(
        outcome=outcome, at=scraped or succeeded, strategy=company.get("strategy"), failures_in_a_row=failures
    )


async def list_companies(db: Database) -> list[CompanyRow]:
    """Every company (active or not), highest effective rank first, then by slug."""
    tracked = {company.slug: company for company in await tracked_companies(db)}
    jobs = await live_status_by_company(db)
    rows = []
    async for doc in db[COMPANIES].find({}):
        slug = doc["_id"]
        schedule: TrackedCompany | None = tracked.get(slug)
        rows.append(
            CompanyRow(
                slug=slug,
                name=doc.get("name") or slug,
                careers_url=doc.get("careers_url"),
                active=bool(doc.get("active", True)),
                rank=schedule.rank if schedule else None,
                cadence=schedule.band.name if schedule else None,
                trackers=schedule.trackers if schedule else 0,
                next_due=schedule.next_due() if schedule else None,
                scheduled=schedule is not None,
                job=jobs.get(slug),
                last=last_result(doc),
            )
        )
    rows.sort(key=lambda row: (-(row.rank or 0), row.slug))
    return rows


async def list_users(db: Database) -> list[UserRow]:
    """Every user with the companies they track (highest rank first)."""
    tracked = {company.slug: company for company in await tracked_companies(db)}
    jobs = await live_status_by_company(db)
    companies = {
        doc["_id"]: doc
        async for doc in db[COMPANIES].find(
            {}, {"last_scraped_at": 1, "last_success_at": 1, "consecutive_failures": 1, "strategy": 1}
        )
    }
    per_user: dict[str, list[TrackingRow]] = {}
    async for doc in db[TRACKINGS].find({}, {"user": 1, "company": 1, "rank": 1}):
        slug = doc["company"]
        schedule = tracked.get(slug)
        per_user.setdefault(doc["user"], []).append(
            TrackingRow(
                company=slug,
                rank=int(doc["rank"]),
                cadence=schedule.band.name if schedule else None,
                next_due=schedule.next_due() if schedule else None,
                scheduled=schedule is not None,
                job=jobs.get(slug),
                last=last_result(companies.get(slug, {})),
            )
        )
    users = []
    async for doc in db[USERS].find({}, {"name": 1, "active": 1}).sort("_id", 1):
        trackings = sorted(per_user.get(doc["_id"], []), key=lambda row: (-row.rank, row.company))
        users.append(
            UserRow(email=doc["_id"], name=doc.get("name"), active=bool(doc.get("active", True)), trackings=trackings)
        )
    return users
