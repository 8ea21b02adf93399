"""What `scoutly try` prints: a short panel of what is about to happen, then (after the progress) a short report.

The report is what a newcomer wants to know, readable at 80 columns: which postings appeared and closed, the
matches with their URLs (whole, never cut, so they stay copyable), what Gemini adds and how to enable it, and the
next steps. The operator's `scoutly status` is not part of it. Rich; plain text when not a terminal.
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from scoutly.storage.records import MatchRecord
from scoutly.storage.types import Document
from scoutly.trial.catalog import Catalog
from scoutly.trial.run import FAST_FORWARD, TRIAL_URI, PassResult, TrialResult

NEXT_STEPS = """\
1. (umask 077; cp .env.example .env) — private from the start — then
   set the passwords and MONGODB_URI (`docker compose up -d mongodb`
   starts MongoDB on 127.0.0.1) and, for Gemini, GEMINI_API_KEY.
2. scoutly seed companies FILE, then scoutly seed users FILE (profiles
   and keyword trackers included: see examples/ and README.md).
3. scoutly enqueue (hourly, from cron) and scoutly process (always on);
   then scoutly matches and scoutly status.
More: README.md, "Running it for real"; deploy/pi/GUIDE.md (Raspberry Pi).
Browse the sample sites yourself: python -m scoutly.trial.server"""

GEMINI_KEY_URL = "https://aistudio.google.com/apikey"
MAX_LISTED = 8  # postings listed per heading; the rest are counted


def matching_line(gemini: bool, models: list[str]) -> str:
    if gemini:
        return (
            f"Matching: keyword trackers, then Gemini ({', '.join(models)}) — GEMINI_API_KEY is set, so this "
            "trial makes real Gemini requests (about 20–25; `scoutly try --no-gemini` makes none)."
        )
    return "Matching: keyword trackers only (no GEMINI_API_KEY set)."


def chromium_line(found: bool, detail: str) -> str:
    if found:
        return f"JavaScript pages: rendered with Chromium ({detail})."
    return (
        f"JavaScript pages: NO CHROMIUM — {detail}. The JavaScript-rendered sample site will show no postings; "
        "`scripts/bootstrap.sh` installs Debian's chromium."
    )


def render_intro(
    catalog: Catalog, console: Console, *, gemini: bool, models: list[str], chromium: tuple[str, bool], passes: int
) -> None:
    """The short panel printed before anything runs: what the trial is about to do."""
    steps = [
        f"1. Start {len(catalog.companies)} fictional companies' career sites on 127.0.0.1 (ATS feeds, plain "
        "HTML, JSON-LD, a JavaScript page, a paginated list).",
        f"2. Seed them and {len(catalog.users)} sample users (profiles, keyword trackers, ranks) into an "
        f"in-memory database ({TRIAL_URI}).",
        "3. Look at every site once (a baseline: everything is new to Scoutly)"
        + (f", then again {FAST_FORWARD.days} days later, when the sites have changed." if passes > 1 else "."),
        "4. Report new and closed postings and each user's matches.",
    ]
    body = Group(
        Text("\n".join(steps)),
        Text(""),
        Text(matching_line(gemini, models)),
        Text(chromium_line(chromium[1], chromium[0])),
        Text("Nothing is persisted: when this command ends, it is gone.", style="dim"),
    )
    console.print(Panel(body, title="Scoutly trial run — nothing is persisted", title_align="left"))


def _companies_table(result: TrialResult) -> Table:
    """Per company: how it was read and what each pass found (few columns: fits 80)."""
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("company", no_wrap=True)
    table.add_column("read as", no_wrap=True)
    labels = ["found"] if len(result.passes) == 1 else ["found", "found later", "new", "closed"]
    for label in labels:
        table.add_column(label, justify="right", no_wrap=True)
    table.add_column("result", overflow="fold")
    runs = [{str(doc.get("company")): doc for doc in one.runs} for one in result.passes]
    for company in result.companies:
        docs = [by_company.get(company.slug, {}) for by_company in runs]
        last: Document = next((doc for doc in reversed(docs) if doc), {})
        cells = [company.slug, str(last.get("strategy") or "–")]
        cells.append(_number(docs[0].get("found")) if docs else "–")
        if len(docs) > 1:
            later = docs[1]
            cells += [_number(later.get("found")), _number(later.get("new")), _number(later.get("removed"))]
        outcome = str(last.get("outcome") or "not run")
        if last.get("error"):
            outcome += f": {str(last['error'])[:120]}"
        cells.append(escape(outcome))
        table.add_row(*cells)
    return table


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'es' if noun.endswith('ch') else 's'}" if number != 1 else f"1 {noun}"


def _number(value: object) -> str:
    return "–" if value is None else str(value)


def _postings(console: Console, heading: str, postings: list[Document]) -> None:
    console.print(f"\n[bold]{heading}[/bold] ({len(postings)})")
    for posting in postings[:MAX_LISTED]:
        console.print(f"  • {escape(str(posting.get('title')))} — {posting.get('company')}", highlight=False)
    if len(postings) > MAX_LISTED:
        console.print(f"  … and {len(postings) - MAX_LISTED} more", style="dim")


def _why(match: MatchRecord) -> str:
    analysis = match.get("analysis") or {}
    if isinstance(analysis, dict) and analysis.get("verdict"):
        return str(analysis["verdict"])[:160]
    hits = match.get("keyword_hits") or []
    return f"keywords: {', '.join(hits)}" if hits else ""


def _match_lines(console: Console, match: MatchRecord) -> None:
    score = match.get("score")
    where = " · ".join(str(part) for part in (match.get("company"), match.get("location")) if part)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=5, justify="right", no_wrap=True)
    grid.add_column()  # titles wrap under themselves, not under the score
    grid.add_row(str(score) if isinstance(score, int) else "•", Text(f"{match.get('title')} — {where}"))
    why = _why(match)
    if why:
        grid.add_row("", Text(why, style="dim"))
    console.print(grid)
    if match.get("url"):  # soft wrap: a long URL is never cut or broken by Rich, so it stays copyable
        console.print(Text(f"      {match['url']}", style="cyan"), soft_wrap=True, highlight=False)


def _gemini_section(console: Console, result: TrialResult) -> None:
    if result.gemini:
        requests = sum(int(doc.get("requests") or 0) for one in result.passes for doc in one.runs)
        tokens = sum(int(doc.get("tokens") or 0) for one in result.passes for doc in one.runs)
        parked = sum(int(doc.get("parked") or 0) for one in result.passes for doc in one.runs)
        line = f"Gemini: {requests} requests, {tokens} tokens"
        if parked:
            line += f", {parked} analyses parked until the daily quota resets"
        console.print(f"\n[bold]Gemini[/bold]\n  {line}.")
        console.print(Text(f"  {matching_line(True, result.gemini_models)}"))
        return
    console.print(
        "\n[bold]What Gemini would add[/bold]\n"
        "  Keyword trackers only see words. With Gemini, each posting that passes them\n"
        "  is read against the whole profile (CV, seniority, salary, visa, locations)\n"
        "  and gets a score 0–100 with reasons; you hear from your min_score up.\n"
        f"  To enable it: get a key at {GEMINI_KEY_URL}, put\n"
        "  GEMINI_API_KEY=your-key in .env and run `scoutly try` again (20–25 requests).",
        highlight=False,
    )


def render(result: TrialResult, console: Console) -> None:
    """The report after the passes: postings, matches, Gemini, next steps."""
    opened = sum(len(one.appeared) for one in result.passes)
    closed = [posting for one in result.passes for posting in one.closed]
    seconds = sum(one.seconds for one in result.passes)
    looks = "once" if len(result.passes) == 1 else f"{len(result.passes)} times"
    match_count = _count(result.match_count(), "match")
    console.print(
        f"\n[bold]Trial report[/bold]  {len(result.companies)} companies looked at {looks} in {seconds:.0f} s: "
        f"{result.postings_open} postings open, {result.postings_closed} closed, {match_count}."
    )
    if result.interrupted:
        console.print("[bold]Interrupted[/bold]: the trial stopped early; this is what it had done.")
    console.print(_companies_table(result))
    failed = [one for one in result.passes if one.report.failed]
    for one in failed:
        console.print(f"  {one.report.failed} companies failed in “{one.label}”.", style="red")
    if len(result.passes) > 1:
        _postings(
            console,
            f"New postings, {FAST_FORWARD.days} days later",
            [p for one in result.passes[1:] for p in one.appeared],
        )
        _postings(console, "Closed postings (gone from a complete listing)", closed)
    elif not opened:
        console.print("  The first look is a baseline: every posting is new to Scoutly, none counts as news.")
    console.print(f"\n[bold]Matches[/bold] ({result.match_count()})")
    for user in result.users:
        matches = result.matches.get(user.email, [])
        note = "" if user.profile.get("analyse_baseline") else "; new postings only (baseline skipped)"
        console.print(
            f" {user.name} <{user.email}>: {_count(len(matches), 'match')}{note}",
            highlight=False,
        )
        for match in matches:
            _match_lines(console, match)
    _gemini_section(console, result)
    console.print()
    console.print(
        Panel(Text(NEXT_STEPS), title="That was a trial run — nothing was saved. Next steps", title_align="left")
    )


def pass_summary(one: PassResult) -> str:
    """One line per pass for the progress output."""
    return f"{one.label}: {one.report.succeeded} companies read, {len(one.appeared)} new, {len(one.closed)} closed"
