"""Virtual time for processor tests: `LoopClock` reads the event loop's clock, which the `looptime` plugin
fast-forwards whenever every task is waiting (`@pytest.mark.looptime`), so a test of a 30 s lease runs in
milliseconds while the processor still sees 30 s go by."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from scoutly.clock import utcnow


class LoopClock:
    """A `scoutly.clock.Clock` on the running event loop's time, starting at the wall time of its creation."""

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._t0 = self._loop.time()
        self._start = utcnow()

    def now(self) -> datetime:
        moment = self._start + timedelta(seconds=self._loop.time() - self._t0)
        return moment.replace(microsecond=moment.microsecond // 1000 * 1000)

    def monotonic(self) -> float:
        return self._loop.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
