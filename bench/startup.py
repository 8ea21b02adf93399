"""CLI start-up time: median wall clock of `scoutly --version`, `scoutly status --help`, `scoutly scrape --help`.

Each command runs as a fresh process (the console script of this checkout's .venv, or --scoutly PATH), once to
warm the file cache and then --runs times; the median is compared with the goal of issue 12 (≤ 0.3 s for
`--version`, ≤ 0.6 s for `status --help`; `scrape --help` has no goal and is shown for reference). Nothing
touches a database: help and the version are printed before any command runs.

Run:  .venv/bin/python bench/startup.py [--runs 9] [--json] [--scoutly /path/to/bin/scoutly]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# (arguments, goal in seconds or None)
COMMANDS: list[tuple[tuple[str, ...], float | None]] = [
    (("--version",), 0.3),
    (("status", "--help"), 0.6),
    (("scrape", "--help"), None),
]


def time_command(scoutly: str, args: tuple[str, ...], runs: int) -> list[float]:
    """Wall-clock seconds of `runs` fresh processes of `scoutly ARGS` (after one warm-up run)."""
    env = {**os.environ, "COLUMNS": "80", "TERM": "dumb"}
    argv = [scoutly, *args]
    subprocess.run(argv, capture_output=True, check=True, env=env, timeout=60)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True, env=env, timeout=60)
        times.append(time.perf_counter() - start)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="timed runs per command (median reported)")
    parser.add_argument("--scoutly", default=str(ROOT / ".venv" / "bin" / "scoutly"), help="the executable")
    parser.add_argument("--json", action="store_true", help="one JSON object for bench/run_all")
    args = parser.parse_args()
    figures = []
    met = True
    for command, goal in COMMANDS:
        times = time_command(args.scoutly, command, args.runs)
        median = statistics.median(times)
        ok = goal is None or median <= goal
        met = met and ok
        goal_text = f"goal ≤ {goal} s: {'met' if ok else 'MISSED'}" if goal is not None else "no goal"
        how = f"median of {args.runs} fresh processes (min {min(times):.3f}, max {max(times):.3f}); {goal_text}"
        figures.append({"name": f"scoutly {' '.join(command)}", "value": round(median, 3), "unit": "s", "how": how})
    if args.json:
        print(json.dumps({"figures": figures}))
    else:
        for figure in figures:
            print(f"{figure['name']:<26} {figure['value']:.3f} s   {figure['how']}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
