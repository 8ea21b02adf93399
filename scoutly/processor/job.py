"""One claimed job: run the pipeline under a lease kept alive by heartbeats, then complete / fail it.

Cancellation (shutdown after the grace period, or a test simulating a dying worker) is *not* handled
here: the job is left as it is, and the caller decides whether to release it. A worker that dies for
real leaves the job processing until its lease expires and `reclaim_expired` hands it to someone else.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from loguru import logger
from pymongo.errors import ConnectionFailure, PyMongoError

from scoutly import queue
from scoutly.clock import SYSTEM_CLOCK, Clock
from scoutly.companies import find_company, mark_scraped
from scoutly.config import Settings
from scoutly.errors import ConfigError, InputError
from scoutly.postings.observe import ListingSource
from scoutly.processor.pipeline import PipelineResult, run_pipeline
from scoutly.processor.runs import LEASE_LOST, RUN_FAILED, RunRecorder
from scoutly.redact import redact
from scoutly.storage.types import Database

PERMANENT_ERRORS: tuple[type[BaseException], ...] = (InputError, ConfigError)


class CompanyGone(Exception):
    """The job's company no longer exists (deleted after the job was queued)."""


def is_retryable(exc: BaseException) -> bool:
    """Everything is retried (with backoff) except errors that cannot heal by themselves."""
    return not isinstance(exc, (*PERMANENT_ERRORS, CompanyGone))


def error_text(exc: BaseException) -> str:
    """An exception as one redacted line: its type and the first line of its message."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return redact(f"{type(exc).__name__}: {text}" if text else type(exc).__name__)[:500]


async def keep_lease(
    db: Database, job: queue.Job, worker_id: str, lease: timedelta, interval: float, clock: Clock = SYSTEM_CLOCK
) -> None:
    """Heartbeat the job's lease until cancelled; returns (raises `LeaseLost`) only when the lease is gone.

    A database hiccup is tolerated: the next beat tries again (the lease is several intervals long)."""
    while True:
        await clock.sleep(interval)
        try:
            await queue.heartbeat(db, job, worker_id, lease, now=clock.now())
        except queue.LeaseLost:
            raise
        except ConnectionFailure as exc:
            logger.warning("{}: lease heartbeat failed ({}); retrying", job.company, error_text(exc))


async def process_job(
    db: Database,
    settings: Settings,
    job: queue.Job,
    worker_id: str,
    acquirer: ListingSource,
    run: RunRecorder,
    *,
    lease: timedelta,
    heartbeat_seconds: float,
    clock: Clock = SYSTEM_CLOCK,
) -> tuple[str, PipelineResult | None]:
    """Work one claimed job to its end; returns (run outcome, pipeline result or None)."""
    await run.start()
    with logger.contextualize(run=run.run_id, company=job.company):
        logger.info("claimed {} (attempt {}/{})", job.company, job.attempts, job.max_attempts)
        beat = asyncio.create_task(keep_lease(db, job, worker_id, lease, heartbeat_seconds, clock), name="lease")
        work: asyncio.Task[PipelineResult] | None = None
        try:
            company = await find_company(db, job.company)
            if company is None:
                raise CompanyGone(f"company {job.company!r} no longer exists")
            work = asyncio.create_task(
                run_pipeline(db, settings, company, acquirer, run=run, clock=clock), name="pipeline"
            )
            done, _ = await asyncio.wait({work, beat}, return_when=asyncio.FIRST_COMPLETED)
            if beat in done and work not in done:
                work.cancel()
                await asyncio.gather(work, return_exceptions=True)
                beat.result()  # raises LeaseLost (the only way keep_lease ends)
            result = work.result()
            beat.cancel()
            # Record the scrape first: completing first would let an enqueue in between see a company that was
            # never scraped and queue it again at once.
            await mark_scraped(db, job.company, success=True, strategy=result.strategy, now=clock.now())
            await queue.complete(db, job, worker_id, now=clock.now())
            outcome = result.outcome
            await run.finish(outcome, **result.run_fields())
            logger.info("{} {} in {:.1f}s", job.company, outcome, run.elapsed())
            return outcome, result
        except queue.LeaseLost:
            logger.warning("{}: lease lost (another worker took the job over); abandoning quietly", job.company)
            await _finish_quietly(run, LEASE_LOST, "lease lost")
            return LEASE_LOST, None
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            return await _record_failure(db, job, worker_id, run, exc, clock), None
        finally:
            for task in (beat, work):
                if task is not None and not task.done():
                    task.cancel()
            await asyncio.gather(*(t for t in (beat, work) if t is not None), return_exceptions=True)


async def _record_failure(
    db: Database, job: queue.Job, worker_id: str, run: RunRecorder, exc: Exception, clock: Clock
) -> str:
    error = error_text(exc)
    retryable = is_retryable(exc)
    try:
        status = await queue.fail(db, job, worker_id, error, retryable=retryable, now=clock.now())
        await mark_scraped(db, job.company, success=False, strategy=None, now=clock.now())
    except queue.LeaseLost:
        logger.warning("{}: failed ({}) but the lease was already lost", job.company, error)
        await _finish_quietly(run, LEASE_LOST, error)
        return LEASE_LOST
    except PyMongoError as db_exc:
        # The database is away: the job keeps its lease until it expires, then it is reclaimed.
        logger.error("{}: failed ({}) and could not record it: {}", job.company, error, error_text(db_exc))
        return RUN_FAILED
    if status == queue.DEAD:
        logger.error("{}: {} — attempt {}/{}, job is dead", job.company, error, job.attempts, job.max_attempts)
    else:
        logger.warning("{}: {} — attempt {}/{}, will retry", job.company, error, job.attempts, job.max_attempts)
    await _finish_quietly(run, RUN_FAILED, error, status=status)
    return RUN_FAILED


async def _finish_quietly(run: RunRecorder, outcome: str, error: str | None, **fields: Any) -> None:
    try:
        await run.finish(outcome, error=error, **fields)
    except PyMongoError as exc:
        logger.warning("could not write the run record: {}", error_text(exc))
