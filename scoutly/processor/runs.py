"""The run audit: one `runs` document per job attempt (stages timed, counts, tokens, outcome, error)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bson import ObjectId

from scoutly.clock import SYSTEM_CLOCK, Clock
from scoutly.redact import redact
from scoutly.storage.indexes import RUNS
from scoutly.storage.types import Database, Document

# Every stage name a run may record, in pipeline order: acquire (its own overhead) with its sub-stages listing and
# details, then diff, then analysis (its overhead) with keywords, screening and deep, then notify.
STAGES = ("acquire", "listing", "details", "diff", "analysis", "keywords", "screening", "deep", "notify")

# Final outcomes of a run (RUN_FAILED: not to be confused with the queue status queue.FAILED, a job awaiting
# its retry). `running` stays on a run whose worker died; `released` = handed back on shutdown;
# `lease_lost` = another worker took the job over (our lease expired).
SUCCEEDED, PARTIAL, RUN_FAILED, RELEASED, LEASE_LOST, RUNNING = (
    "succeeded",
    "partial",
    "failed",
    "released",
    "lease_lost",
    "running",
)


def classify_outcome(*, complete: bool, errors: int, parked: int) -> str:
    """`succeeded` when the listing was complete with no errors and nothing waits for quota, else `partial`."""
    return SUCCEEDED if complete and errors == 0 and parked == 0 else PARTIAL


class RunRecorder:
    """Times the stages of one job attempt and writes its `runs` document (created at start)."""

    def __init__(
        self,
        db: Database,
        *,
        job_id: Any,
        company: str,
        worker: str,
        attempt: int | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.clock = clock
        self.db = db
        self.id = ObjectId()
        self.job_id = job_id
        self.company = company
        self.worker = worker
        self.attempt = attempt
        self.stages: dict[str, float] = {}
        self.stage_name: str = "claimed"
        self.started_at = clock.now()
        self._t0 = clock.monotonic()

    @property
    def run_id(self) -> str:
        return str(self.id)

    def elapsed(self) -> float:
        return self.clock.monotonic() - self._t0

    async def start(self) -> None:
        await self.db[RUNS].insert_one(
            {
                "_id": self.id,
                "job": self.job_id,
                "company": self.company,
                "worker": self.worker,
                "attempt": self.attempt,
                "started_at": self.started_at,
                "ended_at": None,
                "stages": {},
                "outcome": RUNNING,
            }
        )

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time a stage (durations add up when a stage runs more than once)."""
        self.stage_name = name
        t0 = self.clock.monotonic()
        try:
            yield
        finally:
            self.add_stage(name, self.clock.monotonic() - t0)

    def add_stage(self, name: str, seconds: float) -> None:
        if name not in STAGES:
            raise ValueError(f"unknown run stage {name!r} (known: {', '.join(STAGES)})")
        self.stages[name] = round(self.stages.get(name, 0.0) + max(seconds, 0.0), 3)

    async def finish(self, outcome: str, *, error: str | None = None, **fields: Any) -> Document:
        """Write the outcome, stage durations and counts (strategy, found, new, removed, tokens, ...)."""
        update = {
            "ended_at": self.clock.now(),
            "duration": round(self.elapsed(), 3),
            "stages": dict(self.stages),
            "outcome": outcome,
            "error": redact(error)[:2000] if error else None,
            **fields,
        }
        await self.db[RUNS].update_one({"_id": self.id}, {"$set": update})
        return update


async def job_history(db: Database, job_id: Any) -> list[Document]:
    """Every attempt of a job, oldest first."""
    return await db[RUNS].find({"job": job_id}).sort([("started_at", 1), ("_id", 1)]).to_list(None)


async def company_runs(db: Database, company: str, *, limit: int = 20) -> list[Document]:
    """The most recent runs of a company, newest first."""
    return await db[RUNS].find({"company": company}).sort([("started_at", -1), ("_id", -1)]).limit(limit).to_list(None)
