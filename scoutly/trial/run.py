"""`scoutly try`: the whole pipeline in one process, against the in-memory database and the sample sites.

seed (sample companies on the local server, sample users with profiles and ranks) → enqueue → process
(drain mode, real acquisition: ATS feeds, static HTML, Chromium for the JavaScript site) → a second pass a
"week later", with the sample sites at version 2 so some postings appear and others disappear → the matches.
Nothing touches a real database: the URI is forced to `mongomock://`, and the data is dropped at the end.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from ipaddress import ip_address, ip_network
from typing import Any
from urllib.parse import urlsplit

from pymongo import ASCENDING, DESCENDING

from scoutly import queue
from scoutly.clock import utcnow
from scoutly.config import Settings
from scoutly.ops.status import StatusReport, gather_status
from scoutly.processor import ProcessorReport, run_processor
from scoutly.seeding import SeedReport, seed_rows
from scoutly.seeding.readers import Row
from scoutly.storage import connect
from scoutly.storage.indexes import COMPANIES, MATCHES, POSTINGS, RUNS
from scoutly.storage.memory import forget_memory_client
from scoutly.storage.records import MatchRecord, as_match
from scoutly.storage.types import Database, Document
from scoutly.trial.catalog import CATALOG_FILE, SampleCompany, SampleUser, load_catalog
from scoutly.trial.server import SampleSiteServer

TRIAL_URI = "mongomock://trial/scoutly"
# The second pass pretends this much time went by, so every company (even rank 1–10: every 5 days) is due.
FAST_FORWARD = timedelta(days=7)
TRIAL_CONCURRENCY = 5


@dataclass
class PassResult:
    """One seed/enqueue/process round."""

    label: str
    site_version: int
    enqueued: int
    report: ProcessorReport
    runs: list[Document]
    seconds: float
    # Postings projected to company, title, location and url (so plain documents, not PostingRecords):
    appeared: list[Document] = field(default_factory=list)  # postings first seen in this pass (not a baseline)
    closed: list[Document] = field(default_factory=list)  # postings this pass found gone


@dataclass
class TrialResult:
    """Everything the trial report shows."""

    base_url: str
    gemini: bool
    gemini_models: list[str]
    companies: list[SampleCompany]
    users: list[SampleUser]
    seeded: SeedReport
    passes: list[PassResult] = field(default_factory=list)
    matches: dict[str, list[MatchRecord]] = field(default_factory=dict)  # user email → match documents
    postings_open: int = 0
    postings_closed: int = 0
    status: StatusReport | None = None  # the `scoutly status` data of the trial database
    interrupted: bool = False  # stopped by a signal before every pass ran
    chromium: str = ""  # the Chromium executable used, or why there is none
    chromium_found: bool = True

    def match_count(self) -> int:
        return sum(len(items) for items in self.matches.values())


def trial_settings(base: Settings, sites: SampleSiteServer) -> Settings:
    """The user's settings with the database forced to memory and the ATS feeds pointed at the sample server.

    The Gemini key (if any) and models are kept: with GEMINI_API_KEY set, the trial uses Gemini. The egress
    allow list is exactly the sample server's own address (everything else internal stays refused).
    """
    server_address = ip_address(urlsplit(sites.base_url).hostname or "")
    return base.model_copy(
        update={
            "allow_networks": (ip_network(server_address),),
            "mongodb_uri": TRIAL_URI,
            "ats_api_overrides": sites.ats_base_urls(),
            "politeness_delay_s": 0.0,  # every sample site is on one local host, ours
            "concurrency": TRIAL_CONCURRENCY,
            "log_dir": None,
        }
    )


def _seed_rows(base_url: str) -> tuple[list[Row], list[Row]]:
    catalog = load_catalog()
    source = f"{CATALOG_FILE.parent.name}/{CATALOG_FILE.name}"
    companies = [Row(source, index, company.seed_row(base_url)) for index, company in enumerate(catalog.companies, 1)]
    users = [Row(source, index, _user_row(user)) for index, user in enumerate(catalog.users, 1)]
    return companies, users


def _user_row(user: SampleUser) -> dict[str, Any]:
    """A sample user as a users seed file gives one: profile and keyword trackers included (the CV text as the
    summary)."""
    profile = {key: value for key, value in user.profile.items() if key != "cv_text"}
    return {"email": user.email, "name": user.name, "track": dict(user.trackings), **profile,
            "summary": user.profile.get("cv_text")}


async def _pass_runs(db: Database, since: datetime) -> list[Document]:
    cursor = db[RUNS].find({"started_at": {"$gte": since}}).sort([("company", ASCENDING), ("started_at", ASCENDING)])
    runs: dict[str, Document] = {}
    async for run in cursor:
        runs[run["company"]] = run  # the last attempt of each company in this pass
    return list(runs.values())


async def _fast_forward(db: Database, delta: timedelta) -> None:
    """Pretend `delta` went by: move every company's scrape times back (only the trial's in-memory data)."""
    async for company in db[COMPANIES].find({}, {"last_scraped_at": 1, "last_success_at": 1}):
        changes = {key: company[key] - delta for key in ("last_scraped_at", "last_success_at") if company.get(key)}
        if changes:
            await db[COMPANIES].update_one({"_id": company["_id"]}, {"$set": changes})


def chromium_status(settings: Settings) -> tuple[str, bool]:
    """The Chromium the JavaScript site will be rendered with, or the reason there is none."""
    from scoutly.acquire.browser import BrowserUnavailable, chromium_executable

    try:
        return chromium_executable(settings), True
    except BrowserUnavailable as exc:
        return str(exc), False


async def _matches_by_user(db: Database, users: list[SampleUser]) -> dict[str, list[MatchRecord]]:
    result: dict[str, list[MatchRecord]] = {}
    for user in users:
        cursor = db[MATCHES].find({"user": user.email}).sort([("score", DESCENDING), ("company", ASCENDING)])
        result[user.email] = [as_match(match) async for match in cursor]
    return result


async def _status_data(db: Database, settings: Settings) -> StatusReport:
    """The `scoutly status` data of the trial database."""
    return await gather_status(db, settings=settings)


async def _run_pass(
    db: Database, settings: Settings, number: int, label: str, version: int, *, display: bool | None, signals: bool
) -> PassResult:
    """enqueue → process in drain mode (the real processor, five companies at once) → what each company gave."""
    started_at = utcnow()
    clock = time.perf_counter()
    enqueued = await queue.enqueue_due(db)
    report = await run_processor(
        settings,
        drain=True,
        concurrency=TRIAL_CONCURRENCY,
        worker_id=f"trial-pass-{number}",
        display=display,
        host_lock=False,  # the trial's database is its own: no other processor can share it
        signals=signals,
        db=db,
    )
    fields = {"company": 1, "title": 1, "location": 1, "url": 1}
    order = [("company", ASCENDING), ("title", ASCENDING)]
    appeared = db[POSTINGS].find({"first_seen_at": {"$gte": started_at}, "baseline": {"$ne": True}}, fields)
    closed = db[POSTINGS].find({"closed_at": {"$gte": started_at}}, fields)
    return PassResult(
        label=label,
        site_version=version,
        enqueued=enqueued.enqueued,
        report=report,
        runs=await _pass_runs(db, started_at),
        seconds=time.perf_counter() - clock,
        appeared=[doc async for doc in appeared.sort(order)],
        closed=[doc async for doc in closed.sort(order)],
    )


async def run_trial(
    settings: Settings,
    *,
    second_pass: bool = True,
    display: bool | None = None,
    signals: bool = True,
    progress: Callable[[str], None] | None = None,
) -> TrialResult:
    """Run the trial end to end and return what happened (the caller renders it)."""
    say = progress or (lambda message: None)
    catalog = load_catalog()
    forget_memory_client(TRIAL_URI)  # a fresh in-memory database, even when run twice in one process
    with SampleSiteServer() as sites:
        trial = trial_settings(settings, sites)
        mongo = await connect(trial.mongodb_uri)
        try:
            db = mongo.db
            say(f"sample career sites on {sites.base_url}")
            companies, users = _seed_rows(sites.base_url)
            seeded = await seed_rows(db, companies=companies, users=users)
            key = trial.gemini_key()
            chromium, chromium_found = chromium_status(trial)
            result = TrialResult(
                base_url=sites.base_url,
                gemini=key is not None,
                gemini_models=sorted({trial.gemini_screen_model, trial.gemini_deep_model}),
                companies=list(catalog.companies),
                users=list(catalog.users),
                seeded=seeded,
                chromium=chromium,
                chromium_found=chromium_found,
            )
            labels = ["first look (every posting is new to Scoutly: a baseline)"]
            if second_pass:
                labels.append("a week later (the sample sites changed)")
            for number, label in enumerate(labels, 1):
                if number > 1:
                    sites.version = 2
                    await _fast_forward(db, FAST_FORWARD)
                say(f"pass {number}: {label}")
                done = await _run_pass(db, trial, number, label, sites.version, display=display, signals=signals)
                result.passes.append(done)
                if done.report.stop_reason != "drained":  # Ctrl-C / SIGTERM: report what was done, no further pass
                    result.interrupted = True
                    break
            result.matches = await _matches_by_user(db, result.users)
            result.postings_open = await db[POSTINGS].count_documents({"closed_at": None})
            result.postings_closed = await db[POSTINGS].count_documents({"closed_at": {"$ne": None}})
            result.status = await _status_data(db, trial)
            return result
        finally:
            await mongo.close()
            forget_memory_client(TRIAL_URI)
