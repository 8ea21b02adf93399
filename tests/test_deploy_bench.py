"""bench/run_all: runs every benchmark, reads their JSON figures, and writes one Markdown table — against
stand-in benchmark scripts, so the test is fast and does not depend on the real benchmarks' numbers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUN_ALL = ROOT / "bench" / "run_all"


def _bench(directory: Path, name: str, body: str) -> None:
    (directory / f"{name}.py").write_text(body, encoding="utf-8")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(RUN_ALL), *args], capture_output=True, text=True, timeout=60)


def test_run_all_writes_one_table_from_every_kind_of_benchmark(tmp_path: Path) -> None:
    bench = tmp_path / "bench"
    bench.mkdir()
    _bench(bench, "enqueue", '''"""Enqueue at scale: 10,000 synthetic companies."""
import json, sys
assert sys.argv[1:] == ["--json"]
print(json.dumps({"figures": [{"name": "first run", "value": 1.25, "unit": "s", "how": "wall clock, 10k companies"},
                              {"name": "round trips", "value": 3}]}))
''')
    _bench(bench, "extraction", '''"""Precision and recall against the corpus."""
import argparse
argparse.ArgumentParser().parse_args()
print("OVERALL  0.990  0.966")
''')
    _bench(bench, "acquire", '''"""Feed vs render (this docstring mentions --json, but the parser rejects it)."""
import argparse
argparse.ArgumentParser().parse_args()
print("feed/render ratio 0.02")
''')
    _bench(bench, "process", '''"""Process throughput."""
import sys
print("Traceback: boom", file=sys.stderr)
sys.exit(3)
''')
    _bench(bench, "tokens", '''"""Gemini tokens: first pass vs unchanged pass."""
import sys
assert sys.argv[1:] == ["--json"]
print("warming up")
print('{"first_pass": {"requests": 4, "tokens": 9120}, "unchanged_pass": {"requests": 0}}')
''')
    out = tmp_path / "RESULTS.md"
    done = _run("--bench-dir", str(bench), "--out", str(out))
    assert done.returncode == 1  # one benchmark failed
    report = out.read_text(encoding="utf-8")
    rows = [line for line in report.splitlines() if line.startswith("| ")]
    assert "| enqueue | first run | 1.25 s | wall clock, 10k companies |" in rows
    assert "| enqueue | round trips | 3 | Enqueue at scale: 10,000 synthetic companies. |" in rows
    assert "| tokens | first_pass.requests | 4 | Gemini tokens: first pass vs unchanged pass. |" in rows
    assert "| tokens | unchanged_pass.requests | 0 | Gemini tokens: first pass vs unchanged pass. |" in rows
    assert any(r.startswith("| extraction | ok (text output) – no --json option") for r in rows)
    assert "OVERALL  0.990  0.966" in report  # kept verbatim, not turned into made-up figures
    assert any(r.startswith("| process | failed – exit status 3") for r in rows)
    assert "Traceback: boom" in report
    assert any(r.startswith("| acquire | ok (text output) – no --json option") for r in rows)
    assert "feed/render ratio 0.02" in report


def test_run_all_lists_a_missing_benchmark_as_not_run(tmp_path: Path) -> None:
    bench = tmp_path / "bench"
    bench.mkdir()
    out = tmp_path / "R.md"
    done = _run("--bench-dir", str(bench), "--out", str(out), "--only", "process")
    assert done.returncode == 0
    report = out.read_text(encoding="utf-8")
    assert "| process | missing – process.py does not exist yet | 0.0 | – |" in report
    assert "Not run: process.py does not exist yet." in report


def test_run_all_only_and_timeout(tmp_path: Path) -> None:
    bench = tmp_path / "bench"
    bench.mkdir()
    _bench(bench, "enqueue", "import time\ntime.sleep(30)\n")
    _bench(bench, "tokens", 'print(\'{"requests": 1}\')\n')
    out = tmp_path / "R.md"
    done = _run("--bench-dir", str(bench), "--out", str(out), "--only", "enqueue", "--timeout", "0.3")
    assert done.returncode == 1
    report = out.read_text(encoding="utf-8")
    assert "| enqueue | timed out – stopped after 0.3 s |" in report
    assert "tokens" not in report.split("## Figures")[0]
    assert _run("--only", "nonsense").returncode == 2
