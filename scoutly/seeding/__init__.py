"""Seeding companies, users and their ranked trackings from CSV/JSON files, all-or-nothing.

Every row is validated first, in one streaming pass; if any row is bad, every problem is reported (`file:line:
field: message`, one per line, sorted by line) and nothing is written. Only then is the file read again and
written in batches of `BATCH` rows, so memory stays bounded for large files. Re-seeding the same file changes
nothing: records are upserted by natural key (company slug, user email, (user, company)) and only real changes
move `updated_at` (and a user's `profile_version`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from scoutly.clock import utcnow
from scoutly.errors import InputError
from scoutly.seeding.columns import COMPANIES as COMPANY_FILE
from scoutly.seeding.columns import USERS as USER_FILE
from scoutly.seeding.models import CompanySeed, UserSeed, company_of, user_of
from scoutly.seeding.problems import Problems, SeedError
from scoutly.seeding.readers import Row, check_file, iter_rows, parse_json
from scoutly.seeding.validate import NoProgress, Progress, RowSource, Validated
from scoutly.seeding.validate import validate as validation_pass
from scoutly.seeding.writer import Counts, SeedReport, write_companies, write_trackings, write_users
from scoutly.storage.types import Database

if TYPE_CHECKING:
    from scoutly.acquire.egress import EgressPolicy

T = TypeVar("T")

__all__ = [
    "CompanySeed",
    "Counts",
    "Progress",
    "SeedError",
    "SeedReport",
    "UserSeed",
    "Validated",
    "check_files",
    "rows_from",
    "sample_rows",
    "seed_files",
    "seed_rows",
    "seed_sample",
    "seed_validated",
    "validate_files",
]


BATCH = 1000  # rows per write: memory stays bounded however large the file


async def validate_sources(
    db: Database,
    *,
    companies: RowSource | None = None,
    users: RowSource | None = None,
    progress: Progress | None = None,
    egress: EgressPolicy | None = None,
) -> Validated:
    """The validation pass over companies then users. Raises `SeedError` with every problem, sorted by line."""
    problems = Problems()
    validated = await validation_pass(db, companies, users, problems, progress or NoProgress(), egress)
    if problems:
        raise SeedError(problems.lines())
    return validated


def check_files(*, companies: Path | None = None, users: Path | None = None) -> None:
    """The file-level checks that need no database (found, not a directory, format, encoding of the start, the
    header), so a command can report them before connecting to MongoDB. Raises `InputError`."""
    for path, kind in ((companies, COMPANY_FILE), (users, USER_FILE)):
        if path is not None:
            next(iter(iter_rows(path, kind)), None)


async def validate_files(
    db: Database,
    *,
    companies: Path | None = None,
    users: Path | None = None,
    progress: Progress | None = None,
    egress: EgressPolicy | None = None,
) -> Validated:
    """Validate seed files as streams (nothing is written). Raises `SeedError` / `InputError`."""
    for path in (companies, users):
        if path is not None:
            check_file(path)
    return await validate_sources(
        db,
        companies=(lambda: iter_rows(companies, COMPANY_FILE)) if companies else None,
        users=(lambda: iter_rows(users, USER_FILE)) if users else None,
        progress=progress,
        egress=egress,
    )


async def seed_validated(
    db: Database, validated: Validated, *, now: datetime | None = None, progress: Progress | None = None
) -> SeedReport:
    """The writing pass: read the validated sources again and write them in batches of `BATCH` rows."""
    now = now or utcnow()
    progress = progress or NoProgress()
    report = SeedReport(warnings=list(validated.warnings))
    if validated.companies is not None:
        progress.start("writing companies", validated.company_rows)
        for batch in _batches(validated.companies()):
            records = [_again(company_of, row) for row in batch]
            report.companies.add(await write_companies(db, records, now))
            progress.advance(len(batch))
    if validated.users is not None:
        progress.start("writing users", validated.user_rows)
        written: set[str] = set()
        for batch in _batches(validated.users()):
            heads, pairs = [], {}
            for row in batch:
                record = _again(user_of, row)
                if record.email not in written:
                    written.add(record.email)
                    heads.append(validated.users_by_email[record.email].record)
                pairs.update({(record.email, slug): rank for slug, rank in record.track.items()})
            users, profiles = await write_users(db, heads, now)
            report.users.add(users)
            report.profiles.add(profiles)
            report.trackings.add(await write_trackings(db, pairs, now))
            progress.advance(len(batch))
    return report


def _again(derive: Callable[[Row, Problems], T | None], row: Row) -> T:
    """A row's record in the writing pass; it was valid in the validation pass unless the file changed since."""
    problems = Problems()
    record = derive(row, problems)
    if record is None:
        raise InputError(f"{row.where()}: the file changed while it was being seeded; run the seed again")
    return record


def _batches(rows: Iterable[Row]) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


async def seed_rows(
    db: Database, *, companies: list[Row] | None = None, users: list[Row] | None = None, now: datetime | None = None
) -> SeedReport:
    """Validate companies and users rows together, then write them (companies first). Raises `SeedError`."""
    validated = await validate_sources(
        db,
        companies=(lambda: companies) if companies is not None else None,
        users=(lambda: users) if users is not None else None,
    )
    return await seed_validated(db, validated, now=now)


async def seed_files(
    db: Database,
    *,
    companies: Path | None = None,
    users: Path | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
    egress: EgressPolicy | None = None,
) -> SeedReport:
    """Seed from files (.csv or .json): validate all, then write in batches. Raises `SeedError` / `InputError`;
    writes nothing on any problem. Careers URLs `egress` refuses are seeded and named in `report.warnings`."""
    validated = await validate_files(db, companies=companies, users=users, progress=progress, egress=egress)
    return await seed_validated(db, validated, now=now, progress=progress)


def rows_from(items: list[dict[str, Any]], source: str) -> list[Row]:
    """Rows from in-memory records (e.g. generated by code); record *n* is reported as `source:n`."""
    return [Row(source, index, dict(item)) for index, item in enumerate(items, start=1)]


def sample_rows() -> tuple[list[Row], list[Row]]:
    """The bundled sample: real companies with their real careers pages, and three users."""
    folder = resources.files("scoutly") / "samples"
    companies = list(parse_json((folder / "companies.json").read_text(encoding="utf-8"), "samples/companies.json"))
    users = list(parse_json((folder / "users.json").read_text(encoding="utf-8"), "samples/users.json"))
    return companies, users


async def seed_sample(db: Database, *, now: datetime | None = None) -> SeedReport:
    """Seed the bundled sample data (idempotent)."""
    companies, users = sample_rows()
    return await seed_rows(db, companies=companies, users=users, now=now)
