"""Benchmark: what Chromium costs compared with an ATS JSON feed, and how fast the BrowserPool renders.

1. The same board (default 50 postings) is served on 127.0.0.1 both as a Greenhouse-shaped JSON feed and as a
   careers page that renders that feed with JavaScript. Per company: wall time and peak memory (summed PSS) of
   this process tree (Python + Playwright's driver + Chromium) for the feed strategy
   (scoutly.acquire.ats.greenhouse over httpx) and for the rendered strategy (BrowserPool.render_listing +
   extract_postings), printed with their ratios.
2. Throughput: 50 distinct local JavaScript career pages rendered with render_listing at concurrency 1 and 5,
   with pages/s and peak memory (PSS) of the process tree and of Chromium alone.

Run:  .venv/bin/python bench/acquire.py [--postings 50] [--pages 50] [--repeat 5]
Numbers depend on the machine; compare ratios, and rerun on the Pi for its absolute figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.peak_memory import PeakMemory
from scoutly.acquire.ats import greenhouse
from scoutly.acquire.ats.base import AtsBoard
from scoutly.acquire.browser import BrowserPool
from scoutly.acquire.extract import extract_postings
from scoutly.acquire.http import Http, HttpLimits
from scoutly.config import Settings
from scoutly.testing.http_server import LocalServer

BOARD_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{company} careers</title></head>
<body>
<nav><a href="/">Home</a> <a href="/about">About</a> <a href="/blog">Blog</a></nav>
<h1>Open positions at {company}</h1>
<ul id="jobs"></ul>
<script>
  // like an embedded job board: the page fetches the ATS feed and builds the list in the browser
  fetch('/v1/boards/{company}/jobs?content=true').then((r) => r.json()).then((data) => {{
    const list = document.getElementById('jobs');
    for (const job of data.jobs) {{
      const li = document.createElement('li');
      li.className = 'opening';
      li.innerHTML = `<a href="${{job.absolute_url}}">${{job.title}}</a>
        <span class="location">${{job.location.name}}</span>`;
      list.appendChild(li);
    }}
  }});
</script>
</body></html>"""

FIGURES: list[dict[str, Any]] = []  # what `--json` prints for bench/run_all
_report = sys.stdout


def say(text: str) -> None:
    """A line of the human-readable report (stderr under --json, so stdout holds only the JSON)."""
    print(text, file=_report, flush=True)


def figure(name: str, value: float, unit: str, how: str) -> None:
    FIGURES.append({"name": name, "value": round(value, 3), "unit": unit, "how": how})


TITLES = ("Backend Engineer", "Data Scientist", "Product Manager", "Site Reliability Engineer", "UX Designer")
CITIES = ("Berlin", "Munich", "Remote - EU", "Hamburg", "Vienna")


def greenhouse_feed(base_url: str, company: str, count: int) -> dict[str, Any]:
    """A Greenhouse job-board API response (`/v1/boards/<token>/jobs?content=true`) with `count` postings."""
    jobs = []
    for n in range(count):
        job_id = 4_000_000 + n
        jobs.append(
            {
                "id": job_id,
                "title": f"{TITLES[n % len(TITLES)]} {n}",
                "absolute_url": f"{base_url}/jobs/{company}/{job_id}",
                "location": {"name": CITIES[n % len(CITIES)]},
                "departments": [{"id": 1, "name": "Engineering"}],
                "offices": [{"id": 2, "name": CITIES[n % len(CITIES)], "location": CITIES[n % len(CITIES)]}],
                "metadata": [{"name": "Employment Type", "value": "Full-time"}],
                "updated_at": "2026-11-01T10:00:00-04:00",
                "content": "&lt;p&gt;" + "We build things. " * 60 + "&lt;/p&gt;",
            }
        )
    return {"jobs": jobs, "meta": {"total": count}}


async def timed_runs(run: Callable[[], Awaitable[int]], repeat: int) -> tuple[list[float], int]:
    """Wall times of `repeat` runs and the postings count of the last one."""
    times, found = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        found = await run()
        times.append(time.perf_counter() - started)
    return times, found


