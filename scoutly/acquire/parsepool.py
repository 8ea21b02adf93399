"""A small pool of worker processes for CPU-bound page reading, each task with a deadline that KILLS its worker.

Parsing a hostile page can take minutes (issue 11: 200k nested `<div>`s froze the event loop for 520 s, and with
it heartbeats, signals and the Chromium memory watchdog). Here the work runs in another process: the event loop
only awaits a future, and at `timeout_s` pebble terminates the worker (a thread could not be stopped) and starts
a fresh one. Workers come from a forkserver — forking the event-loop process itself would copy its threads and
sockets — with the reading modules preloaded, so a task starts in milliseconds. The pool is per process, created
on first use, small (`WORKERS`; a Pi has 4 cores and Chromium needs some), and recycles workers after
`TASKS_PER_WORKER` pages so a leak cannot grow without bound.
"""

from __future__ import annotations

import asyncio
import atexit
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

T = TypeVar("T")

WORKERS = 2
TASKS_PER_WORKER = 200
DEFAULT_TIMEOUT_S = 30.0
PRELOAD = ["scoutly.acquire.reading"]

_pool: ProcessPool | None = None
_lock = threading.Lock()


class ParseTimeout(Exception):
    """The page was not read within its time budget; the worker reading it was killed."""


class ParseCrashed(Exception):
    """The worker reading the page died (killed for memory, crashed); the page is not read."""


def _get_pool() -> ProcessPool:
    global _pool
    with _lock:
        if _pool is None or not _pool.active:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            _pool = ProcessPool(max_workers=WORKERS, max_tasks=TASKS_PER_WORKER, context=context)
        return _pool


def _schedule(function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], timeout_s: float) -> Any:
    return _get_pool().schedule(function, args=args, kwargs=kwargs, timeout=timeout_s)


def shutdown() -> None:
    """Stop the pool's workers (at exit; tests may call it)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.stop()  # type: ignore[no-untyped-call]  # pebble leaves stop() unannotated
        pool.join(timeout=5)


atexit.register(shutdown)


async def run(function: Callable[..., T], *args: Any, timeout_s: float = DEFAULT_TIMEOUT_S, **kwargs: Any) -> T:
    """`function(*args, **kwargs)` in a worker process; raises ParseTimeout past `timeout_s` (worker killed).

    `function` must be a module-level function and its arguments and result picklable. Cancelling the awaiting
    task cancels the work too (a running worker is killed)."""
    # Scheduling starts the pool (forkserver, preloaded workers: ~1.5 s) on first use: never on the event loop.
    future = await asyncio.to_thread(_schedule, function, args, kwargs, timeout_s)
    try:
        return await asyncio.wrap_future(future)
    except FutureTimeout:
        raise ParseTimeout(f"not read within {timeout_s:g} s; stopped") from None
    except ProcessExpired as exc:
        raise ParseCrashed(f"the worker reading it died (exit code {exc.exitcode})") from None
    except BrokenProcessPool:
        shutdown()  # the next page gets a fresh pool
        raise ParseCrashed("the page-reading workers could not start or all died") from None
    finally:
        future.cancel()  # no-op when done; kills the worker when we were cancelled while it ran
