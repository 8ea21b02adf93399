"""Benchmark: the processor on 50 local companies at concurrency 1 vs 5 — throughput and peak memory.

50 companies are served on loopback addresses (one per company: 127.0.0.10, .11, ...; the ATS feeds on one
shared host, like the real ATS APIs) with a simulated network latency per request (default 80 ms):
20 as Greenhouse-shaped ATS feeds, 20 as static HTML listings with a detail page per posting, and 10 as
JavaScript-rendered listings (Chromium). Each has 8 postings. One user tracks all 50 (keyword trackers; no
Gemini key, so the numbers measure acquisition + diff + matching + the queue, not an external API).

For each concurrency, a fresh in-memory database is seeded and enqueued, then `run_processor(drain=True)`
works it off. Reported: wall time, companies/s, the throughput ratio 5 vs 1, and the peak memory of the
process tree (this Python process + Playwright's driver + Chromium), sampled every 100 ms, both as summed
PSS (what the tree really occupies) and summed RSS (counts shared pages once per process, an upper bound).
Target on a Pi 5: peak ≤ 1.2 GB at concurrency 5.

Run:  .venv/bin/python bench/process.py [--companies 50] [--postings 8] [--latency 0.08] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from loguru import logger

from bench.peak_memory import PeakMemory
from scoutly import queue
from scoutly.analysis.profile import update_profile
from scoutly.config import Settings
from scoutly.processor import run_processor
from scoutly.seeding import seed_rows
from scoutly.seeding.readers import Row
from scoutly.storage import connect
from scoutly.storage.indexes import RUNS
from scoutly.storage.memory import forget_memory_client

TITLES = (
    "Backend Engineer",
    "Data Engineer",
    "Product Manager",
    "Site Reliability Engineer",
    "UX Designer",
    "Platform Engineer",
    "Sales Lead",
    "Data Scientist",
)
CITIES = ("Berlin", "Munich", "Remote - EU", "Hamburg", "Vienna")
DESCRIPTION = "<p>" + "We build reliable data platforms with Python, Kafka and PostgreSQL. " * 20 + "</p>"

JS_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{name} careers</title></head>
<body><h1>Open positions at {name}</h1><ul id="jobs"></ul>
<script>
fetch('/api/{slug}/openings.json').then((r) => r.json()).then((data) => {{
  const list = document.getElementById('jobs');
  for (const job of data) {{
    const li = document.createElement('li');
    li.innerHTML = `<a class="job-link" href="${{job.url}}">${{job.title}}</a> <span>${{job.city}}</span>`;
    list.appendChild(li);
  }}
}});
</script></body></html>"""

STATIC_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{name} careers</title></head>
<body><h1>Jobs at {name}</h1><ul class="jobs">{items}</ul></body></html>"""

DETAIL_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{title} at {name}</title></head>
<body><main><h1>{title}</h1><p class="location">{city}</p>{description}</main></body></html>"""


def kind_of(index: int) -> str:
    return ("rendered", "greenhouse", "greenhouse", "static", "static")[index % 5]


