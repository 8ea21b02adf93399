"""Precision and recall of posting extraction against a labelled corpus folder (any folder with the shared layout).

    .venv/bin/python bench/extraction.py [--corpus ../shared/corpus] [--quiet] [--json] [--repeat 3]

- Listing pages: every `*.html` with a sibling `*.labels.json` (a list of `{"title", "url"}`) anywhere under the
  corpus folder, run through `extract_page` (the static extractor). A page's address comes from a
  `<name>: page address <url>` line in the folder's SOURCES.md, or from a `pages.json` (`{"<name>": "<url>"}` or a
  list of `{"name", "url"}`); no file name is written here, so new pages are measured unchanged.
- ATS feeds (greenhouse/, lever/, ashby/, workday/, other-ats/) vs their parsers, when those files are present.

Strict matching, one-to-one: a title matches when equal after case-folding and whitespace collapsing; a URL when
equal after canonicalisation (a page without a known address is compared by path). A label without a URL matches
a posting with that title whose URL is the page itself (with or without a fragment) or absent. A duplicate or a
non-job link is a false positive. Per page and micro-averaged precision/recall, pages fully right (both >= 0.98),
and the median time per page (each page timed as the fastest of --repeat runs).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scoutly.acquire.ats import ashby, greenhouse, lever, smartrecruiters, workable, workday  # noqa: E402
from scoutly.acquire.ats.base import AtsBoard  # noqa: E402
from scoutly.acquire.extract import extract_page  # noqa: E402
from scoutly.acquire.urls import canonical_url, url_key  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
UNKNOWN_BASE = "https://page-address-unknown.invalid/"
FULLY_RIGHT = 0.98
_ADDRESS_LINE = re.compile(r"^\s*[-*]?\s*`?([\w.@+-]+?)`?\s*:\s*page address\s+<?(\S+?)>?\s*$", re.MULTILINE)


def page_addresses(corpus: Path) -> dict[str, str]:
    """Page name → address, from the folder's SOURCES.md lines and/or its pages.json."""
    addresses: dict[str, str] = {}
    sources = corpus / "SOURCES.md"
    if sources.is_file():
        addresses.update(_ADDRESS_LINE.findall(sources.read_text(encoding="utf-8")))
    pages = corpus / "pages.json"
    if pages.is_file():
        data = json.loads(pages.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            addresses.update({str(k): str(v) for k, v in data.items()})
        else:
            addresses.update({str(item["name"]): str(item["url"]) for item in data})
    return addresses


def labelled_pages(corpus: Path) -> list[tuple[str, Path, Path]]:
    """(name, html file, labels file) for every labelled HTML page under `corpus`, sorted by name."""
    found = []
    for html in corpus.rglob("*.htm*"):
        labels = html.with_name(html.name.rsplit(".", 1)[0] + ".labels.json")
        if html.suffix.lower() in (".html", ".htm") and labels.is_file():
            found.append((html.name.rsplit(".", 1)[0], html, labels))
    return sorted(found)


def norm_title(title: str | None) -> str:
    return " ".join((title or "").split()).casefold()


def norm_url(url: str | None, base: str | None) -> str | None:
    if not url:
        return None
    if base is None:  # relative label, page address unknown: compare paths
        return urlsplit(url).path.strip("/")
    canonical = canonical_url(url, base)
    return url_key(canonical) if canonical else None


@dataclass
class Score:
    name: str
    expected: int = 0
    found: int = 0
    matched: int = 0
    misses: list[str] = field(default_factory=list)  # labelled, not found
    extras: list[str] = field(default_factory=list)  # found, not labelled (duplicates included)

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def fully_right(self) -> bool:
        return self.precision >= FULLY_RIGHT and self.recall >= FULLY_RIGHT


def compare(
    name: str,
    labels: Iterable[tuple[str, str | None]],
    found: Iterable[tuple[str, str | None]],
    base: str | None,
    page: str | None = None,
) -> Score:
    """Match (title, url) pairs one-to-one (see the module doc)."""
    labels = list(labels)
    found = list(found)
    score = Score(name, expected=len(labels), found=len(found))
    page_key = norm_url(page, base) if page else None
    unmatched = [(norm_title(t), norm_url(u, base), t, u) for t, u in found]
    for title, url in labels:
        want_title, want_url = norm_title(title), norm_url(url, base)
        for index, (got_title, got_url, _, _) in enumerate(unmatched):
            if got_title != want_title:
                continue
            if want_url is None:
                if got_url is not None and page_key is not None and got_url.split("#")[0] != page_key:
                    continue
            elif got_url != want_url:
                continue
            unmatched.pop(index)
            score.matched += 1
            break
        else:
            score.misses.append(f"{title!r} {url}")
    score.extras = [f"{t!r} {u}" for _, _, t, u in unmatched]
    return score


TIMINGS: dict[str, float] = {}  # page name → seconds spent extracting (last run)
STATED: dict[str, int | None] = {}  # page name → the count the page states, if any


def bench_html(corpus: Path, repeat: int = 1) -> list[Score]:
    """Scores per labelled page; each page's time is the fastest of `repeat` runs (a busy machine adds noise)."""
    scores = []
    addresses = page_addresses(corpus)
    for name, page, labels_file in labelled_pages(corpus):
        labels = json.loads(labels_file.read_text(encoding="utf-8"))
        known = addresses.get(name)
        html = page.read_text(encoding="utf-8", errors="replace")
        times = []
        for _ in range(max(1, repeat)):
            started = time.perf_counter()
            extraction = extract_page(html, known or UNKNOWN_BASE)
            times.append(time.perf_counter() - started)
        TIMINGS[name] = min(times)
        STATED[name] = extraction.stated_count
        found = [(p.title, p.url) for p in extraction.postings]
        if known is None:  # compare paths only
            found = [(t, urlsplit(u).path if u else None) for t, u in found]
        page_url = known or None
        scores.append(compare(name, [(x["title"], x.get("url")) for x in labels], found, known, page_url))
    return scores


def _feed_score(name: str, raw: list[dict], title_key: str, url_of, postings) -> Score:
    labels = [(item[title_key], url_of(item)) for item in raw]
    return compare(name, labels, [(p.title, p.url) for p in postings], "https://feed.invalid/")


def bench_feeds(corpus: Path) -> list[Score]:
    def load(name: str):
        return json.loads((corpus / name).read_text(encoding="utf-8"))

    scores = []
    for name in ("airbnb", "catawiki", "netlify-departments", "intercom-offices"):
        data = load(f"greenhouse/{name}.json")
        raw = {job["id"]: job for job, _ in greenhouse.job_entries(data)}
        scores.append(
            _feed_score(
                f"greenhouse/{name}", list(raw.values()), "title", lambda j: j["absolute_url"], greenhouse.parse(data)
            )
        )
    data = load("lever/1password.json")
    scores.append(_feed_score("lever/1password", data, "text", lambda j: j["hostedUrl"], lever.parse(data)))
    data = load("lever/humi-lever-v1-postings.json")
    raw = [j for j in data["data"] if j["state"] == "published"]
    scores.append(_feed_score("lever/humi-v1", raw, "text", lambda j: j["urls"]["show"], lever.parse(data)))
    for name in ("cursor", "elevenlabs", "replit", "supabase"):
        data = load(f"ashby/{name}.json")
        scores.append(_feed_score(f"ashby/{name}", data["jobs"], "title", lambda j: j["jobUrl"], ashby.parse(data)))
    records = load("workday/aig-scraper-records-with-raw-cxs.json")
    board = AtsBoard("workday", "aig", host="aig.wd1.myworkdayjobs.com", site="aig")
    scores.append(
        _feed_score(
            "workday/aig",
            [r["_raw_detail"]["jobPostingInfo"] for r in records],
            "title",
            lambda j: j["externalUrl"],
            workday.parse([r["_raw_listing"] for r in records], board),
        )
    )
    data = load("workday/nvidia-cxs-jobPostings.json")
    board = AtsBoard(
        "workday", "nvidia", host="nvidia.wd5.myworkdayjobs.com", site="NVIDIAExternalCareerSite", locale="en-US"
    )
    site = "https://nvidia.wd5.myworkdayjobs.com/en-US/NVIDIAExternalCareerSite"
    scores.append(
        _feed_score("workday/nvidia", data, "title", lambda j: site + j["externalPath"], workday.parse(data, board))
    )
    data = load("workday/zoom-legacy-widget-page1.json")
    raw = [
        {
            "title": i["title"]["instances"][0]["text"],
            "url": "https://zoom.wd5.myworkdayjobs.com" + i["title"]["commandLink"],
        }
        for i in workday.legacy_list_items(data)
    ]
    scores.append(
        _feed_score(
            "workday/zoom-legacy",
            raw,
            "title",
            lambda j: j["url"],
            workday.parse_legacy_widget(data, "https://zoom.wd5.myworkdayjobs.com"),
        )
    )
    data = load("other-ats/smartrecruiters-shopify.json")
    raw = [j for page in data for j in page["content"]]
    scores.append(
        _feed_score(
            "smartrecruiters/shopify",
            raw,
            "name",
            lambda j: f"https://jobs.smartrecruiters.com/Shopify/{j['id']}",
            smartrecruiters.parse(data),
        )
    )
    data = load("other-ats/workable-doist.json")
    scores.append(
        _feed_score(
            "workable/doist",
            data["results"],
            "title",
            lambda j: f"https://apply.workable.com/doist/j/{j['shortcode']}/",
            workable.parse(data, "doist"),
        )
    )
    return scores


def total(name: str, scores: list[Score]) -> Score:
    overall = Score(name)
    for score in scores:
        overall.expected += score.expected
        overall.found += score.found
        overall.matched += score.matched
    return overall


def report(title: str, scores: list[Score], *, quiet: bool, timed: bool = False) -> Score:
    print(f"\n{title}")
    print(f"{'source':38} {'labels':>6} {'found':>6} {'match':>6} {'precision':>9} {'recall':>7}" + ("    ms" * timed))
    for score in [*scores, total("OVERALL (micro)", scores)]:
        ms = f" {1000 * TIMINGS[score.name]:6.1f}" if timed and score.name in TIMINGS else ""
        print(
            f"{score.name:38} {score.expected:6} {score.found:6} {score.matched:6} "
            f"{score.precision:9.3f} {score.recall:7.3f}{ms}"
        )
    if not quiet:
        for score in scores:
            for miss in score.misses:
                print(f"  MISS  {score.name}: {miss}")
            for extra in score.extras:
                print(f"  EXTRA {score.name}: {extra}")
    return total("OVERALL", scores)


def feed_scores(corpus: Path) -> list[Score]:
    """The ATS feed files' scores, or none when the folder does not hold them (another corpus)."""
    try:
        return bench_feeds(corpus)
    except FileNotFoundError:
        return []


def median_ms() -> float:
    return 1000 * statistics.median(TIMINGS.values()) if TIMINGS else 0.0


def figures(corpus: Path, repeat: int = 1) -> dict:
    """Overall and per-source precision/recall in bench/README.md's `--json` shape."""
    html_scores, feed_list = bench_html(corpus, repeat), feed_scores(corpus)
    html, feeds = total("html", html_scores), total("feeds", feed_list)
    right = sum(score.fully_right for score in html_scores)
    how_html = f"extract_page on {len(html_scores)} labelled listing pages, {html.expected} labels, strict matching"
    rows = [
        {"name": "html listings: precision (micro)", "value": round(html.precision, 4), "unit": "", "how": how_html},
        {"name": "html listings: recall (micro)", "value": round(html.recall, 4), "unit": "", "how": how_html},
        {
            "name": "html listings: pages fully right",
            "value": f"{right}/{len(html_scores)}",
            "unit": "",
            "how": f"precision and recall both >= {FULLY_RIGHT}",
        },
    ]
    if feed_list:
        how_feeds = f"ATS parsers on {len(feed_list)} corpus feeds, {feeds.expected} job entries"
        rows.append({"name": "ATS feeds: precision", "value": round(feeds.precision, 4), "unit": "", "how": how_feeds})
        rows.append({"name": "ATS feeds: recall", "value": round(feeds.recall, 4), "unit": "", "how": how_feeds})
    if TIMINGS:
        slowest = max(TIMINGS, key=TIMINGS.get)
        rows.append(
            {
                "name": "extract_page: time per page (median)",
                "unit": "ms",
                "value": round(median_ms(), 1),
                "how": f"wall clock over the {len(TIMINGS)} labelled pages, fastest of {repeat} run(s) per page",
            }
        )
        rows.append(
            {
                "name": f"extract_page: slowest page ({slowest})",
                "unit": "ms",
                "value": round(1000 * TIMINGS[slowest], 1),
                "how": "wall clock, one run",
            }
        )
    for score in html_scores:
        if not score.fully_right:
            rows.append(
                {
                    "name": f"html {score.name}: precision / recall",
                    "value": f"{score.precision:.3f} / {score.recall:.3f}",
                    "unit": "",
                    "how": f"misses: {score.misses}; extras: {score.extras}",
                }
            )
    return {"figures": rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--quiet", action="store_true", help="numbers only, no misses")
    parser.add_argument("--json", action="store_true", help="one JSON object of figures (for bench/run_all)")
    parser.add_argument("--repeat", type=int, default=3, help="time each page this many times, keep the fastest")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(figures(args.corpus, args.repeat)))
        return 0
    html_scores = bench_html(args.corpus, args.repeat)
    html = report("Listing pages (extract_page)", html_scores, quiet=args.quiet, timed=True)
    feed_list = feed_scores(args.corpus)
    if feed_list:
        feeds = report("ATS feeds (parsers)", feed_list, quiet=args.quiet)
        print(f"\nfeeds: precision {feeds.precision:.3f} recall {feeds.recall:.3f}")
    right = sum(score.fully_right for score in html_scores)
    print(
        f"\nlisting pages: precision {html.precision:.3f} recall {html.recall:.3f} (micro), "
        f"pages fully right {right}/{len(html_scores)}, median {median_ms():.1f} ms/page"
        + (f", slowest {1000 * max(TIMINGS.values()):.1f} ms" if TIMINGS else "")
    )
    disagreeing = [
        f"{s.name} (states {STATED[s.name]}, found {s.found})"
        for s in html_scores
        if STATED.get(s.name) is not None and STATED[s.name] != s.found
    ]
    if disagreeing:
        print("stated count disagrees: " + "; ".join(disagreeing))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
