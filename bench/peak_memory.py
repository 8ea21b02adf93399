"""Peak memory of this process and all its descendants (Chromium included), sampled in a thread.

Summed PSS counts each shared page once (what the Pi really spends); summed RSS counts shared pages once per
process and is reported beside it for comparison."""

from __future__ import annotations

import threading

import psutil

from scoutly.acquire.browser_procs import tree_memory_mb


class PeakMemory:
    """`with PeakMemory() as memory: ...` then `memory.peak_pss_mb` / `memory.peak_rss_mb`."""

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.peak_pss_mb = 0.0
        self.peak_rss_mb = 0.0
        self._stop = threading.Event()
        self._me = psutil.Process()
        self._thread: threading.Thread | None = None

    def sample(self) -> None:
        procs = [self._me, *self._me.children(recursive=True)]
        self.peak_pss_mb = max(self.peak_pss_mb, tree_memory_mb(procs))
        rss = 0
        for proc in procs:
            try:
                rss += proc.memory_info().rss
            except psutil.Error:
                continue
        self.peak_rss_mb = max(self.peak_rss_mb, rss / 2**20)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self.sample()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.sample()
