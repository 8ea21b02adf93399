"""Virtual time for tests.

`LoopClock` reads the event loop's clock, which the `looptime` plugin fast-forwards whenever every task is waiting
(`@pytest.mark.looptime`), so a test of a 30 s lease runs in milliseconds while the processor still sees 30 s go by.

`SkipClock` is for tests that talk to real sockets (looptime would fire their time limits early): its sleeps are
recorded and return at once, moving its time on as if they had been slept. Sleeps asked for at the same moment
overlap as real ones do (time moves to the latest end, not the sum), so a missing lock still shows as too little
time gone by."""

from __future__ import annotations

import asyncio
import time
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


class SkipClock:
    """A `scoutly.clock.Clock` that does not wait: real time plus every wait asked for (see the module doc)."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []  # every wait asked for, in order
        self._ahead = 0.0  # seconds skipped so far

    def now(self) -> datetime:
        moment = utcnow() + timedelta(seconds=self._ahead)
        return moment.replace(microsecond=moment.microsecond // 1000 * 1000)

    def monotonic(self) -> float:
        return time.monotonic() + self._ahead

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        end = self.monotonic() + seconds
        await asyncio.sleep(0)  # tasks ready at this same moment may ask to sleep too: their waits overlap
        self._ahead = max(self._ahead, end - time.monotonic())


class AheadClock:
    """The real clock, `seconds` ahead in wall time: a worker that starts when others' leases have run out."""

    def __init__(self, seconds: float) -> None:
        self.ahead = timedelta(seconds=seconds)

    def now(self) -> datetime:
        moment = utcnow() + self.ahead
        return moment.replace(microsecond=moment.microsecond // 1000 * 1000)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
