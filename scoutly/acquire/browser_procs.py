"""The Chromium process tree of a BrowserPool: find it, measure it, kill it, reap orphans (psutil).

Each pool launches Chromium with a marker switch (`--scoutly-owner=<python pid>-<token>`) that Chromium ignores
but that shows in the browser process's command line, so the pool (and tests) can find exactly its own browser
without private Playwright APIs, and a later run can recognise Chromium left behind by a process that died.
"""

from __future__ import annotations

import contextlib
import os
import uuid

import psutil

MARKER_SWITCH = "--scoutly-owner"


def new_marker() -> str:
    """A fresh marker for one pool: owner pid + random token."""
    return f"{os.getpid()}-{uuid.uuid4().hex[:12]}"


def marker_arg(marker: str) -> str:
    return f"{MARKER_SWITCH}={marker}"


def _marker_of(proc: psutil.Process) -> str | None:
    try:
        for arg in proc.cmdline():
            if arg.startswith(MARKER_SWITCH + "="):
                return str(arg).split("=", 1)[1]
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return None
    return None


def find_browser(marker: str) -> psutil.Process | None:
    """The Chromium browser process launched with `marker`, or None."""
    for proc in psutil.process_iter(["cmdline"]):
        args = proc.info.get("cmdline") or []
        if marker_arg(marker) in args:
            return proc
    return None


def tree(root: psutil.Process | None) -> list[psutil.Process]:
    """`root` and all its living descendants (empty when root is gone)."""
    if root is None:
        return []
    try:
        return [root, *root.children(recursive=True)]
    except psutil.Error:  # gone, zombie, or not ours to inspect
        return []


def tree_memory_mb(procs: list[psutil.Process]) -> float:
    """Memory of `procs` in MiB: summed PSS (shared pages split between the processes sharing them, so the sum
    is what the tree really occupies), or RSS for a process whose PSS cannot be read. Summing RSS instead would
    count Chromium's shared binary and zygote pages once per process, about twice the real footprint."""
    total = 0
    for proc in procs:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.ZombieProcess):
            try:
                total += proc.memory_full_info().pss  # /proc/<pid>/smaps_rollup
            except (psutil.AccessDenied, AttributeError):
                total += proc.memory_info().rss
    return total / 2**20


def largest_renderer(procs: list[psutil.Process]) -> psutil.Process | None:
    """The Chromium renderer (one per site or page) with the most resident memory, or None."""
    best: psutil.Process | None = None
    best_rss = -1
    for proc in procs:
        try:
            if "--type=renderer" not in proc.cmdline():
                continue
            rss = proc.memory_info().rss
        except psutil.Error:
            continue
        if rss > best_rss:
            best, best_rss = proc, rss
    return best


def kill_all(procs: list[psutil.Process], *, timeout: float = 3.0) -> int:
    """SIGKILL every still-running process in `procs`, wait for them; returns how many were killed."""
    alive = []
    for proc in procs:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                proc.kill()
                alive.append(proc)
    if alive:
        psutil.wait_procs(alive, timeout=timeout)
    return len(alive)


def _owner_alive(marker: str, started: float) -> bool:
    pid_text = marker.split("-", 1)[0]
    if not pid_text.isdigit():
        return False
    try:
        owner = psutil.Process(int(pid_text))
        # pid reuse: a process that started after the browser cannot be its owner
        return bool(owner.create_time() <= started + 1.0 and owner.status() != psutil.STATUS_ZOMBIE)
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return False


def reap_orphans() -> int:
    """Kill marked Chromium trees whose owning Python process is gone (left by a SIGKILLed run); returns count."""
    reaped = 0
    for proc in psutil.process_iter(["cmdline", "create_time"]):
        args = proc.info.get("cmdline") or []
        marker = next((a.split("=", 1)[1] for a in args if a.startswith(MARKER_SWITCH + "=")), None)
        if marker is None or _owner_alive(marker, proc.info.get("create_time") or 0.0):
            continue
        reaped += kill_all(tree(proc))
    return reaped


def marked_processes(marker: str) -> list[psutil.Process]:
    """Every living process carrying `marker` plus their descendants (for leak checks)."""
    found: list[psutil.Process] = []
    for proc in psutil.process_iter():
        if _marker_of(proc) == marker:
            found.extend(p for p in tree(proc) if _living(p))
    return found


def _living(proc: psutil.Process) -> bool:
    try:
        return bool(proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE)
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return False
