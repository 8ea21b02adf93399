"""SIGTERM/SIGINT for the processor: the first asks for a graceful stop, a second exits at once."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from loguru import logger

HANDLED = (signal.SIGTERM, signal.SIGINT)


class ShutdownSignals:
    """Counts stop signals. `on_first` starts the graceful shutdown; the second signal calls `on_second`
    (by default: flush logs and leave the process immediately; expired leases recover its jobs)."""

    def __init__(self, on_first: Callable[[str], None], on_second: Callable[[int], None] | None = None) -> None:
        self.on_first = on_first
        self.on_second = on_second or _exit_now
        self.received = 0

    def __call__(self, signum: int) -> None:
        self.received += 1
        name = signal.Signals(signum).name
        if self.received == 1:
            logger.warning("{} received: no new jobs; finishing in-flight ones (send again to exit at once)", name)
            self.on_first(name)
        else:
            logger.warning("{} received again: exiting now; unfinished jobs return when their lease expires", name)
            self.on_second(signum)


def _exit_now(signum: int) -> None:
    logger.complete()
    sys.stderr.flush()
    os._exit(128 + signum)


@contextmanager
def handle_signals(loop: asyncio.AbstractEventLoop, handler: ShutdownSignals) -> Iterator[None]:
    """Install `handler` for SIGTERM and SIGINT on `loop` (main thread only) and restore on exit."""
    installed = []
    try:
        for signum in HANDLED:
            try:
                loop.add_signal_handler(signum, handler, signum)
                installed.append(signum)
            except (NotImplementedError, RuntimeError, ValueError):  # not the main thread / platform
                logger.debug("cannot handle {} here", signum)
        yield
    finally:
        for signum in installed:
            loop.remove_signal_handler(signum)
