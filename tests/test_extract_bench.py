"""bench/extraction.py on any corpus folder with the shared layout: page addresses from SOURCES.md lines or a
pages.json, strict matching, pages fully right."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "extraction.py"

LIST = """<html><body><main><h1>Open roles</h1><ul>
<li><a href="/jobs/101-platform-engineer">Platform Engineer</a></li>
<li><a href="/jobs/102-data-analyst">Data Analyst</a></li>
<li><a href="/jobs/103-product-designer">Product Designer</a></li>
</ul></main></body></html>"""


def _bench():
    spec = importlib.util.spec_from_file_location("bench_extraction", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_extraction", module)
    spec.loader.exec_module(module)
    return module


def _page(folder: Path, name: str, html: str, labels: list[dict]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.html").write_text(html, encoding="utf-8")
    (folder / f"{name}.labels.json").write_text(json.dumps(labels), encoding="utf-8")


def test_any_folder_layout_with_addresses_from_sources_and_pages_json(tmp_path: Path) -> None:
    bench = _bench()
    labels = [
        {"title": "Platform Engineer", "url": "https://one.example/jobs/101-platform-engineer"},
        {"title": "data  ANALYST", "url": "https://one.example/jobs/102-data-analyst"},
        {"title": "Product Designer", "url": "https://one.example/jobs/103-product-designer"},
    ]
    _page(tmp_path / "any-name", "first", LIST, labels)
    _page(tmp_path / "other", "second", LIST, [{**x, "url": x["url"].replace("one.", "two.")} for x in labels])
    (tmp_path / "SOURCES.md").write_text("notes\n\nfirst: page address https://one.example/careers\n")
    (tmp_path / "pages.json").write_text(json.dumps({"second": "https://two.example/careers"}))

    scores = {score.name: score for score in bench.bench_html(tmp_path)}

    assert set(scores) == {"first", "second"}
    assert all(s.matched == 3 and s.found == 3 and s.fully_right for s in scores.values())


def test_matching_is_strict_and_duplicates_are_false_positives() -> None:
    bench = _bench()
    base = "https://one.example/careers"
    labels = [("Platform Engineer", "https://one.example/jobs/1"), ("Data Analyst", "https://one.example/jobs/2")]
    found = [
        ("Platform Engineer", "https://one.example/jobs/1?utm_source=x"),  # same URL once canonical
        ("Platform Engineer", "https://one.example/jobs/1"),  # duplicate
        ("Data Analyst Berlin", "https://one.example/jobs/2"),  # glued title
    ]
    score = bench.compare("page", labels, found, base, base)
    assert (score.matched, score.found, score.expected) == (1, 3, 2)
    assert score.precision == 1 / 3 and score.recall == 0.5 and not score.fully_right


def test_label_without_url_matches_the_page_itself_only() -> None:
    bench = _bench()
    base = "https://one.example/careers"
    labels = [("Welder", None), ("Civil Engineer", None)]
    found = [("Welder", "https://one.example/careers#item-2"), ("Civil Engineer", "https://elsewhere.example/x")]
    score = bench.compare("page", labels, found, base, base)
    assert score.matched == 1 and score.misses == ["'Civil Engineer' None"]