async def compare_strategies(server: LocalServer, settings: Settings, postings: int, repeat: int) -> None:
    company = "acme"
    server.route(f"/v1/boards/{company}/jobs", greenhouse_feed(server.base_url, company, postings))
    server.route(f"/careers/{company}", BOARD_PAGE.format(company=company))
    board = AtsBoard("greenhouse", company)
    vendor = greenhouse.Greenhouse(server.base_url)  # the feed on the local server

    async with httpx.AsyncClient(headers={"User-Agent": settings.user_agent}) as client:
        http = Http(client, HttpLimits(delay_s=0.0))

        async def feed() -> int:
            return len((await vendor.fetch(http, board)).postings)

        await feed()  # warm the connection and imports, like a long-running processor
        with PeakMemory() as feed_mem:
            feed_times, feed_found = await timed_runs(feed, repeat)

    page_url = server.url(f"/careers/{company}")
    pool = BrowserPool(settings)
    try:

        async def rendered() -> int:
            pages = await pool.render_listing(page_url)
            found = {p.key for page in pages for p in extract_postings(page.html, page.url)}
            return len(found)

        with PeakMemory() as cold_mem:
            cold_times, _ = await timed_runs(rendered, 1)  # includes starting Chromium
        with PeakMemory() as rendered_mem:
            rendered_times, rendered_found = await timed_runs(rendered, repeat)
    finally:
        await pool.close()

    feed_s, rendered_s = statistics.median(feed_times), statistics.median(rendered_times)
    say(f"\n== one company, {postings} postings, same board: ATS JSON feed vs JavaScript-rendered page ==")
    say(f"{'strategy':<30}{'found':>7}{'wall (median)':>16}{'peak mem tree':>16}")
    say(f"{'greenhouse feed (httpx)':<30}{feed_found:>7}{feed_s * 1000:>13.1f} ms{feed_mem.peak_pss_mb:>13.0f} MB")
    say(
        f"{'rendered (Chromium), warm':<30}{rendered_found:>7}{rendered_s * 1000:>13.1f} ms"
        f"{rendered_mem.peak_pss_mb:>13.0f} MB"
    )
    cold_ms = cold_times[0] * 1000
    say(f"{'rendered, cold (starts Chromium)':<30}{'':>7}{cold_ms:>13.1f} ms{cold_mem.peak_pss_mb:>13.0f} MB")
    say(
        f"ratio rendered/feed: wall x{rendered_s / feed_s:.0f} (cold x{cold_times[0] / feed_s:.0f}), "
        f"peak memory x{rendered_mem.peak_pss_mb / feed_mem.peak_pss_mb:.1f}  ({repeat} runs each)"
    )
    how = f"one company, {postings} postings, median of {repeat} runs, 127.0.0.1"
    figure("feed (Greenhouse JSON) wall per company", feed_s * 1000, "ms", how)
    figure("rendered (Chromium, warm) wall per company", rendered_s * 1000, "ms", how)
    figure("rendered (Chromium, cold start) wall per company", cold_times[0] * 1000, "ms", "first company, 1 run")
    figure("wall ratio rendered/feed", rendered_s / feed_s, "x", how)
    figure("feed peak memory of the process tree", feed_mem.peak_pss_mb, "MB", "summed PSS, sampled every 0.1 s")
    figure("rendered peak memory of the process tree", rendered_mem.peak_pss_mb, "MB", "summed PSS incl. Chromium")
    figure("peak memory ratio rendered/feed", rendered_mem.peak_pss_mb / feed_mem.peak_pss_mb, "x", "summed PSS")


