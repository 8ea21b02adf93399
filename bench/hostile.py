"""Benchmark: each hostile page of issue 11 against the acquisition bounds — wall time, peak memory of the process
tree (Python + parse workers + Chromium, summed PSS), and the longest event-loop stall measured while it ran.

Goal (issue 11): no stall over 0.5 s, no page over its byte budget, tree memory under 1.2 GB.

Every page is served on 127.0.0.1 by `scoutly.testing.http_server.LocalServer` and read through `Acquirer.listing`
(static, then rendered when Chromium is there), as the processor reads a company. `--before` also times the
unbounded path — the same page's extraction called directly on the event loop, as it was before the parse pool —
for the stall it caused (skipped for pages where that takes minutes unless asked).

Run:  .venv/bin/python bench/hostile.py [--before] [--only nested-50k,gzip-bomb]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.peak_memory import PeakMemory  # noqa: E402
from scoutly.acquire import Acquirer  # noqa: E402
from scoutly.acquire.extract import extract_postings  # noqa: E402
from scoutly.config import load_settings  # noqa: E402
from scoutly.testing.hostile_pages import deep_json_ld, gzip_bomb, harmless, many_links, nested_divs  # noqa: E402
from scoutly.testing.http_server import HTML, LocalServer  # noqa: E402
from scoutly.testing.loop_lag import loop_lag  # noqa: E402

Setup = Callable[[LocalServer, str], None]


def _page(text_or_bytes: Callable[[], str | bytes], **headers: str) -> Setup:
    def setup(server: LocalServer, path: str) -> None:
        body = text_or_bytes()
        server.route(path, body, content_type=HTML, headers=headers or None)

    return setup


def _large(size: int) -> Setup:
    return lambda server, path: server.large(path, size)


def _slow(server: LocalServer, path: str) -> None:
    server.route(path, harmless(), delay=30)


PAGES: dict[str, tuple[Setup, Callable[[], str] | None]] = {
    "harmless": (_page(harmless), harmless),
    "nested-50k": (_page(lambda: nested_divs(50_000)), lambda: nested_divs(50_000)),
    "nested-200k": (_page(lambda: nested_divs(200_000)), None),
    "deep-json-ld": (_page(deep_json_ld), None),
    "links-60k": (_page(lambda: many_links(60_000)), lambda: many_links(60_000)),
    "links-100k": (_page(lambda: many_links(100_000)), None),
    "gzip-bomb-1GB": (_page(lambda: gzip_bomb(1024**3), **{"Content-Encoding": "gzip"}), None),
    "huge-50MB": (_large(50 * 1024 * 1024), None),
    "slow-30s": (_slow, None),
}


async def measure(name: str, setup: Setup, acquirer: Acquirer, server: LocalServer) -> None:
    path = f"/{name}"
    setup(server, path)
    started = time.perf_counter()
    with PeakMemory() as memory:
        async with loop_lag() as lag:
            try:
                listing = await acquirer.listing({"_id": name, "careers_url": server.url(path)})
                outcome = f"{listing.strategy}: {len(listing.postings)} postings" + (
                    "" if listing.complete else f", partial ({'; '.join(listing.errors)[:90]})"
                )
            except Exception as exc:
                outcome = f"refused: {str(exc)[:150]}"
    wall = time.perf_counter() - started
    print(f"{name:15} {wall:7.2f} s  {memory.peak_pss_mb:7.0f} MB  stall {lag.longest_stall_s:6.3f} s  {outcome}")


async def before(name: str, page: Callable[[], str]) -> None:
    html = page()
    async with loop_lag() as lag:
        await asyncio.sleep(0.05)
        extract_postings(html, "http://127.0.0.1/")  # what strategies did, on the loop, before the parse pool
        await asyncio.sleep(0.05)
    print(f"{name:15} before: extraction on the event loop stalled it {lag.longest_stall_s:6.2f} s")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", action="store_true", help="also time the old on-loop extraction")
    parser.add_argument("--only", default="", help="comma-separated page names")
    args = parser.parse_args()
    names = [n for n in PAGES if not args.only or n in args.only.split(",")]
    settings = load_settings(
        mongodb_uri="mongomock://bench/hostile",
        politeness_delay_s=0,
        fetch_timeout_s=20,
        allow_networks="127.0.0.0/8",  # the hostile pages are served here; egress is checked elsewhere
    )
    print(f"{'page':15} {'wall':>9}  {'peak tree':>10}  {'longest stall':>14}  outcome")
    with LocalServer() as server:
        async with Acquirer(settings) as acquirer:
            for name in names:
                await measure(name, PAGES[name][0], acquirer, server)
    if args.before:
        for name in names:
            if PAGES[name][1] is not None:
                await before(name, PAGES[name][1])


if __name__ == "__main__":
    asyncio.run(main())
