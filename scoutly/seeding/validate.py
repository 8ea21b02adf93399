"""The validation pass: every row checked once, as a stream, keeping only what the writing pass needs.

Kept per company: its slug and first line (duplicates). Kept per user: one `UserHead` (name, active, profile
fields, CV path — not the CV's text) and, per tracking, its rank (conflicts). Tracked companies that are neither in
the companies file nor already known are looked up in MongoDB in batches (`$in`), never one query per row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from scoutly.seeding.models import UserSeed, company_of, user_of
from scoutly.seeding.problems import Problems
from scoutly.seeding.readers import Row
from scoutly.storage.indexes import COMPANIES
from scoutly.storage.types import Database

if TYPE_CHECKING:
    from scoutly.acquire.egress import EgressPolicy

RowSource = Callable[[], Iterable[Row]]  # called once per pass: the validation pass, then the writing pass
LOOKUP_BATCH = 1000


class Progress(Protocol):
    """Told how far a pass got (a terminal shows it; everything else ignores it)."""

    def start(self, label: str, total: int | None) -> None: ...

    def advance(self, rows: int) -> None: ...


class NoProgress:
    def start(self, label: str, total: int | None) -> None:
        pass

    def advance(self, rows: int) -> None:
        pass


@dataclass
class UserHead:
    """A user as the whole file describes them (CSV rows of one user merged)."""

    line: int
    record: UserSeed  # name, active, profile fields, summary, CV path; `track` is not kept here
    csv_style: bool


@dataclass
class Validated:
    """What the validation pass found valid: enough to write the file again in batches."""

    companies: RowSource | None = None
    users: RowSource | None = None
    company_rows: int = 0
    user_rows: int = 0
    users_by_email: dict[str, UserHead] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # valid rows Scoutly will not fetch (egress policy)


class _CompanyLookup:
    """Which tracked slugs exist: those in the companies file, else MongoDB, asked `LOOKUP_BATCH` slugs at a time."""

    def __init__(self, db: Database, in_file: set[str], problems: Problems) -> None:
        self.db, self.known, self.problems = db, in_file, problems
        self.missing: set[str] = set()
        self.pending: list[tuple[str, Row, str]] = []

    async def check(self, slug: str, row: Row, field_name: str) -> None:
        if slug in self.known:
            return
        self.pending.append((slug, row, field_name))
        if len(self.pending) >= LOOKUP_BATCH:
            await self.flush()

    async def flush(self) -> None:
        asked = {slug for slug, _, _ in self.pending} - self.missing
        if asked:
            found = set(await self.db[COMPANIES].distinct("_id", {"_id": {"$in": sorted(asked)}}))
            self.known |= found
            self.missing |= asked - found
        for slug, row, field_name in self.pending:
            if slug in self.missing:
                self.problems.add(row, field_name, f"unknown company {slug!r} (seed it with `scoutly seed companies`)")
        self.pending.clear()


async def validate(
    db: Database,
    companies: RowSource | None,
    users: RowSource | None,
    problems: Problems,
    progress: Progress,
    egress: EgressPolicy | None = None,
) -> Validated:
    """One streaming pass over each source; problems go to `problems` (nothing is written here). A careers URL
    the egress policy refuses (a private address, a local-network name) is seeded, with a warning: the user may
    yet allow its network with SCOUTLY_ALLOW_NETWORKS."""
    from scoutly.acquire.egress import EgressPolicy, EgressRefused  # here: `scoutly.acquire` is slow to import

    egress = egress or EgressPolicy()
    validated = Validated(companies=companies, users=users)
    slugs: dict[str, int] = {}
    if companies is not None:
        progress.start("checking companies", None)
        for row in companies():
            validated.company_rows += 1
            progress.advance(1)
            record = company_of(row, problems)
            if record is None:
                continue
            if record.slug in slugs:
                problems.add(row, "slug", f"duplicate of line {slugs[record.slug]}")
                continue
            slugs[record.slug] = row.line
            try:
                egress.check_url(record.careers_url)
            except EgressRefused as refused:
                validated.warnings.append(f"{row.where('careers_url')}: will not be fetched: {refused}")
    if users is not None:
        lookup = _CompanyLookup(db, set(slugs), problems)
        del slugs
        ranks: dict[tuple[str, str], int] = {}
        progress.start("checking users", None)
        for row in users():
            validated.user_rows += 1
            progress.advance(1)
            user = user_of(row, problems)
            if user is None or not _merge(validated.users_by_email, row, user, problems):
                continue
            for slug, rank in user.track.items():
                key = (user.email, slug)
                if key in ranks and ranks[key] != rank:
                    problems.add(row, "rank", f"{slug} already ranked {ranks[key]} for this user")
                    continue
                if key not in ranks:
                    await lookup.check(slug, row, "company" if "company" in row.data else f"track.{slug}")
                ranks[key] = rank
        await lookup.flush()
    return validated


def _merge(heads: dict[str, UserHead], row: Row, record: UserSeed, problems: Problems) -> bool:
    """Fold one row's user into the file's users; False (with a problem) when it contradicts an earlier row."""
    csv_style = "company" in row.data or "rank" in row.data
    head = heads.get(record.email)
    if head is None:
        heads[record.email] = UserHead(row.line, record.model_copy(update={"track": {}}), csv_style)
        return True
    if not csv_style or not head.csv_style:
        problems.add(row, "email", f"duplicate of line {head.line}")
        return False
    earlier = head.record
    if earlier.name != record.name or earlier.active != record.active:
        problems.add(row, "name", f"differs from line {head.line} for the same user")
        return False
    merged_profile = dict(earlier.profile)
    for name, value in record.profile.items():
        if name in merged_profile and merged_profile[name] != value:
            problems.add(row, name, f"differs from line {head.line} for the same user")
            return False
        merged_profile[name] = value
    update: dict[str, Any] = {"profile": merged_profile}
    for name in ("summary", "cv"):
        value, before = getattr(record, name), getattr(earlier, name)
        if value is not None and before is not None and value != before:
            problems.add(row, name, f"differs from line {head.line} for the same user")
            return False
        if value is not None:
            update[name] = value
    head.record = earlier.model_copy(update=update)
    return True
