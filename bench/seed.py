"""Seeding a large companies CSV (default 50 MB): wall time and peak memory (RSS of this process, sampled).

Three runs, each in a fresh process so one's memory does not hide the next's:
- `validate`: the streaming validation pass alone (what checking a file costs);
- `sink`: validation, then the batched writes into a database that keeps nothing (`_Sink` answers lookups with
  "not there" and counts the upserts) — the memory seeding itself needs;
- `memory-double`: validation and writes into the `mongomock://` in-memory double, which holds every company
  it is given, so its peak includes the data itself (a real MongoDB keeps that in its own process).
The goal (issue 12) is ≤ 300 MB peak for a 50 MB file.

    .venv/bin/python bench/seed.py [--mb 50] [--json] [--only validate|sink|memory-double]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.append(str(Path(__file__).resolve().parents[1]))  # appended: PYTHONPATH=<other checkout> measures it

from bench.peak_memory import PeakMemory

MODES = ("validate", "sink", "memory-double")


def write_csv(path: Path, megabytes: float) -> int:
    """A companies CSV of about `megabytes` MB; returns its row count."""
    target = int(megabytes * 2**20)
    rows = 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write("slug,name,careers_url,ats,ats_token,active\n")
        written = 0
        while written < target:
            line = (
                f"company-{rows},Company number {rows} Ltd,https://careers.company-{rows}.example/jobs/open-roles,"
                f"greenhouse,company{rows},true\n"
            )
            handle.write(line)
            written += len(line)
            rows += 1
    return rows


class _Cursor:
    def __aiter__(self) -> _Cursor:
        return self

    async def __anext__(self) -> Any:
        raise StopAsyncIteration


class _SinkCollection:
    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts

    def find(self, *args: Any, **kwargs: Any) -> _Cursor:
        return _Cursor()

    async def distinct(self, *args: Any, **kwargs: Any) -> list:
        return []

    async def bulk_write(self, operations: list, ordered: bool = True) -> None:
        self.counts["operations"] += len(operations)


class _Sink:
    """A database that keeps nothing: every record is new, every upsert is counted and dropped."""

    def __init__(self) -> None:
        self.counts = {"operations": 0}

    def __getitem__(self, name: str) -> _SinkCollection:
        return _SinkCollection(self.counts)


async def _run(mode: str, path: Path) -> dict[str, Any]:
    from scoutly import seeding

    if mode == "validate":
        return {"rows": (await seeding.validate_files(_Sink(), companies=path)).company_rows}
    if mode == "sink":
        report = await seeding.seed_files(_Sink(), companies=path)
        return {"rows": report.companies.created}
    from scoutly.storage import connect

    mongo = await connect("mongomock://bench-seed/bench")
    try:
        report = await seeding.seed_files(mongo.db, companies=path)
        return {"rows": report.companies.created}
    finally:
        await mongo.close()


def one(mode: str, path: Path) -> dict[str, Any]:
    """Run one mode in this process; wall time and peak RSS."""
    with PeakMemory(interval=0.05) as memory:
        started = time.perf_counter()
        outcome = asyncio.run(_run(mode, path))
        seconds = time.perf_counter() - started
    return {"mode": mode, "seconds": round(seconds, 1), "peak_rss_mb": round(memory.peak_rss_mb), **outcome}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0, help="size of the generated CSV (default 50)")
    parser.add_argument("--json", action="store_true", help="one JSON object for bench/run_all")
    parser.add_argument("--only", choices=MODES, help="run one mode (in this process)")
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)  # the parent's generated file
    args = parser.parse_args()
    if args.only:
        print(json.dumps(one(args.only, args.file)))
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "companies.csv"
        rows = write_csv(path, args.mb)
        size = path.stat().st_size / 2**20
        results = []
        for mode in MODES:
            command = [sys.executable, __file__, "--only", mode, "--file", str(path)]
            output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            results.append(json.loads(output.strip().splitlines()[-1]))
    how = f"{size:.0f} MB companies CSV, {rows} rows, fresh process per mode, RSS sampled every 50 ms"
    if args.json:
        figures = []
        for result in results:
            figures.append({"name": f"{result['mode']}: wall", "value": result["seconds"], "unit": "s", "how": how})
            figures.append(
                {"name": f"{result['mode']}: peak RSS", "value": result["peak_rss_mb"], "unit": "MB", "how": how}
            )
        print(json.dumps({"figures": figures}))
        return
    print(how)
    for result in results:
        mode, seconds, peak = result["mode"], result["seconds"], result["peak_rss_mb"]
        print(f"{mode:>14}: {seconds:6.1f} s  peak {peak:5d} MB  {result['rows']} rows")


if __name__ == "__main__":
    main()
