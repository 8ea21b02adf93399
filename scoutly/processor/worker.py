"""The processor loop: claim jobs (at most `concurrency` companies in flight), work them, heartbeat, stop.

Daemon mode runs until a signal or `max_runtime`, polling an empty queue with a growing delay and riding out
MongoDB outages; drain mode stops once nothing is claimable and nothing is in flight. Background tasks keep
the processor's heartbeat and host lock fresh and run maintenance (reclaim expired leases, resume analyses
parked for quota, retry failed notifications, enqueue due companies).
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, nullcontext
from datetime import timedelta
from typing import Any

from loguru import logger
from pymongo.errors import ConnectionFailure, PyMongoError

from scoutly import queue
from scoutly.analysis import resume_parked
from scoutly.clock import SYSTEM_CLOCK, Clock, as_utc
from scoutly.config import Settings
from scoutly.credentials import refuse_placeholders
from scoutly.errors import DatabaseUnavailable
from scoutly.notify import notify_new_matches
from scoutly.postings.observe import ListingSource
from scoutly.processor.display import progress_display
from scoutly.processor.job import error_text, process_job
from scoutly.processor.lock import (
    HostLocked,
    acquire_host_lock,
    is_alive,
    lock_id,
    mark_stopped,
    record_heartbeat,
    refresh_host_lock,
    release_host_lock,
    worker_doc_id,
)
from scoutly.processor.runs import LEASE_LOST, PARTIAL, RELEASED, RUN_FAILED, SUCCEEDED, RunRecorder
from scoutly.processor.signals import ShutdownSignals, handle_signals
from scoutly.processor.state import InFlight, ProcessorReport, ProcessorState
from scoutly.storage import Mongo, connect
from scoutly.storage.indexes import PROCESSORS
from scoutly.storage.types import Database

MAX_CONCURRENCY = 5
IDLE_START_SECONDS = 1.0
DB_RETRY_MAX_SECONDS = 30.0


def default_worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


# Opens the listing source for a processor's run (the `Acquirer`; tests give scripted ones).
AcquirerFactory = Callable[[Settings], AbstractAsyncContextManager[ListingSource]]


def _default_acquirer(settings: Settings) -> AbstractAsyncContextManager[ListingSource]:
    from scoutly.acquire import Acquirer

    return Acquirer(settings)


class Processor:
    """One processor process. Use `run_processor`; the class exists so tests can poke at a live one."""

    def __init__(
        self,
        settings: Settings,
        *,
        drain: bool,
        concurrency: int = MAX_CONCURRENCY,
        max_runtime: float | None = None,
        worker_id: str | None = None,
        display: bool | None = None,
        host_lock: bool = True,
        signals: bool = True,
        db: Database | None = None,
        acquirer_factory: AcquirerFactory | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.drain = drain
        self.concurrency = max(1, min(int(concurrency), MAX_CONCURRENCY))
        self.max_runtime = max_runtime
        self.worker_id = worker_id or default_worker_id()
        self.host = socket.gethostname()
        self.display = display
        self.host_lock = host_lock
        self.signals = signals
        self.db = db
        self.acquirer_factory = acquirer_factory or _default_acquirer
        self.lease = timedelta(seconds=settings.lease_seconds)
        self.heartbeat_seconds = min(float(settings.heartbeat_seconds), settings.lease_seconds / 3)
        self.lock_lease = timedelta(seconds=max(self.heartbeat_seconds * 3, 1.0))
        self.report = ProcessorReport(worker_id=self.worker_id, mode="drain" if drain else "daemon")
        self.state = ProcessorState(report=self.report, concurrency=self.concurrency)
        self.stop_event = asyncio.Event()
        self.tasks: dict[asyncio.Task[None], InFlight] = {}
        self.started_at = clock.now()
        self._t0 = clock.monotonic()
        self._deadline = self._t0 + max_runtime if max_runtime else None

    # --- control -----------------------------------------------------------------------------------------
    def request_stop(self, reason: str) -> None:
        """Stop claiming; in-flight jobs get the grace period, then are released."""
        if self.state.stopping is None:
            self.state.stopping = reason
            self.report.stop_reason = reason
        self.stop_event.set()

    # --- main ----------------------------------------------------------------------------------------------
    async def run(self) -> ProcessorReport:
        loop = asyncio.get_running_loop()
        signal_scope = handle_signals(loop, ShutdownSignals(self.request_stop)) if self.signals else nullcontext()
        with signal_scope:
            mongo = None
            if self.db is None:
                mongo = await self._connect()
                if mongo is None:  # stopped while waiting for MongoDB
                    return self._finish_report()
                self.db = mongo.db
            try:
                await self._run_connected()
            finally:
                if mongo is not None:
                    await mongo.close()
        return self._finish_report()

    def _finish_report(self) -> ProcessorReport:
        self.report.duration = round(self.clock.monotonic() - self._t0, 3)
        if not self.report.stop_reason:
            self.report.stop_reason = "drained" if self.drain else "stopped"
        logger.info(self.report.summary())
        return self.report

    async def _connect(self) -> Mongo | None:
        """Connect; the daemon waits for MongoDB with backoff, drain mode fails at once."""
        delay = 1.0
        while True:
            try:
                return await connect(
                    self.settings.mongodb_uri, timeout_ms=self.settings.mongodb_timeout_ms
                )
            except DatabaseUnavailable as exc:
                if self.drain:
                    raise
                logger.warning("{}; retrying in {:.0f}s", exc, delay)
            if self._deadline is not None and self.clock.monotonic() + delay >= self._deadline:
                self.request_stop("max_runtime")
                return None
            if await self._sleep_or_stop(delay):
                return None
            delay = min(delay * 2, DB_RETRY_MAX_SECONDS)

    async def _run_connected(self) -> None:
        db = self.db
        assert db is not None  # run() connects first
        if self.host_lock:
            await self._take_host_lock(db)
        logger.info(
            "processor {} started ({} mode, {} at once{})",
            self.worker_id,
            self.report.mode,
            self.concurrency,
            f", max runtime {self.max_runtime:.0f}s" if self.max_runtime else "",
        )
        background = [
            asyncio.create_task(self._heartbeats(db), name="processor-heartbeat"),
            asyncio.create_task(self._maintenance(db), name="processor-maintenance"),
        ]
        try:
            async with self.acquirer_factory(self.settings) as acquirer:
                with progress_display(self.state, self.display):
                    try:
                        await self._loop(db, acquirer)
                        await self._shutdown(db)
                    finally:
                        await self._abandon()
        finally:
            for task in background:
                task.cancel()
            await asyncio.gather(*background, return_exceptions=True)
            await self._say_goodbye(db)

    async def _take_host_lock(self, db: Database) -> None:
        """Take the host lock, riding out a MongoDB outage in daemon mode."""
        delay = 1.0
        while True:
            try:
                return await self._take_host_lock_once(db)
            except ConnectionFailure as exc:
                if self.drain:
                    raise
                self._db_down(exc, delay)
            if await self._sleep_or_stop(delay):
                return
            delay = min(delay * 2, DB_RETRY_MAX_SECONDS)

    async def _take_host_lock_once(self, db: Database) -> None:
        """Take the host lock. A holder whose heartbeat stopped is presumed dead: wait for its lease to end."""
        try:
            await acquire_host_lock(
                db, self.host, self.worker_id, self.lock_lease, pid=os.getpid(), now=self.clock.now()
            )
            return
        except HostLocked:
            holder = await db[PROCESSORS].find_one({"_id": lock_id(self.host)}) or {}
            beat = await db[PROCESSORS].find_one({"_id": worker_doc_id(str(holder.get("owner")))}) or {}
            stale = timedelta(seconds=self.heartbeat_seconds * 2)
            if is_alive(beat, now=self.clock.now(), stale_after=stale):
                raise
            until = as_utc(holder.get("lease_until")) or self.clock.now()
            wait = max((until - self.clock.now()).total_seconds(), 0) + 0.5
            logger.info("host lock held by {} which stopped beating; waiting {:.0f}s", holder.get("owner"), wait)
            if await self._sleep_or_stop(wait):
                raise
        await acquire_host_lock(db, self.host, self.worker_id, self.lock_lease, pid=os.getpid(), now=self.clock.now())

    async def _loop(self, db: Database, acquirer: ListingSource) -> None:
        idle = IDLE_START_SECONDS
        db_delay = 1.0
        while not self.stop_event.is_set():
            if self._deadline is not None and self.clock.monotonic() >= self._deadline:
                logger.info("max runtime reached")
                self.request_stop("max_runtime")
                break
            timeout: float | None = None
            if len(self.tasks) < self.concurrency:
                try:
                    job = await queue.claim(db, self.worker_id, self.lease, now=self.clock.now())
                except ConnectionFailure as exc:
                    self._db_down(exc, db_delay)
                    await self._wait(db_delay)
                    db_delay = min(db_delay * 2, DB_RETRY_MAX_SECONDS)
                    continue
                self._db_up()
                db_delay = 1.0
                if job is not None:
                    self._start(db, acquirer, job)
                    idle = IDLE_START_SECONDS
                    continue
                if self.drain and not self.tasks:
                    try:
                        reclaimed = await queue.reclaim_expired(db, now=self.clock.now())
                    except ConnectionFailure as exc:
                        self._db_down(exc, db_delay)
                        await self._wait(db_delay)
                        continue
                    if reclaimed:  # jobs of a worker that died (e.g. the previous run, killed)
                        logger.info("reclaimed {} jobs whose lease expired", reclaimed)
                        continue
                    logger.info("queue drained")
                    self.report.stop_reason = "drained"
                    break
                if not self.drain:
                    timeout = idle
                    idle = min(idle * 2, float(self.settings.idle_max_seconds))
            await self._wait(timeout)

    def _start(self, db: Database, acquirer: ListingSource, job: queue.Job) -> None:
        self.report.claimed += 1
        run = RunRecorder(
            db, job_id=job.id, company=job.company, worker=self.worker_id, attempt=job.attempts, clock=self.clock
        )
        item = InFlight(job=job, run=run)
        task = asyncio.create_task(self._work(db, acquirer, item), name=f"job-{job.company}")
        self.tasks[task] = item
        self.state.in_flight[job.id] = item
        task.add_done_callback(self._forget)

    def _forget(self, task: asyncio.Task[None]) -> None:
        item = self.tasks.pop(task, None)
        if item is not None:
            self.state.in_flight.pop(item.job.id, None)

    async def _work(self, db: Database, acquirer: ListingSource, item: InFlight) -> None:
        try:
            outcome, result = await process_job(
                db,
                self.settings,
                item.job,
                self.worker_id,
                acquirer,
                item.run,
                lease=self.lease,
                heartbeat_seconds=self.heartbeat_seconds,
                clock=self.clock,
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the run record could not even be started: the lease will expire
            logger.error("{}: job crashed: {}", item.company, error_text(exc))
            self.report.failed += 1
            return
        if outcome == SUCCEEDED:
            self.report.succeeded += 1
        elif outcome == PARTIAL:
            self.report.partial += 1
        elif outcome == LEASE_LOST:
            self.report.lease_lost += 1
        elif outcome == RUN_FAILED:
            self.report.failed += 1
        if result is not None:
            self.report.matches += len(result.matches)

    async def _wait(self, seconds: float | None) -> None:
        """Sleep until a job finishes, a stop is requested, the timeout or the deadline."""
        if self._deadline is not None:
            left = max(self._deadline - self.clock.monotonic(), 0.0)
            seconds = left if seconds is None else min(seconds, left)
        stopper = asyncio.create_task(self.stop_event.wait())
        try:
            await asyncio.wait({stopper, *self.tasks}, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopper.cancel()

    async def _sleep_or_stop(self, seconds: float) -> bool:
        """Sleep; True when a stop was requested meanwhile."""
        try:
            await asyncio.wait_for(self.stop_event.wait(), timeout=seconds)
        except TimeoutError:
            return False
        return True

    async def _shutdown(self, db: Database) -> None:
        """Give in-flight jobs the grace period, then cancel and release the rest (attempt not counted)."""
        if not self.tasks:
            return
        grace = float(self.settings.shutdown_grace_seconds)
        logger.info("waiting up to {:.0f}s for {} in-flight jobs", grace, len(self.tasks))
        _, pending = await asyncio.wait(set(self.tasks), timeout=grace)
        if not pending:
            return
        leftovers = [self.tasks[task] for task in pending if task in self.tasks]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for item in leftovers:
            await self.release(db, item)

    async def _abandon(self) -> None:
        """The processor itself is being torn down (cancelled): stop job tasks without releasing them,
        as a crash would; their leases expire and another worker reclaims them."""
        tasks = list(self.tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def release(self, db: Database, item: InFlight) -> None:
        """Hand a cancelled job back: pending again, attempt not counted; the run is marked released."""
        try:
            await queue.release(db, item.job, self.worker_id, now=self.clock.now())
        except queue.LeaseLost:
            logger.warning("{}: not released (lease already lost)", item.company)
            return
        except PyMongoError as exc:
            logger.error("{}: could not release ({}); its lease will expire", item.company, error_text(exc))
            return
        self.report.released += 1
        logger.info("released {} (back to pending, attempt not counted)", item.company)
        try:
            await item.run.finish(RELEASED, error="released on shutdown")
        except PyMongoError as exc:
            logger.warning("could not write the run record: {}", error_text(exc))

    async def _say_goodbye(self, db: Database) -> None:
        try:
            if self.host_lock:
                await release_host_lock(db, self.host, self.worker_id)
            await mark_stopped(db, self.worker_id, now=self.clock.now(), **self.state.heartbeat_fields())
        except PyMongoError as exc:
            logger.warning("could not record the processor's exit: {}", error_text(exc))

    # --- background ----------------------------------------------------------------------------------
    async def _heartbeats(self, db: Database) -> None:
        while True:
            try:
                await record_heartbeat(
                    db,
                    self.worker_id,
                    host=self.host,
                    pid=os.getpid(),
                    started_at=self.started_at,
                    state=self.state.heartbeat_fields(),
                    now=self.clock.now(),
                )
                lease = self.lock_lease
                if self.host_lock and not await refresh_host_lock(
                    db, self.host, self.worker_id, lease, now=self.clock.now()
                ):
                    try:
                        await acquire_host_lock(
                            db, self.host, self.worker_id, lease, pid=os.getpid(), now=self.clock.now()
                        )
                        logger.warning("host lock had expired; taken again")
                    except HostLocked as exc:
                        logger.error("host lock lost to another processor ({}); stopping", exc)
                        self.request_stop("host_lock_lost")
                self._db_up()
            except ConnectionFailure as exc:
                self._db_down(exc, self.heartbeat_seconds)
            await self.clock.sleep(self.heartbeat_seconds)

    async def _maintenance(self, db: Database) -> None:
        while True:
            await self.clock.sleep(float(self.settings.maintenance_seconds))
            if self.stop_event.is_set():
                return
            steps: list[tuple[str, Callable[[], Any]]] = [
                ("reclaim", lambda: queue.reclaim_expired(db, now=self.clock.now()))
            ]
            if not self.drain:
                if self.settings.processor_enqueue:
                    steps.append(
                        (
                            "enqueue",
                            lambda: queue.enqueue_due(
                                db, max_attempts=self.settings.max_attempts, now=self.clock.now()
                            ),
                        )
                    )
                steps.append(("resume parked analyses", lambda: resume_parked(db, self.settings)))
                steps.append(("notification retry", lambda: notify_new_matches(db, self.settings)))
            for name, step in steps:
                try:
                    result = await step()
                    if name == "reclaim" and result:
                        logger.info("reclaimed {} jobs whose lease expired", result)
                    elif name == "enqueue" and result.enqueued:
                        logger.info("enqueued {} due companies", result.enqueued)
                except ConnectionFailure as exc:
                    self._db_down(exc, float(self.settings.maintenance_seconds))
                    break
                except Exception as exc:
                    logger.warning("maintenance step {} failed: {}", name, error_text(exc))

    def _db_down(self, exc: BaseException, retry_in: float) -> None:
        if self.state.db_down_since is None:
            self.state.db_down_since = self.clock.monotonic()
            logger.warning("MongoDB unreachable ({}); waiting and retrying", error_text(exc))
        else:
            logger.debug("MongoDB still unreachable; retry in {:.0f}s", retry_in)

    def _db_up(self) -> None:
        if self.state.db_down_since is not None:
            down = self.clock.monotonic() - self.state.db_down_since
            self.state.db_down_since = None
            logger.info("MongoDB reachable again after {:.0f}s", down)


async def run_processor(
    settings: Settings,
    *,
    drain: bool,
    concurrency: int = MAX_CONCURRENCY,
    max_runtime: float | None = None,
    worker_id: str | None = None,
    display: bool | None = None,
    host_lock: bool = True,
    signals: bool = True,
    db: Database | None = None,
    acquirer_factory: AcquirerFactory | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> ProcessorReport:
    """Run a processor until drained (`drain`), `max_runtime` seconds, or SIGTERM/SIGINT.

    `host_lock=False` skips the one-per-host lock (`--ignore-host-lock`); `db` and `acquirer_factory`
    let tests and `scoutly try` supply their own database handle and acquirer. A placeholder password from
    .env.example is refused before anything starts (`ConfigError`).
    """
    if db is None:
        refuse_placeholders(settings)
    processor = Processor(
        settings,
        drain=drain,
        concurrency=concurrency,
        max_runtime=max_runtime,
        worker_id=worker_id,
        display=display,
        host_lock=host_lock,
        signals=signals,
        db=db,
        acquirer_factory=acquirer_factory,
        clock=clock,
    )
    return await processor.run()
