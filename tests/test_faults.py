"""Faults: a worker dying mid-run, Chromium crashing mid-page, a Gemini 429 storm, MongoDB away for a while,
SIGTERM to a real `scoutly process`. Each ends with no job lost and nothing announced twice."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import psutil
import pytest
from helpers.clock import AheadClock, LoopClock
from helpers.processor import ScriptedAcquirer, fast_settings, seed_jobs
from loguru import logger
from pymongo.errors import ServerSelectionTimeoutError

from scoutly import queue
from scoutly.acquire import Acquirer
from scoutly.analysis.profile import update_profile
from scoutly.config import Settings
from scoutly.errors import DatabaseUnavailable
from scoutly.ops.status import gather_status
from scoutly.processor import Processor, ProcessorReport, run_processor
from scoutly.seeding import seed_rows
from scoutly.seeding.readers import Row
from scoutly.storage.indexes import ANALYSES, MATCHES, QUEUE, RUNS, USERS
from scoutly.testing.fake_gemini import FakeGemini
from scoutly.testing.http_server import LocalServer
from scoutly.trial.catalog import load_catalog
from scoutly.trial.server import SampleSiteServer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def sites() -> Iterator[SampleSiteServer]:
    with SampleSiteServer() as server:
        yield server


@pytest.fixture
def receiver() -> Iterator[LocalServer]:
    with LocalServer() as server:
        server.route("/hook", {"ok": True})
        yield server


def real_settings(db_uri: str, sites: SampleSiteServer, gemini: FakeGemini, **overrides: Any) -> Settings:
    base = Settings(
        mongodb_uri=db_uri,
        gemini_api_key="fault-test-key",
        gemini_base_url=gemini.base_url,
        gemini_rpm=500,
        gemini_rpd=500,
        gemini_max_retries=2,
        gemini_retry_initial_seconds=0.05,
        ats_api_overrides=sites.ats_base_urls(),
        politeness_delay_s=0,
    )
    return base.model_copy(
        update={
            "lease_seconds": 1.5,
            "heartbeat_seconds": 0.2,
            "shutdown_grace_seconds": 2.0,
            "idle_max_seconds": 0.5,
            "maintenance_seconds": 0.3,
            **overrides,
        }
    )


async def seed_sample(db: Any, sites: SampleSiteServer, slugs: list[str], *, hook: str | None = None) -> None:
    catalog = load_catalog()
    companies = [
        Row("catalog", i, c.seed_row(sites.base_url)) for i, c in enumerate(catalog.companies, 1) if c.slug in slugs
    ]
    users = [
        Row(
            "catalog",
            i,
            {"email": u.email, "name": u.name, "track": {s: r for s, r in u.trackings.items() if s in slugs}},
        )
        for i, u in enumerate(catalog.users, 1)
        if any(s in slugs for s in u.trackings)
    ]
    await seed_rows(db, companies=companies, users=users)
    for user in catalog.users:
        if any(s in slugs for s in user.trackings):
            await update_profile(db, user.email, user.profile)
    if hook:
        await db[USERS].update_many({}, {"$set": {"notify.apprise_urls": [hook], "notify.mode": "run"}})
    assert (await queue.enqueue_due(db)).enqueued == len(slugs)


async def eventually(predicate, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not await predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.05)


async def test_worker_dying_mid_run_is_reclaimed_and_finished_once(db, db_uri, sites, receiver, monkeypatch):
    with FakeGemini() as gemini:
        settings = real_settings(db_uri, sites, gemini)
        await seed_sample(db, sites, ["fjord-analytics"], hook=f"json://127.0.0.1:{receiver.port}/hook")
        original_complete = queue.complete
        completing = asyncio.Event()

        async def frozen(*_args: Any, **_kwargs: Any) -> None:  # the worker dies right before completing
            completing.set()
            await asyncio.Event().wait()

        monkeypatch.setattr(queue, "complete", frozen)
        doomed = asyncio.create_task(
            run_processor(
                settings, drain=True, worker_id="doomed", db=db, display=False, signals=False, host_lock=False
            )
        )

        async def announced() -> bool:
            return await db[MATCHES].count_documents({"notified_at": {"$ne": None}}) > 0

        await eventually(announced)
        await asyncio.wait_for(completing.wait(), 20)
        doomed.cancel()  # dies: no release, no completion
        await asyncio.gather(doomed, return_exceptions=True)
        monkeypatch.setattr(queue, "complete", original_complete)

        job = await db[QUEUE].find_one({"company": "fjord-analytics"})
        assert (job["status"], job["lease_owner"], job["attempts"]) == ("processing", "doomed", 1)
        matches_before = await db[MATCHES].count_documents({})
        hits_before = len(receiver.hits("/hook"))
        gemini_before = gemini.count()
        assert matches_before > 0 and hits_before >= 1

        later = AheadClock(settings.lease_seconds + 0.2)  # the heir starts when the lease has run out
        report = await run_processor(
            settings, drain=True, worker_id="heir", db=db, display=False, signals=False, host_lock=False, clock=later
        )
        assert (report.claimed, report.succeeded + report.partial, report.failed) == (1, 1, 0)
        job = await db[QUEUE].find_one({"company": "fjord-analytics"})
        assert (job["status"], job["attempts"]) == ("done", 2)
        assert await db[MATCHES].count_documents({}) == matches_before  # no duplicate match
        assert len(receiver.hits("/hook")) == hits_before  # no duplicate notification
        assert gemini.count() == gemini_before  # postings already judged are not judged again
        runs = await db[RUNS].find({"job": job["_id"]}).sort("started_at", 1).to_list(None)
        assert [(r["worker"], r["outcome"]) for r in runs] == [("doomed", "running"), ("heir", runs[1]["outcome"])]
        assert runs[1]["outcome"] in ("succeeded", "partial") and runs[1]["new"] == 0


def _chromium_children() -> list[psutil.Process]:
    try:
        children = psutil.Process().children(recursive=True)
    except psutil.Error:
        return []
    found = []
    for child in children:
        try:
            if "chrom" in child.name().lower() or "headless" in child.name().lower():
                found.append(child)
        except psutil.Error:
            continue
    return found


class CrashOnce:
    """The real acquirer, but Chromium is killed (SIGKILL) while the JavaScript site is being rendered."""

    def __init__(self, settings: Settings, slug: str) -> None:
        self.inner = Acquirer(settings)
        self.slug = slug
        self.crashed = False

    def __call__(self, _settings: Any) -> CrashOnce:
        return self

    async def __aenter__(self) -> CrashOnce:
        await self.inner.__aenter__()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.inner.__aexit__(*exc)

    async def describe_new(self, listing: Any, new: list) -> list[str]:
        return await self.inner.describe_new(listing, new)

    async def listing(self, company: dict) -> Any:
        task = asyncio.create_task(self.inner.listing(company))
        if company["_id"] == self.slug and not self.crashed:
            deadline = time.monotonic() + 15
            while not task.done() and time.monotonic() < deadline:
                victims = _chromium_children()
                if victims:
                    await asyncio.sleep(0.1)
                    for victim in _chromium_children():
                        with contextlib.suppress(psutil.Error):
                            victim.kill()
                    self.crashed = True
                    break
                await asyncio.sleep(0.02)
        return await task


async def _crash_pass(db: Any, db_uri: str, sites: SampleSiteServer, gemini: FakeGemini) -> tuple[Settings, dict]:
    settings = real_settings(db_uri, sites, gemini)
    await seed_sample(db, sites, ["pixel-orchard", "quillbyte"])
    acquirer = CrashOnce(settings, "pixel-orchard")
    report = await run_processor(
        settings, drain=True, db=db, display=False, signals=False, host_lock=False, acquirer_factory=acquirer
    )
    assert acquirer.crashed and report.claimed == 2
    run = await db[RUNS].find_one({"company": "pixel-orchard"}, sort=[("started_at", -1)])
    return settings, run


@pytest.mark.browser
async def test_browser_crash_mid_page_loses_no_job(db, db_uri, sites):
    with FakeGemini() as gemini:
        settings, _ = await _crash_pass(db, db_uri, sites, gemini)
        job = await db[QUEUE].find_one({"company": "pixel-orchard"})
        if job["status"] == "failed":  # the crash failed the attempt: it is retried, not lost
            await db[QUEUE].update_one({"_id": job["_id"]}, {"$set": {"available_at": job["created_at"]}})
            await run_processor(settings, drain=True, db=db, display=False, signals=False, host_lock=False)
        statuses = {doc["company"]: doc["status"] for doc in await db[QUEUE].find().to_list(None)}
        assert statuses == {"pixel-orchard": "done", "quillbyte": "done"}
        assert _chromium_children() == []  # the processor closed what was left of Chromium
        # the next scheduled look renders the page with a fresh browser and finds the postings
        await db["companies"].update_many({}, {"$set": {"last_success_at": None, "last_scraped_at": None}})
        assert (await queue.enqueue_due(db)).enqueued == 2
        await run_processor(settings, drain=True, db=db, display=False, signals=False, host_lock=False)
        run = await db[RUNS].find_one({"company": "pixel-orchard"}, sort=[("started_at", -1)])
        assert (run["strategy"], run["outcome"]) == ("rendered", "succeeded") and run["found"] > 0
    assert _chromium_children() == []


@pytest.mark.browser
async def test_browser_crash_is_not_taken_for_an_empty_complete_listing(db, db_uri, sites):
    with FakeGemini() as gemini:
        _, run = await _crash_pass(db, db_uri, sites, gemini)
    assert not (run["complete"] and run["found"] == 0), run


async def test_gemini_429_storm_parks_work_and_loses_no_job(db, db_uri, sites):
    with FakeGemini(daily_limit={"gemini-2.5-flash": 0, "gemini-2.5-flash-lite": 0}) as gemini:
        settings = real_settings(db_uri, sites, gemini)
        await seed_sample(db, sites, ["fjord-analytics", "quillbyte"])
        report = await run_processor(
            settings, drain=True, db=db, display=False, signals=False, host_lock=False, acquirer_factory=None
        )
        assert (report.claimed, report.failed) == (2, 0)
        assert await db[QUEUE].count_documents({"status": "done"}) == 2  # quota trouble is not a job failure
        runs = await db[RUNS].find().to_list(None)
        assert {run["outcome"] for run in runs} == {"partial"} and sum(run["parked"] for run in runs) > 0
        assert gemini.count(status=429) > 0
        assert await db[ANALYSES].count_documents({"status": "parked"}) > 0  # waiting for the quota reset
        status = await gather_status(db, settings=settings)
        assert any("Gemini budget exhausted" in item for item in status.operations.attention)


class FlakyCollection:
    def __init__(self, owner: FlakyDB, inner: Any) -> None:
        self._owner, self._inner = owner, inner

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            self._owner.check()
            return attr(*args, **kwargs)

        return call


class FlakyDB:
    """The test database, except that every operation raises ServerSelectionTimeoutError while 'down'."""

    def __init__(self, inner: Any, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._inner = inner
        self._monotonic = monotonic
        self.down_until = 0.0
        self.refused = 0

    def down_for(self, seconds: float) -> None:
        self.down_until = self._monotonic() + seconds

    def check(self) -> None:
        if self._monotonic() < self.down_until:
            self.refused += 1
            raise ServerSelectionTimeoutError("127.0.0.1:27017: [Errno 111] Connection refused (simulated)")

    def __getitem__(self, name: str) -> FlakyCollection:
        return FlakyCollection(self, self._inner[name])

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


async def _run_until_all_done(db: Any, processor: Processor, jobs: int) -> ProcessorReport:
    """Run a daemon until every job is done (then stop it as SIGTERM would); its max_runtime is the safety net."""
    task = asyncio.create_task(processor.run())

    async def all_done() -> bool:
        return task.done() or await db[QUEUE].count_documents({"status": "done"}) == jobs

    await eventually(all_done)
    processor.request_stop("test")
    return await task


@pytest.mark.looptime
async def test_mongodb_away_at_start_the_processor_waits_and_carries_on(db, db_uri):
    await seed_jobs(db, ["a", "b", "c"])
    clock = LoopClock()
    flaky = FlakyDB(db, clock.monotonic)
    flaky.down_for(1.2)
    processor = Processor(
        fast_settings(db_uri),
        drain=False,
        max_runtime=10,
        db=flaky,
        display=False,
        signals=False,
        acquirer_factory=ScriptedAcquirer(),
        worker_id="patient",
        clock=clock,
    )
    report = await _run_until_all_done(db, processor, 3)
    assert flaky.refused > 0
    assert (report.succeeded, report.stop_reason) == (3, "test")


@pytest.mark.looptime
async def test_mongodb_away_mid_job_loses_nothing(db, db_uri):
    await seed_jobs(db, ["a", "b"])
    clock = LoopClock()
    flaky = FlakyDB(db, clock.monotonic)
    acquirer = ScriptedAcquirer(default_seconds=0.6)

    async def outage() -> None:
        await acquirer.started.wait()
        await asyncio.sleep(0.2)
        flaky.down_for(1.0)  # heartbeats, completion and failure recording all fail for a second

    settings = fast_settings(db_uri, lease_seconds=1, maintenance_seconds=0.2)
    outage_task = asyncio.create_task(outage())
    processor = Processor(
        settings,
        drain=False,
        max_runtime=15,
        db=flaky,
        display=False,
        signals=False,
        acquirer_factory=acquirer,
        host_lock=False,
        clock=clock,
    )
    await _run_until_all_done(db, processor, 2)
    await outage_task
    assert flaky.refused > 0
    jobs = await db[QUEUE].find().to_list(None)
    assert {job["status"] for job in jobs} == {"done"}, jobs
    assert all(job["attempts"] <= 2 for job in jobs)


@pytest.mark.slow
def test_sigterm_to_a_real_process_exits_zero_after_a_clean_stop(tmp_path):
    env = {
        **os.environ,
        "MONGODB_URI": "mongomock://sigterm/scoutly_test_sigterm",
        "SCOUTLY_PROCESSOR_ENQUEUE": "0",
        "SCOUTLY_LOG_DIR": str(tmp_path),
    }
    env.pop("GEMINI_API_KEY", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "scoutly", "process", "--no-display", "--worker-id", "sig"],
        cwd=tmp_path,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            lines.append(line)
            if "processor sig started" in line:
                break
        else:
            pytest.fail("processor did not start: " + "".join(lines))
        proc.send_signal(signal.SIGTERM)
        _, rest = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, rest
    assert "SIGTERM received: no new jobs" in rest
    assert "processor sig stopped (SIGTERM)" in rest
    assert "processor sig stopped (SIGTERM)" in (tmp_path / "scoutly.log").read_text()


async def test_daemon_waits_for_a_mongodb_that_is_not_there_yet_and_drain_fails_fast():
    uri = "mongodb://127.0.0.1:9/scoutly_test_absent"  # nothing listens on the discard port
    settings = fast_settings(uri, mongodb_timeout_ms=100)
    warnings: list[str] = []
    logger.add(lambda message: warnings.append(str(message)), level="WARNING", format="{message}")
    processor = Processor(settings, drain=False, display=False, signals=False, acquirer_factory=ScriptedAcquirer())
    task = asyncio.create_task(processor.run())

    async def first_attempt_failed() -> bool:
        return task.done() or any("retrying in 1s" in line for line in warnings)

    await eventually(first_attempt_failed, timeout=10)
    await asyncio.sleep(0.1)
    assert not task.done()  # still waiting, not crashed
    processor.request_stop("test")
    report = await asyncio.wait_for(task, 10)
    assert (report.stop_reason, report.claimed) == ("test", 0)
    with pytest.raises(DatabaseUnavailable, match="unreachable"):
        await run_processor(settings, drain=True, display=False, signals=False, acquirer_factory=ScriptedAcquirer())