async def throughput(server: LocalServer, settings: Settings, pages: int, jobs_per_page: int) -> None:
    for n in range(pages):
        company = f"company{n}"
        server.route(f"/v1/boards/{company}/jobs", greenhouse_feed(server.base_url, company, jobs_per_page))
        server.route(f"/careers/{company}", BOARD_PAGE.format(company=company))
    urls = [server.url(f"/careers/company{n}") for n in range(pages)]
    say(f"\n== throughput: {pages} local JavaScript career pages ({jobs_per_page} postings each) ==")
    say(f"{'concurrency':<13}{'wall':>9}{'pages/s':>9}{'peak mem tree':>15}{'Chromium max':>15}{'restarts':>10}")
    rates = {}
    for concurrency in (1, 5):
        wall, peak_tree, pool = await render_all(server, settings, urls, concurrency, jobs_per_page)
        restarts = sum(pool.restarts.values())
        rates[concurrency] = len(urls) / wall
        say(
            f"{concurrency:<13}{wall:>7.1f} s{len(urls) / wall:>9.2f}{peak_tree:>12.0f} MB"
            f"{pool.peak_browser_mb:>12.0f} MB{restarts:>10}"
        )
        how = f"{len(urls)} JS career pages, render_listing + extract_postings, Chromium already started"
        figure(f"render throughput, concurrency {concurrency}", rates[concurrency], "pages/s", how)
        figure(f"peak memory of the process tree, concurrency {concurrency}", peak_tree, "MB", "summed PSS")
        budget = f"restart after {pool.restart_after_pages} pages or {pool.memory_limit_mb} MB"
        figure(f"Chromium restarts, concurrency {concurrency}", restarts, "", budget)
    say(f"speed-up concurrency 5 vs 1: x{rates[5] / rates[1]:.2f} ({psutil.cpu_count()} CPUs)")
    figure("throughput ratio concurrency 5/1", rates[5] / rates[1], "x", f"{psutil.cpu_count()} CPUs")


async def render_all(
    server: LocalServer, settings: Settings, urls: list[str], concurrency: int, jobs_per_page: int
) -> tuple[float, float, BrowserPool]:
    """Render every URL with `concurrency` listings at once; (wall s, peak memory of the tree MB, closed pool)."""
    pool = BrowserPool(settings, max_pages=concurrency)
    gate = asyncio.Semaphore(concurrency)
    found: list[int] = []

    async def one(url: str) -> None:
        async with gate:
            rendered = await pool.render_listing(url)
            found.append(sum(len(extract_postings(p.html, p.url)) for p in rendered))

    try:
        await pool.render_page(server.url("/careers/company0"))  # start Chromium outside the timing
        with PeakMemory() as memory:
            started = time.perf_counter()
            await asyncio.gather(*(one(url) for url in urls))
            wall = time.perf_counter() - started
    finally:
        await pool.close()
    if any(count != jobs_per_page for count in found):
        raise SystemExit(f"rendering missed postings: {found}")
    return wall, memory.peak_pss_mb, pool


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=50, help="postings on the compared board")
    parser.add_argument("--pages", type=int, default=50, help="career pages for the throughput run")
    parser.add_argument("--jobs-per-page", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5, help="runs per strategy (median reported)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON (for bench/run_all)")
    args = parser.parse_args()
    global _report
    _report = sys.stderr if args.json else sys.stdout
    settings = Settings(_env_file=None, allow_networks="127.0.0.1/32")  # the bench's own server (egress policy)
    say(
        f"machine: {psutil.cpu_count()} CPUs, {psutil.virtual_memory().total / 2**30:.1f} GiB RAM. Memory = summed "
        "PSS of this process tree (Python + Playwright driver + Chromium), sampled every 0.1 s."
    )
    with LocalServer() as server:
        await compare_strategies(server, settings, args.postings, args.repeat)
        if args.pages:
            await throughput(server, settings, args.pages, args.jobs_per_page)
    load = os.getloadavg()[0]
    say(
        f"\nload average (1 min) at the end: {load:.1f} on {psutil.cpu_count()} CPUs — other work on the machine slows "
        "rendering; compare runs at similar load"
    )
    figure(
        "load average (1 min) at the end of the run", load, "", f"{psutil.cpu_count()} CPUs; context for the timings"
    )
    if args.json:
        print(json.dumps({"figures": FIGURES}))


if __name__ == "__main__":
    asyncio.run(main())
