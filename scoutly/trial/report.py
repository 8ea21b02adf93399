"""The trial report a newcomer reads at the end of `scoutly try` (Rich; plain text when not a terminal)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from scoutly import scheduling
from scoutly.trial.run import FAST_FORWARD, TRIAL_CONCURRENCY, TRIAL_URI, PassResult, TrialResult

INTRO = (
    "This is a trial run: an in-memory database ({uri}) and {count} fictional companies' career sites,\n"
    "written for Scoutly and served on {base}. Nothing is persisted: when this command ends, it is gone."
)
NEXT_STEPS = """\
To run Scoutly for real:
  1. cp .env.example .env — then set MONGODB_URI (a MongoDB you run: `docker compose up -d mongodb` starts one
     on 127.0.0.1) and, for Gemini matching, GEMINI_API_KEY (https://aistudio.google.com/apikey).
  2. scoutly seed companies FILE and scoutly seed users FILE (formats in README.md and examples/).
  3. scoutly enqueue (hourly, from cron) and scoutly process (always on), then scoutly status / scoutly matches.
README.md, "Running it for real", and deploy/pi/GUIDE.md cover docker compose, a Raspberry Pi and cron.
To browse the sample sites yourself: python -m scoutly.trial.server"""


def _band(rank: int) -> str:
    days = scheduling.interval_for(rank).days
    return f"{rank} (every {days} d)" if days != 1 else f"{rank} (daily)"


def _matching_line(result: TrialResult) -> str:
    if result.gemini:
        return (
            f"Matching: keyword trackers, then Gemini ({', '.join(result.gemini_models)}) — GEMINI_API_KEY is set, "
            "so this trial makes real Gemini requests (about 20–25 on the free tier's daily budget; "
            "`scoutly try --no-gemini` makes none)."
        )
    return (
        "Matching: keyword trackers only (no GEMINI_API_KEY set). With a key in .env, the same command "
        "also has Gemini judge each posting against the profile."
    )


def _chromium_line(result: TrialResult) -> str:
    if result.chromium_found:
        return f"JavaScript pages: rendered with Chromium ({result.chromium})."
    return (f"JavaScript pages: NO CHROMIUM — {result.chromium}. The JavaScript-rendered sample site will show "
            "no postings; `scripts/bootstrap.sh` installs Debian's chromium.")


def _pass_table(result: TrialResult, run: PassResult) -> Table:
    shapes = {company.slug: company.shape for company in result.companies}
    table = Table(title=None, show_lines=False, expand=False)
    table.add_column("company")
    table.add_column("careers page")
    table.add_column("strategy")
    table.add_column("found", justify="right")
    table.add_column("new", justify="right")
    table.add_column("removed", justify="right")
    table.add_column("matches", justify="right")
    table.add_column("outcome")
    for doc in run.runs:
        outcome = str(doc.get("outcome") or "?")
        if doc.get("error"):
            outcome += f": {str(doc['error'])[:80]}"
        table.add_row(
            str(doc.get("company")),
            shapes.get(str(doc.get("company")), ""),
            str(doc.get("strategy") or "–"),
            str(doc.get("found") if doc.get("found") is not None else "–"),
            str(doc.get("new") if doc.get("new") is not None else "–"),
            str(doc.get("removed") if doc.get("removed") is not None else "–"),
            str(doc.get("matches") if doc.get("matches") is not None else "–"),
            outcome,
        )
    return table


def _why(match: dict) -> str:
    analysis = match.get("analysis") or {}
    if isinstance(analysis, dict) and analysis.get("verdict"):
        return str(analysis["verdict"])[:90]
    hits = match.get("keyword_hits") or []
    return f"keywords: {', '.join(hits)}" if hits else ""


def _matches_table(matches: list[dict]) -> Table:
    table = Table(show_lines=False)
    table.add_column("score", justify="right")
    table.add_column("source")
    table.add_column("posting")
    table.add_column("company")
    table.add_column("location")
    table.add_column("why")
    for match in matches:
        score = match.get("score")
        table.add_row(
            "–" if score is None else str(score),
            str(match.get("source") or ""),
            str(match.get("title") or ""),
            str(match.get("company") or ""),
            str(match.get("location") or ""),
            _why(match),
        )
    return table


def render(result: TrialResult, console: Console, *, status_renderer: Callable[[Any], None] | None = None) -> None:
    """Print the whole report (`status_renderer` prints the `scoutly status` section)."""
    console.print(
        Panel(
            Group(
                Text(INTRO.format(uri=TRIAL_URI, count=len(result.companies), base=result.base_url)),
                Text(_matching_line(result)),
                Text(_chromium_line(result)),
            ),
            title="Scoutly trial run — nothing is persisted",
            expand=False,
        )
    )
    seeded = result.seeded
    console.print(
        f"\n[bold]1. Seed[/bold]  {seeded.companies.created} companies, {seeded.users.created} users with "
        f"profiles and keyword trackers, {seeded.trackings.created} trackings (ranks set how often each "
        "company is checked)."
    )
    for user in result.users:
        ranks = ", ".join(f"{slug} {_band(rank)}" for slug, rank in sorted(user.trackings.items(), key=lambda x: -x[1]))
        keywords = ", ".join(user.profile.get("include_keywords", []))
        console.print(f"   {user.name} <{user.email}> looks for: {keywords}\n     tracks: {ranks}")
    for number, run in enumerate(result.passes, 1):
        step = 2 + number - 1
        if number == 1:
            head = f"{run.enqueued} companies were due (never checked before), so `enqueue` queued them all"
        else:
            head = (
                f"{FAST_FORWARD.days} days later (the trial moves the clock), the sample sites changed; "
                f"`enqueue` queued {run.enqueued} companies again"
            )
        console.print(
            f"\n[bold]{step}. Pass {number}: {run.label}[/bold]\n   {head}; `process --drain` "
            f"worked through them, up to {TRIAL_CONCURRENCY} companies at once, in {run.seconds:.1f} s."
        )
        console.print(_pass_table(result, run))
        console.print(f"   {run.report.summary()}")
        for heading, postings in (("new since the last look", run.appeared), ("gone (closed)", run.closed)):
            if postings:
                items = "; ".join(f"{p.get('title')} ({p.get('company')})" for p in postings)
                console.print(f"   {heading}: {items}")
        if result.gemini:
            requests = sum(int(doc.get("requests") or 0) for doc in run.runs)
            tokens = sum(int(doc.get("tokens") or 0) for doc in run.runs)
            parked = sum(int(doc.get("parked") or 0) for doc in run.runs)
            console.print(
                f"   Gemini: {requests} requests, {tokens} tokens"
                + (f", {parked} analyses parked until the daily quota resets" if parked else "")
            )
    if result.interrupted:
        console.print("\n   [bold]Interrupted[/bold]: the trial stopped here; what follows is what it had done.")
    step = 2 + len(result.passes)
    console.print(
        f"\n[bold]{step}. Postings[/bold]  {result.postings_open} open, {result.postings_closed} closed "
        "(a posting is closed when a complete listing no longer shows it)."
    )
    if result.status is not None and status_renderer is not None:
        console.print(f"\n[bold]{step + 1}. scoutly status[/bold] (the trial database)")
        status_renderer(result.status)
        step += 1
    console.print(
        f"\n[bold]{step + 1}. Matches[/bold]  {result.match_count()} in all. A blank location means the page did not "
        "state one in a form Scoutly reads (feeds and JSON-LD do); keyword trackers keep such postings, while Gemini "
        "reads the location in the description."
    )
    for user in result.users:
        matches = result.matches.get(user.email, [])
        baseline = "" if user.profile.get("analyse_baseline") else " (new postings only: baseline postings skipped)"
        console.print(
            f"\n   {user.name} <{user.email}>: {len(matches)} match{'es' if len(matches) != 1 else ''}{baseline}"
        )
        if matches:
            console.print(_matches_table(matches))
    console.print()
    console.print(Panel(Text(NEXT_STEPS), title="That was a trial run — nothing was saved", expand=False))
