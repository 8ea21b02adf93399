"""Precision and recall of posting extraction against the labelled real-world corpus.

    .venv/bin/python bench/extraction.py [--corpus ../shared/corpus] [--quiet]

- html-listing/*.html vs *.labels.json: `extract_postings` (static HTML extractor), per file and overall;
- ATS feeds (greenhouse/, lever/, ashby/, workday/, other-ats/) vs their parsers: every job entry of the raw
  JSON must come out of the parser with its title and URL.

Matching: titles case- and whitespace-insensitive; URLs after canonicalisation; a label with a relative URL whose
page address is unknown is compared by path; a label with a null URL by title only. Misses are printed.
"""

from __future__ import annotations

import argparse
import json
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
from scoutly.acquire.extract import extract_postings  # noqa: E402
from scoutly.acquire.urls import canonical_url, url_key  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
UNKNOWN_BASE = "https://page-address-unknown.invalid/"

# Page addresses as stated (or inferred) in the corpus's SOURCES.md; the others are unknown.
PAGE_URLS = {
    "3ss": "https://www.3ss.tv/careers",
    "4sellers-hrworks": "https://jobs.4sellers.de/de",
    "4zero": "https://www.4zero.solutions/job",
    "8com": "https://www.8com.de/",
    "abs-karriere": "https://abs-karriere.de/",
    "blueorchard": "https://www.blueorchard.com/careers/",
    "doist": "https://doist.com/careers",
    "kth": "https://www.kth.se/lediga-jobb?l=en",
    "orebro": "https://www.oru.se/english/career/available-positions/",
    "stockholm-university-varbi": "https://su.varbi.com/",
    "sumup-careers-landing": "https://www.sumup.com/careers/",
    "taskade-ycombinator": "https://www.ycombinator.com/companies/taskade/jobs",
    "vercel": "https://vercel.com/careers",
    "wikimedia": "https://wikimediafoundation.org/about/jobs/",
}


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
    extras: list[str] = field(default_factory=list)  # found, not labelled

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0


def compare(
    name: str, labels: Iterable[tuple[str, str | None]], found: Iterable[tuple[str, str | None]], base: str | None
) -> Score:
    """Match (title, url) pairs one-to-one; a label without URL matches on title alone."""
    labels = list(labels)
    found = list(found)
    score = Score(name, expected=len(labels), found=len(found))
    unmatched = [(norm_title(t), norm_url(u, base), t, u) for t, u in found]
    for title, url in labels:
        want_title, want_url = norm_title(title), norm_url(url, base)
        for index, (got_title, got_url, _, _) in enumerate(unmatched):
            if got_title == want_title and (want_url is None or got_url == want_url):
                unmatched.pop(index)
                score.matched += 1
                break
        else:
            score.misses.append(f"{title!r} {url}")
    score.extras = [f"{t!r} {u}" for _, _, t, u in unmatched]
    return score


TIMINGS: dict[str, float] = {}  # page name → seconds spent in extract_postings (last run)


def bench_html(corpus: Path) -> list[Score]:
    scores = []
    for page in sorted((corpus / "html-listing").glob("*.html")):
        labels = json.loads(page.with_suffix("").with_suffix(".labels.json").read_text(encoding="utf-8"))
        known = PAGE_URLS.get(page.stem)
        html = page.read_text(encoding="utf-8", errors="replace")
        started = time.perf_counter()
        postings = extract_postings(html, known or UNKNOWN_BASE)
        TIMINGS[page.stem] = time.perf_counter() - started
        found = [(p.title, p.url) for p in postings]
        if known is None:  # compare paths only
            found = [(t, urlsplit(u).path if u else None) for t, u in found]
        scores.append(compare(page.stem, [(x["title"], x["url"]) for x in labels], found, known))
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


def report(title: str, scores: list[Score], *, quiet: bool) -> Score:
    print(f"\n{title}")
    print(f"{'source':34} {'labels':>6} {'found':>6} {'match':>6} {'precision':>9} {'recall':>7}")
    for score in [*scores, total("OVERALL", scores)]:
        print(
            f"{score.name:34} {score.expected:6} {score.found:6} {score.matched:6} "
            f"{score.precision:9.3f} {score.recall:7.3f}"
        )
    if not quiet:
        for score in scores:
            for miss in score.misses:
                print(f"  MISS  {score.name}: {miss}")
            for extra in score.extras:
                print(f"  EXTRA {score.name}: {extra}")
    return total("OVERALL", scores)


def figures(corpus: Path) -> dict:
    """Overall and per-source precision/recall in bench/README.md's `--json` shape."""
    html_scores, feed_scores = bench_html(corpus), bench_feeds(corpus)
    html, feeds = total("html", html_scores), total("feeds", feed_scores)
    how_html = f"extract_postings on {len(html_scores)} labelled html-listing pages, {html.expected} labels"
    how_feeds = f"ATS parsers on {len(feed_scores)} corpus feeds, {feeds.expected} job entries"
    rows = [
        {"name": "html listings: precision", "value": round(html.precision, 4), "unit": "", "how": how_html},
        {"name": "html listings: recall", "value": round(html.recall, 4), "unit": "", "how": how_html},
        {"name": "ATS feeds: precision", "value": round(feeds.precision, 4), "unit": "", "how": how_feeds},
        {"name": "ATS feeds: recall", "value": round(feeds.recall, 4), "unit": "", "how": how_feeds},
    ]
    slowest = max(TIMINGS, key=TIMINGS.get)
    rows.append(
        {
            "name": "extract_postings: time per page (mean)",
            "unit": "ms",
            "value": round(1000 * sum(TIMINGS.values()) / len(TIMINGS), 1),
            "how": f"wall clock over the {len(TIMINGS)} corpus pages (2.9 MB of HTML in all)",
        }
    )
    rows.append(
        {
            "name": f"extract_postings: slowest page ({slowest})",
            "unit": "ms",
            "value": round(1000 * TIMINGS[slowest], 1),
            "how": "wall clock, one run",
        }
    )
    for score in html_scores:
        if score.precision < 1 or score.recall < 1:
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
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(figures(args.corpus)))
        return 0
    html = report("Static HTML listings (extract_postings)", bench_html(args.corpus), quiet=args.quiet)
    feeds = report("ATS feeds (parsers)", bench_feeds(args.corpus), quiet=args.quiet)
    print(
        f"\nextract_postings: {1000 * sum(TIMINGS.values()) / len(TIMINGS):.1f} ms per page on average, "
        f"slowest {max(TIMINGS.values()) * 1000:.1f} ms"
    )
    print(
        f"html: precision {html.precision:.3f} recall {html.recall:.3f}   "
        f"feeds: precision {feeds.precision:.3f} recall {feeds.recall:.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
