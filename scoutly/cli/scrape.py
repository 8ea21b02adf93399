"""`scoutly scrape COMPANY [--dry-run]` / `scoutly scrape --url URL`: read one careers page now and show what
was found and what changed."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from scoutly.cli.common import console, open_db, run, wide_console
from scoutly.config import Settings, get_settings
from scoutly.errors import InputError
from scoutly.log_setup import setup_from_settings

if TYPE_CHECKING:
    from scoutly.postings.observe import ScrapeOutcome


def scrape_command(
    company: Annotated[str | None, typer.Argument(help="Company slug (as seeded).", show_default=False)] = None,
    url: Annotated[
        str | None, typer.Option("--url", help="Scrape this careers page instead (nothing is written).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=0, help="Postings listed in the table (0: all).")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    wide: Annotated[bool, typer.Option("--wide", help="One line per posting, URLs whole (copyable).")] = False,
) -> None:
    """Read a company's careers page now (ATS feed → static HTML → Chromium) and show postings and changes."""
    if (company is None) == (url is None):
        raise InputError("scrape: give a COMPANY slug or --url URL (one of them)")
    if url is not None and not url.startswith(("http://", "https://")):
        raise InputError(f"--url: {url!r} is not an http(s) URL")
    settings = get_settings()
    setup_from_settings(settings, level="WARNING")  # what INFO lines would say, the report below says once
    removed: list[str] = []
    if url is not None:
        outcome, name = run(_scrape_url(settings, url)), url
        dry_run = True
    else:
        assert company is not None  # one of the two (checked above)
        (outcome, removed), name = run(_scrape_company(settings, company.strip().lower(), dry_run=dry_run)), company
    if as_json:
        console.print_json(json.dumps(_as_dict(outcome, dry_run=dry_run), default=str))
    else:
        _print(name, outcome, removed, dry_run=dry_run, limit=limit, wide=wide)


async def _scrape_company(settings: Settings, slug: str, *, dry_run: bool) -> tuple[ScrapeOutcome, list[str]]:
    """The scrape outcome and the titles of the postings it closes (or would close)."""
    from scoutly.acquire import Acquirer, AcquisitionFailed
    from scoutly.companies import find_company, mark_scraped
    from scoutly.postings.observe import observe
    from scoutly.postings.store import titles_of

    async with open_db(settings, in_memory_ok=True) as mongo:
        doc = await find_company(mongo.db, slug)
        if doc is None:
            raise InputError(f"company {slug!r}: unknown company (add it with `scoutly seed companies`)")
        async with Acquirer(settings) as acquirer:
            try:
                outcome = await observe(
                    mongo.db,
                    acquirer,
                    doc,
                    removal_confirmations=settings.removal_confirmations,
                    dry_run=dry_run,
                )
            except AcquisitionFailed:
                if not dry_run:
                    await mark_scraped(mongo.db, slug, success=False, strategy=None)
                raise
        if not dry_run:
            await mark_scraped(mongo.db, slug, success=True, strategy=outcome.strategy)
        removed = await titles_of(mongo.db, slug, outcome.removed_keys)
        return outcome, removed


async def _scrape_url(settings: Settings, url: str) -> ScrapeOutcome:
    """An ad-hoc page: read with no database at all (everything is new, nothing is written)."""
    from scoutly.acquire import Acquirer
    from scoutly.postings.observe import observe

    async with Acquirer(settings) as acquirer:
        return await observe(
            None, acquirer, {"_id": "adhoc", "careers_url": url}, removal_confirmations=1, dry_run=True
        )


def _as_dict(outcome: ScrapeOutcome, *, dry_run: bool) -> dict[str, Any]:
    new_keys = {doc["key"] for doc in outcome.new}
    return {
        "strategy": outcome.strategy,
        "complete": outcome.complete,
        "baseline": outcome.baseline,
        "dry_run": dry_run,
        "found": outcome.found,
        "new": len(outcome.new),
        "still_open": outcome.still_open,
        "reopened": outcome.reopened,
        "removed": outcome.removed,
        "missing": outcome.missing,
        "removed_keys": outcome.removed_keys,
        "errors": outcome.errors,
        "notes": outcome.notes,
        "postings": [{**posting.fields(), "new": posting.key in new_keys} for posting in outcome.postings],
    }


DETAIL_NOTE = re.compile(r"^details of (?P<url>\S+): (?P<reason>.+)$")
FOLDED_URL = 40  # longer URLs may be folded to fit a terminal: say how to get them whole


def _note_line(note: str) -> str:
    """A detail page that failed reads `no details (reason): URL` — the URL once, last, so it can be copied."""
    match = DETAIL_NOTE.match(note)
    if match is None:
        return f"note: {note}"
    reason = match["reason"].removeprefix(f"{match['url']}: ")
    return f"note: no details ({reason}): {match['url']}"


def _print(
    name: str, outcome: ScrapeOutcome, removed: list[str], *, dry_run: bool, limit: int, wide: bool = False
) -> None:
    new_keys = {doc["key"] for doc in outcome.new}
    table = Table("", "title", "location", title=f"{name}: postings found", title_justify="left")
    table.add_column("url", no_wrap=wide, overflow="fold")  # never an ellipsis: a cut URL is useless
    shown = outcome.postings if not limit else outcome.postings[:limit]
    for posting in shown:
        mark = "[green]new[/green]" if posting.key in new_keys else ""
        table.add_row(mark, posting.title, posting.location or "", posting.url or "")
    if shown:
        (wide_console() if wide else console).print(table)
        if not wide and any(len(posting.url or "") > FOLDED_URL for posting in shown):
            console.print("[dim]long URLs fold to fit: --wide prints one line per posting, --json everything[/dim]")
    if limit and len(outcome.postings) > limit:
        console.print(f"… and {len(outcome.postings) - limit} more (--limit 0 shows all)")
    parts = [
        f"{outcome.found} postings via {outcome.strategy}",
        "complete listing" if outcome.complete else "[yellow]incomplete listing[/yellow] (nothing closed)",
        f"{len(outcome.new)} new" + (" (baseline: first scrape)" if outcome.baseline else ""),
        f"{outcome.still_open} still open",
        f"{outcome.removed} removed",
    ]
    if outcome.reopened:
        parts.append(f"{outcome.reopened} reopened")
    if outcome.missing:
        parts.append(f"{outcome.missing} missing (closed once confirmed by the next listings)")
    console.print(", ".join(parts) + (" — dry run: nothing written" if dry_run else ""))
    if removed:
        verb = "would be closed" if dry_run else "closed"
        console.print(f"{verb}: " + "; ".join(sorted(removed)), highlight=False)
    for error in outcome.errors:
        console.print(f"[yellow]warning:[/yellow] {error}", markup=True, highlight=False)
    for note in outcome.notes:
        console.print(_note_line(note), style="dim", markup=False, highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("scrape")(scrape_command)
