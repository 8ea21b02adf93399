"""The longest event-loop stall during a block: a task that wakes every `interval` s and records how late it woke."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass


@dataclass
class LoopLag:
    longest_stall_s: float = 0.0


@contextlib.asynccontextmanager
async def loop_lag(interval: float = 0.02) -> AsyncIterator[LoopLag]:
    """`async with loop_lag() as lag: ...` then `lag.longest_stall_s`."""
    lag = LoopLag()

    async def watch() -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(interval)
            lag.longest_stall_s = max(lag.longest_stall_s, time.perf_counter() - before - interval)

    task = asyncio.create_task(watch())
    try:
        yield lag
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
