"""Extraction quality on the labelled real-world corpus, via bench/extraction.py (a floor, so regressions fail;
the benchmark itself prints the exact numbers and misses)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.corpus

# Raised with each improvement (the benchmark prints the exact figures); never lowered to make a change pass.
FLOOR_PRECISION = 0.99  # before issue 10's record extractor: 0.941 / 0.820, 23/37 pages; after: 0.997 / 0.997, 36/37
FLOOR_RECALL = 0.99
FLOOR_PAGES_RIGHT = 35

BENCH = Path(__file__).resolve().parents[1] / "bench" / "extraction.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_extraction", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_extraction", module)
    spec.loader.exec_module(module)
    return module


def test_html_listings_precision_and_recall_floor(corpus: Path) -> None:
    bench = _bench()
    scores = bench.bench_html(corpus)
    overall = bench.total("overall", scores)
    assert overall.expected >= 300
    details = [(s.name, s.misses, s.extras) for s in scores if not s.fully_right]
    assert overall.precision >= FLOOR_PRECISION and overall.recall >= FLOOR_RECALL, details
    assert sum(s.fully_right for s in scores) >= FLOOR_PAGES_RIGHT, details
    negatives = {s.name: s.found for s in scores if s.expected == 0}
    assert negatives and all(found == 0 for found in negatives.values()), negatives


def test_ats_feeds_every_posting(corpus: Path) -> None:
    bench = _bench()
    overall = bench.total("feeds", bench.bench_feeds(corpus))
    assert overall.expected >= 600 and overall.precision == 1.0 and overall.recall == 1.0
