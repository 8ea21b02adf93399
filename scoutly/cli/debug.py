"""`scoutly debug`: doctor, reset-stuck, requeue-dead, job ID, run COMPANY [--dry-run]."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer
from bson import ObjectId
from bson.errors import InvalidId
from loguru import logger
from rich.markup import escape
from rich.table import Table

from scoutly import queue
from scoutly.cli.common import console, open_db, run, warn_if_in_memory
from scoutly.clock import as_utc
from scoutly.companies import find_company, mark_scraped
from scoutly.config import get_settings
from scoutly.errors import InputError
from scoutly.log_setup import setup_from_settings
from scoutly.ops.repair import RepairResult, requeue_dead, reset_stuck
from scoutly.processor.runs import job_history
from scoutly.storage.types import Document

if TYPE_CHECKING:
    from scoutly.processor.pipeline import PipelineResult

debug_app = typer.Typer(
    help="Diagnose and repair: doctor, stuck and dead jobs, one job's history, one company.", no_args_is_help=True
)


def _when(value: Any) -> str:
    value = as_utc(value)
    return f"{value:%Y-%m-%d %H:%M:%S}" if value else "–"


@debug_app.command("doctor")
def doctor(
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Only look for Chromium; do not launch it.")] = False,
    create_indexes: Annotated[bool, typer.Option("--create-indexes", help="Create missing indexes first.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Check MongoDB (+ indexes), clock, Chromium, the Gemini key and models, disk space. Exit 1 on any ✗."""
    from scoutly.ops.doctor import run_doctor  # loads Playwright and google-genai: only when doctor runs

    settings = get_settings()
    warn_if_in_memory(settings.mongodb_uri)
    checks = run(run_doctor(settings, launch_browser=not no_browser, create_indexes=create_indexes))
    if as_json:
        console.print_json(
            json.dumps([{"check": c.name, "ok": c.ok, "detail": c.detail, "fix": c.fix} for c in checks])
        )
    else:
        table = Table("", "check", "detail", "fix")
        for check in checks:
            style = "green" if check.ok else ("dim" if check.ok is None else "red")
            table.add_row(f"[{style}]{check.symbol}[/{style}]", check.name, check.detail, check.fix)
        console.print(table)
    if any(check.ok is False for check in checks):
        raise typer.Exit(1)


@debug_app.command("reset-stuck")
def reset_stuck_command(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list them.")] = False,
) -> None:
    """Jobs stuck in processing with an expired lease go back to pending now (dead after their last attempt)."""

    async def _reset() -> list[str]:
        async with open_db() as mongo:
            return (await reset_stuck(mongo.db, dry_run=dry_run)).companies

    companies = run(_reset())
    verb = "would reset" if dry_run else "reset"
    console.print(f"{verb} {len(companies)} stuck jobs" + (f": {', '.join(companies)}" if companies else ""))


@debug_app.command("requeue-dead")
def requeue_dead_command(
    company: Annotated[str | None, typer.Option("--company", help="Only this company's dead job.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list them.")] = False,
) -> None:
    """Give dead jobs a fresh set of attempts (after fixing what killed them)."""

    async def _requeue() -> RepairResult:
        async with open_db() as mongo:
            return await requeue_dead(mongo.db, company=company, dry_run=dry_run)

    result = run(_requeue())
    verb = "would requeue" if dry_run else "requeued"
    console.print(
        f"{verb} {len(result.companies)} dead jobs" + (f": {', '.join(result.companies)}" if result.companies else "")
    )
    if result.skipped:
        console.print(f"skipped (a live job exists): {', '.join(sorted(set(result.skipped)))}")


@debug_app.command("job")
def job(job_id: Annotated[str, typer.Argument(help="The job's id (see `scoutly status`).")]) -> None:
    """A job and every attempt at it (from `runs`)."""
    try:
        oid = ObjectId(job_id)
    except (InvalidId, TypeError):
        raise InputError(f"job id {job_id!r}: not a valid id (24 hex characters)") from None

    async def _load() -> tuple[Document | None, list[Document]]:
        async with open_db() as mongo:
            return await queue.find_job(mongo.db, oid), await job_history(mongo.db, oid)

    doc, history = run(_load())
    if doc is None and not history:
        raise InputError(f"job {job_id}: not found")
    if doc is not None:
        console.print(
            f"{doc['company']} job {job_id}: {doc['status']}, attempt {doc.get('attempts', 0)}/"
            f"{doc.get('max_attempts', '?')}, priority {doc.get('priority')}, created {_when(doc.get('created_at'))}",
            markup=False,
        )
        if doc.get("status") == "processing":
            console.print(f"  lease: {doc.get('lease_owner')} until {_when(doc.get('lease_until'))}")
        if doc.get("last_error"):
            console.print(f"  last error: {doc['last_error']}", markup=False)
    console.print(f"{len(history)} attempts:")
    for entry in history:
        stages = " ".join(f"{k}={v:.1f}s" for k, v in (entry.get("stages") or {}).items())
        console.print(
            f"  {_when(entry.get('started_at'))}  {entry.get('worker')}  {entry.get('outcome')}  "
            f"{entry.get('duration') or 0:.1f}s  strategy={entry.get('strategy') or '–'}  "
            f"found/new/removed={entry.get('found', 0)}/{entry.get('new', 0)}/{entry.get('removed', 0)}  "
            f"tokens={entry.get('tokens') or 0}",
            soft_wrap=True,
            markup=False,
        )
        if stages:
            console.print(f"      stages: {stages}", soft_wrap=True)
        if entry.get("error"):
            console.print(f"      error: {entry['error']}", soft_wrap=True, markup=False)


@debug_app.command("run")
def run_company(
    company: Annotated[str, typer.Argument(help="The company's slug.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Fetch and judge, but write nothing.")] = False,
) -> None:
    """The whole pipeline for one company, verbose, outside the queue. --dry-run writes nothing
    (no postings, no Gemini judgements, no matches, no notifications)."""
    from scoutly.processor.pipeline import run_pipeline  # the whole pipeline: only when `debug run` runs

    settings = get_settings()
    setup_from_settings(settings, level="DEBUG")

    async def _run() -> PipelineResult:
        from scoutly.acquire import Acquirer

        async with open_db(settings) as mongo:
            doc = await find_company(mongo.db, company)
            if doc is None:
                raise InputError(f"company {company!r}: not found (seed it first)")
            async with Acquirer(settings) as acquirer:
                with logger.contextualize(run="debug-run", company=company):
                    result = await run_pipeline(mongo.db, settings, doc, acquirer, dry_run=dry_run, notify=not dry_run)
            if not dry_run:
                await mark_scraped(mongo.db, company, success=True, strategy=result.strategy)
            return result

    result = run(_run())
    console.print(
        f"{company}: {result.outcome} via {result.strategy}; {result.found} found, {result.new} new, "
        f"{result.removed} removed; {len(result.matches)} matches; {result.requests} Gemini requests, "
        f"{result.tokens} tokens" + (" (dry run: nothing written)" if dry_run else "")
    )
    for match in result.matches:
        line = f"  [{match.get('score')}] {match.get('user')}: {match.get('title') or match.get('posting')}"
        console.print(line, markup=False)
    for error in result.errors:
        console.print(f"  [yellow]warning:[/yellow] {escape(str(error))}")


def register(app: typer.Typer) -> None:
    app.add_typer(debug_app, name="debug")
