"""enqueue_due at scale: 10,000 companies, 1,000 users, 50,000 trackings.

Measures wall time and database round trips of `enqueue_due`, then of a second run a minute later that must
enqueue nothing. Round trips are counted two ways:

- calls: every collection method call (a counting wrapper around the database object) — one call is one
  request from Scoutly's point of view;
- commands (real server only): every command the driver sends, getMore batches included (a PyMongo
  CommandListener), i.e. true network round trips.

The data: 2% of companies inactive, 5% of users inactive, ~40% of companies scraped successfully within the last
12 hours (so not due in any band), ranks uniform 1–100, each user tracks 50 distinct companies.

Run:  .venv/bin/python bench/enqueue.py [--json] [--uri mongodb://localhost:27017/scoutly_bench]
      (default: the in-memory double; a real server's database must be named scoutly_bench*; it is dropped after)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pymongo import monitoring

from scoutly import queue
from scoutly.clock import utcnow
from scoutly.companies import tracked_companies
from scoutly.storage import connect
from scoutly.storage.indexes import ensure_indexes
from scoutly.storage.memory import forget_memory_client
from scoutly.testing.counting_db import CountingDb


class CommandCounter(monitoring.CommandListener):
    """Counts commands the driver sends (real server only)."""

    def __init__(self) -> None:
        self.commands: Counter = Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name not in ("hello", "isMaster", "ismaster", "ping", "endSessions"):
            self.commands[event.command_name] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


async def populate(db: Any, companies: int, users: int, per_user: int, seed: int) -> int:
    rng = random.Random(seed)
    now = utcnow()
    company_docs = []
    for i in range(companies):
        doc: dict[str, Any] = {"_id": f"company-{i:05d}", "name": f"Company {i}", "active": rng.random() >= 0.02}
        doc["careers_url"] = f"https://company-{i}.example/careers"
        if rng.random() < 0.4:
            doc["last_success_at"] = doc["last_scraped_at"] = now - timedelta(hours=rng.uniform(0, 12))
        company_docs.append(doc)
    await db.companies.insert_many(company_docs)
    await db.users.insert_many(
        [{"_id": f"user{i}@example.com", "name": f"User {i}", "active": rng.random() >= 0.05} for i in range(users)]
    )
    step = companies // per_user
    trackings = [
        {
            "user": f"user{u}@example.com",
            "company": f"company-{(u * 37 + k * step) % companies:05d}",
            "rank": rng.randint(1, 100),
            "created_at": now,
            "updated_at": now,
        }
        for u in range(users)
        for k in range(per_user)
    ]
    for start in range(0, len(trackings), 10_000):
        await db.trackings.insert_many(trackings[start : start + 10_000])
    return len(trackings)


async def timed_run(db: Any, counter: CommandCounter | None, now: Any) -> dict[str, Any]:
    counting = CountingDb(db)
    if counter:
        counter.commands.clear()
    start, cpu_start = time.perf_counter(), time.process_time()
    result = await queue.enqueue_due(counting, now=now)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    return {
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "calls": sum(counting.calls.values()),
        "calls_by_method": dict(counting.calls),
        "commands": sum(counter.commands.values()) if counter else None,
        "commands_by_name": dict(counter.commands) if counter else None,
        "enqueued": result.enqueued,
        "already_queued": result.already_queued,
        "not_due": result.not_due,
    }


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--uri", default="mongomock://bench-enqueue/scoutly_bench")
    parser.add_argument("--companies", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=1_000)
    parser.add_argument("--per-user", type=int, default=50, help="trackings per user (50 → 50,000 trackings)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout (bench/run_all)")
    args = parser.parse_args()

    memory = args.uri.startswith("mongomock://")
    name = urlsplit(args.uri).path.strip("/")
    if not memory and not name.startswith("scoutly_bench"):
        print(
            "bench/enqueue.py: a real server's database must be named scoutly_bench* (it is dropped)", file=sys.stderr
        )
        return 2
    counter = None
    if not memory:
        counter = CommandCounter()
        monitoring.register(counter)
    # Bulk-load first, index after (as one would load a real server too): the double checks a unique index by
    # scanning the collection on every insert, which would make loading 50,000 trackings quadratic.
    mongo = await connect(args.uri, create_indexes=False)
    try:
        if not memory:
            await mongo.client.drop_database(mongo.db.name)
        start = time.perf_counter()
        trackings = await populate(mongo.db, args.companies, args.users, args.per_user, args.seed)
        await ensure_indexes(mongo.db)
        populate_seconds = time.perf_counter() - start
        now = utcnow()
        start = time.perf_counter()
        await tracked_companies(mongo.db)
        aggregation_seconds = time.perf_counter() - start
        first = await timed_run(mongo.db, counter, now)
        second = await timed_run(mongo.db, counter, now + timedelta(minutes=1))
    finally:
        if memory:
            forget_memory_client(args.uri)
        else:
            await mongo.client.drop_database(mongo.db.name)
        await mongo.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    where = "in-memory double (mongomock)" if memory else "real MongoDB"
    scale = f"{args.companies} companies, {args.users} users, {trackings} trackings"
    if args.json:
        how = f"wall clock, {where}, {scale}"
        figures = [
            {"name": "enqueue_due first run", "value": first["seconds"], "unit": "s", "how": how},
            {"name": "enqueue_due first run, CPU", "value": first["cpu_seconds"], "unit": "s", "how": "process_time"},
            {"name": "first run: jobs enqueued", "value": first["enqueued"], "unit": "", "how": how},
            {"name": "first run: not due", "value": first["not_due"], "unit": "", "how": how},
            {"name": "first run: round trips (calls)", "value": first["calls"], "unit": "", "how": "counting wrapper"},
            {"name": "enqueue_due second run", "value": second["seconds"], "unit": "s", "how": how},
            {"name": "enqueue_due second run, CPU", "value": second["cpu_seconds"], "unit": "s", "how": "process_time"},
            {"name": "second run: jobs enqueued", "value": second["enqueued"], "unit": "", "how": "must be 0"},
            {
                "name": "second run: round trips (calls)",
                "value": second["calls"],
                "unit": "",
                "how": "counting wrapper",
            },
            {
                "name": "effective-rank aggregation alone",
                "value": round(aggregation_seconds, 3),
                "unit": "s",
                "how": how,
            },
            {"name": "peak RSS", "value": round(peak_mb, 1), "unit": "MB", "how": "ru_maxrss of the bench process"},
        ]
        if counter:
            for label, run in (("first", first), ("second", second)):
                figures.append(
                    {
                        "name": f"{label} run: driver commands",
                        "value": run["commands"],
                        "unit": "",
                        "how": "PyMongo CommandListener, getMore included",
                    }
                )
        print(json.dumps({"figures": figures}))
    else:
        print(f"enqueue_due on {where}: {scale} (populated in {populate_seconds:.1f} s)")
        for label, run in (("first run", first), ("second run", second)):
            commands = f", {run['commands']} driver commands {run['commands_by_name']}" if counter else ""
            print(
                f"  {label}: {run['seconds']:.3f} s wall ({run['cpu_seconds']:.3f} s CPU in this process), "
                f"{run['calls']} round trips {run['calls_by_method']}{commands}; enqueued {run['enqueued']}, "
                f"already queued {run['already_queued']}, not due {run['not_due']}"
            )
        print(f"  of which the effective-rank aggregation alone: {aggregation_seconds:.3f} s wall")
        print(f"  peak RSS {peak_mb:.0f} MB")
    if second["enqueued"] != 0:
        print("bench/enqueue.py: the second run enqueued jobs (it must not)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
