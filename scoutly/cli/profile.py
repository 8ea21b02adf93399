"""`scoutly profile set|show`: the profile Gemini and the keyword trackers judge postings against."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from scoutly.analysis.profile import Profile, get_user, profile_of, read_cv, split_terms, update_profile
from scoutly.cli.common import console, open_db, run
from scoutly.errors import InputError
from scoutly.storage.types import Document

profile_app = typer.Typer(help="Show or change a user's profile (CV, skills, preferences).", no_args_is_help=True)

ListOption = Annotated[list[str] | None, typer.Option()]


def _changes(**given: Any) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for field in ("skills", "languages", "locations", "include_keywords", "exclude_keywords", "work_models"):
        if given[field] is not None:
            changes[field] = split_terms(given[field])
    for field in ("years_experience", "seniority", "min_salary", "needs_visa", "min_score", "analyse_baseline"):
        if given[field] is not None:
            changes[field] = given[field]
    if "work_models" in changes:
        normal = {"on-site": "onsite", "on_site": "onsite", "office": "onsite"}
        changes["work_models"] = [normal.get(m.lower(), m.lower()) for m in changes["work_models"]]
        bad = [m for m in changes["work_models"] if m not in ("remote", "hybrid", "onsite")]
        if bad:
            raise InputError(f"--work-model: {bad[0]!r} is not remote, hybrid or onsite")
    return changes


@profile_app.command("set")
def set_profile(
    user: Annotated[str, typer.Argument(help="The user's e-mail address.")],
    cv: Annotated[Path | None, typer.Option("--cv", help="CV as .txt, .md or .pdf.")] = None,
    skills: Annotated[list[str] | None, typer.Option("--skills", help="Skills (repeat or comma-separate).")] = None,
    locations: Annotated[list[str] | None, typer.Option("--locations", help="Preferred locations.")] = None,
    work_model: Annotated[list[str] | None, typer.Option("--work-model", help="remote, hybrid and/or onsite.")] = None,
    min_score: Annotated[int | None, typer.Option("--min-score", help="Tell me about scores from N (0-100).")] = None,
    include: Annotated[list[str] | None, typer.Option("--include", help="Keywords that make a match.")] = None,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="Keywords that rule a posting out.")] = None,
    seniority: Annotated[str | None, typer.Option("--seniority", help="e.g. junior, mid, senior, staff.")] = None,
    min_salary: Annotated[int | None, typer.Option("--min-salary", help="Minimum yearly salary.")] = None,
    visa: Annotated[bool | None, typer.Option("--visa/--no-visa", help="Needs visa sponsorship.")] = None,
    years: Annotated[float | None, typer.Option("--years", help="Years of experience.")] = None,
    languages: Annotated[list[str] | None, typer.Option("--languages", help="Languages spoken.")] = None,
    baseline: Annotated[
        bool | None,
        typer.Option("--baseline/--no-baseline", help="Also judge postings found on a company's first scrape."),
    ] = None,
) -> None:
    """Change USER's profile; only the options given change. The version goes up when something changed."""
    changes = _changes(
        skills=skills,
        languages=languages,
        locations=locations,
        include_keywords=include,
        exclude_keywords=exclude,
        work_models=work_model,
        years_experience=years,
        seniority=seniority,
        min_salary=min_salary,
        needs_visa=visa,
        min_score=min_score,
        analyse_baseline=baseline,
    )
    if cv is not None:
        changes["cv_text"] = read_cv(cv)  # read and validated before anything is written

    async def go() -> tuple[Profile, int, bool]:
        async with open_db() as mongo:
            return await update_profile(mongo.db, user, changes)

    _, version, changed = run(go())
    state = "updated" if changed else "unchanged"
    console.print(f"profile of {user.strip().lower()} {state} (version {version})")


@profile_app.command("show")
def show_profile(
    user: Annotated[str, typer.Argument(help="The user's e-mail address.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show USER's profile and its version."""

    async def go() -> Document:
        async with open_db() as mongo:
            return await get_user(mongo.db, user)

    doc = run(go())
    profile = profile_of(doc)
    version = int(doc.get("profile_version") or 0)
    if as_json:
        typer.echo(json.dumps({"user": doc["_id"], "profile_version": version, "profile": profile.model_dump()}))
        return
    table = Table(title=f"{doc['_id']} — profile version {version}", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    for field, value in profile.model_dump().items():
        if field == "cv_text":
            value = f"{len(value)} characters: {value[:200]!r}…" if value else "(none)"
        elif isinstance(value, list):
            value = ", ".join(value) or "—"
        table.add_row(field, "—" if value is None else str(value))
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(profile_app, name="profile")
