"""What a running processor knows about itself: in-flight jobs, counts, and its final report."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from scoutly import queue
from scoutly.processor.runs import RunRecorder


@dataclass
class InFlight:
    """A job being worked on (the display and the heartbeat document show these)."""

    job: queue.Job
    run: RunRecorder

    @property
    def company(self) -> str:
        return str(self.job.company)

    @property
    def stage(self) -> str:
        return self.run.stage_name

    def elapsed(self) -> float:
        return self.run.elapsed()


FAILED_STOPS = frozenset({"host_lock_lost"})


@dataclass
class ProcessorReport:
    """The outcome of `run_processor`."""

    worker_id: str
    mode: str  # "daemon" or "drain"
    claimed: int = 0
    succeeded: int = 0
    partial: int = 0
    failed: int = 0
    released: int = 0
    lease_lost: int = 0
    matches: int = 0
    stop_reason: str = ""  # drained | stopped | max_runtime | SIGTERM/SIGINT | host_lock_lost
    duration: float = 0.0

    @property
    def exit_code(self) -> int:
        """0 when the processor stopped the way it was asked to (drained, runtime over, a signal); 1 when it had
        to give up on its own (another processor took over this host's lease), so a supervisor sees a failure."""
        return 1 if self.stop_reason in FAILED_STOPS else 0

    def summary(self) -> str:
        return (
            f"processor {self.worker_id} stopped ({self.stop_reason}) after {self.duration:.1f}s: "
            f"{self.claimed} claimed, {self.succeeded} succeeded, {self.partial} partial, {self.failed} failed, "
            f"{self.released} released, {self.lease_lost} lease lost, {self.matches} new matches"
        )


@dataclass
class ProcessorState:
    """Mutable state shared by the loop, the heartbeat task and the display."""

    report: ProcessorReport
    concurrency: int
    in_flight: dict[Any, InFlight] = field(default_factory=dict)
    stopping: str | None = None  # reason, once shutdown began
    started: float = field(default_factory=time.monotonic)
    db_down_since: float | None = None

    def heartbeat_fields(self) -> dict[str, Any]:
        return {
            "mode": self.report.mode,
            "concurrency": self.concurrency,
            "in_flight": [
                {"company": item.company, "stage": item.stage, "seconds": round(item.elapsed(), 1)}
                for item in self.in_flight.values()
            ],
            "done": self.report.succeeded + self.report.partial,
            "failed": self.report.failed,
            "stopping": self.stopping,
        }