class Hosts:
    """One small threaded HTTP server per company, each on its own loopback address (127.0.0.10, .11, ...),
    so per-domain politeness applies per company as it does on the Internet; the ATS feeds share one host,
    as boards-api.greenhouse.io does. Every response waits `latency` seconds first."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.routes: dict[tuple[str, str], tuple[bytes, str]] = {}
        self.servers: list[ThreadingHTTPServer] = []

    def add_host(self, index: int) -> str:
        hosts = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                time.sleep(hosts.latency)
                key = (f"{self.server.server_address[0]}:{self.server.server_address[1]}", self.path.split("?")[0])
                body, ctype = hosts.routes.get(key, (b"not found", "text/plain"))
                self.send_response(200 if key in hosts.routes else 404)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        server = ThreadingHTTPServer((f"127.0.0.{10 + index}", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.servers.append(server)
        host, port = server.server_address[:2]
        return f"http://{host}:{port}"

    def route(self, base: str, path: str, body: Any) -> None:
        if isinstance(body, str):
            data, ctype = body.encode(), "text/html; charset=utf-8"
        else:
            data, ctype = json.dumps(body).encode(), "application/json"
        self.routes[(base.removeprefix("http://"), path)] = (data, ctype)

    def close(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


def build_sites(hosts: Hosts, companies: int, postings: int) -> tuple[list[dict[str, Any]], str]:
    """Serve every company; return their seed rows and the shared ATS API base."""
    ats_base = hosts.add_host(companies)
    rows = []
    for index in range(companies):
        slug, name = f"bench-co-{index:02d}", f"Bench Company {index:02d}"
        kind = kind_of(index)
        base = hosts.add_host(index)
        jobs = [
            {
                "id": 5_000_000 + index * 100 + n,
                "title": f"{TITLES[n % len(TITLES)]} {index}-{n}",
                "city": CITIES[n % len(CITIES)],
                "url": f"{base}/{slug}/jobs/{n}",
            }
            for n in range(postings)
        ]
        for n, job in enumerate(jobs):
            hosts.route(
                base,
                f"/{slug}/jobs/{n}",
                DETAIL_PAGE.format(title=job["title"], name=name, city=job["city"], description=DESCRIPTION),
            )
        row: dict[str, Any] = {
            "slug": slug,
            "name": name,
            "careers_url": f"{base}/{slug}/careers",
            "ats": None,
            "ats_token": None,
        }
        if kind == "greenhouse":
            feed = {
                "jobs": [
                    {
                        "id": j["id"],
                        "title": j["title"],
                        "absolute_url": j["url"],
                        "location": {"name": j["city"]},
                        "departments": [{"id": 1, "name": "Engineering"}],
                        "updated_at": "2026-11-01T10:00:00Z",
                        "content": DESCRIPTION,
                    }
                    for j in jobs
                ],
                "meta": {"total": len(jobs)},
            }
            hosts.route(ats_base, f"/v1/boards/{slug}/jobs", feed)
            row.update(ats="greenhouse", ats_token=slug)
        elif kind == "static":
            items = "".join(
                f'<li><a href="/{slug}/jobs/{n}">{j["title"]}</a> – {j["city"]}</li>' for n, j in enumerate(jobs)
            )
            hosts.route(base, f"/{slug}/careers", STATIC_PAGE.format(name=name, items=items))
        else:
            hosts.route(base, f"/{slug}/careers", JS_PAGE.format(name=name, slug=slug))
            hosts.route(base, f"/api/{slug}/openings.json", jobs)
        rows.append(row)
    return rows, ats_base


async def one_pass(ats_base: str, rows: list[dict[str, Any]], concurrency: int) -> dict[str, Any]:
    uri = f"mongomock://bench-process-{concurrency}/scoutly_bench"
    forget_memory_client(uri)
    settings = Settings(
        mongodb_uri=uri,
        gemini_api_key=None,
        politeness_delay_s=0,
        ats_api_overrides={"greenhouse": ats_base},
        allow_networks="127.0.0.0/8",  # the companies' own loopback servers (egress policy)
    ).model_copy(update={"log_dir": None})
    mongo = await connect(uri)
    try:
        db = mongo.db
        await seed_rows(
            db,
            companies=[Row("bench", i, row) for i, row in enumerate(rows, 1)],
            users=[
                Row(
                    "bench",
                    1,
                    {"email": "bench@example.org", "name": "Bench", "track": {row["slug"]: 50 for row in rows}},
                )
            ],
        )
        await update_profile(
            db,
            "bench@example.org",
            {
                "skills": ["Python", "Kafka"],
                "analyse_baseline": True,
                "include_keywords": ["data engineer", "platform"],
            },
        )
        enqueued = (await queue.enqueue_due(db)).enqueued
        with PeakMemory() as memory:
            started = time.perf_counter()
            report = await run_processor(
                settings,
                drain=True,
                concurrency=concurrency,
                display=False,
                host_lock=False,
                signals=False,
                db=db,
                worker_id=f"bench-{concurrency}",
            )
            wall = time.perf_counter() - started
        runs = await db[RUNS].find({}, {"strategy": 1, "found": 1, "outcome": 1, "duration": 1}).to_list(None)
    finally:
        await mongo.close()
        forget_memory_client(uri)
    strategies: dict[str, int] = {}
    seconds: dict[str, list[float]] = {}
    for run in runs:
        name = run.get("strategy") or "none"
        strategies[name] = strategies.get(name, 0) + 1
        seconds.setdefault(name, []).append(float(run.get("duration") or 0))
    return {
        "concurrency": concurrency,
        "enqueued": enqueued,
        "succeeded": report.succeeded,
        "partial": report.partial,
        "failed": report.failed,
        "postings_found": sum(run.get("found") or 0 for run in runs),
        "matches": report.matches,
        "strategies": strategies,
        "mean_job_s": {name: round(sum(v) / len(v), 2) for name, v in seconds.items()},
        "wall_s": round(wall, 2),
        "companies_per_s": round(enqueued / wall, 3),
        "peak_pss_mb": round(memory.peak_pss_mb),
        "peak_rss_mb": round(memory.peak_rss_mb),
    }


async def main(args: argparse.Namespace) -> dict[str, Any]:
    logger.remove()
    logger.add(sys.stderr, level="WARNING")
    hosts = Hosts(args.latency)
    try:
        rows, ats_base = build_sites(hosts, args.companies, args.postings)
        results = [await one_pass(ats_base, rows, concurrency) for concurrency in (1, 5)]
    finally:
        hosts.close()
    one, five = results
    return {"results": results, "throughput_ratio_5_vs_1": round(five["companies_per_s"] / one["companies_per_s"], 2)}


def report_text(data: dict[str, Any], args: argparse.Namespace) -> str:
    lines = [
        f"== processor: {args.companies} local companies ({args.postings} postings each, "
        f"{args.latency * 1000:.0f} ms latency per request), drain mode ==",
        f"{'concurrency':<12}{'wall':>9}{'companies/s':>13}{'ok/partial/failed':>19}{'postings':>10}"
        f"{'peak PSS tree':>15}{'peak RSS tree':>15}",
    ]
    for r in data["results"]:
        outcomes = f"{r['succeeded']}/{r['partial']}/{r['failed']}"
        lines.append(
            f"{r['concurrency']:<12}{r['wall_s']:>7.1f} s{r['companies_per_s']:>13.2f}{outcomes:>19}"
            f"{r['postings_found']:>10}{r['peak_pss_mb']:>12} MB{r['peak_rss_mb']:>12} MB"
        )
    lines.append(f"throughput ratio 5 vs 1: x{data['throughput_ratio_5_vs_1']}")
    lines.append(f"strategies: {data['results'][-1]['strategies']}")
    for r in data["results"]:
        lines.append(f"mean seconds per job at concurrency {r['concurrency']}: {r['mean_job_s']}")
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=50)
    parser.add_argument("--postings", type=int, default=8)
    parser.add_argument("--latency", type=float, default=0.08, help="seconds added to every local response")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout (for bench/run_all)")
    arguments = parser.parse_args()
    outcome = asyncio.run(main(arguments))
    if arguments.json:
        figures = [
            {
                "name": "throughput ratio, concurrency 5 vs 1",
                "value": outcome["throughput_ratio_5_vs_1"],
                "unit": "x",
                "how": f"companies/s, {arguments.companies} local companies, drain mode",
            }
        ]
        for r in outcome["results"]:
            c = r["concurrency"]
            figures += [
                {
                    "name": f"companies/s at concurrency {c}",
                    "value": r["companies_per_s"],
                    "unit": "/s",
                    "how": f"wall clock of run_processor(drain=True), {arguments.latency * 1000:.0f} ms latency",
                },
                {
                    "name": f"peak PSS of the process tree at concurrency {c}",
                    "value": r["peak_pss_mb"],
                    "unit": "MB",
                    "how": "summed PSS of Python + Playwright driver + Chromium, sampled every 100 ms",
                },
                {
                    "name": f"peak RSS of the process tree at concurrency {c}",
                    "value": r["peak_rss_mb"],
                    "unit": "MB",
                    "how": "summed RSS (shared pages counted per process: an upper bound)",
                },
            ]
        print(json.dumps({"figures": figures, "raw": outcome}))
    else:
        print(report_text(outcome, arguments))
