"""Large seed files: one streaming validation pass, then writes in bounded batches — still all-or-nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

import scoutly.seeding
from scoutly.seeding import SeedError, seed_files


class Recorder:
    """A `Progress` that remembers what it was told."""

    def __init__(self) -> None:
        self.stages: list[tuple[str, int | None]] = []
        self.rows: dict[str, int] = {}

    def start(self, label: str, total: int | None) -> None:
        self.stages.append((label, total))
        self.rows[label] = 0

    def advance(self, rows: int) -> None:
        self.rows[self.stages[-1][0]] += rows


def companies_csv(path: Path, count: int, last: str | None = None) -> Path:
    lines = ["slug,name,careers_url"] + [f"c{n},Company {n},https://c{n}.example/jobs" for n in range(count)]
    if last:
        lines.append(last)
    path.write_text("\n".join(lines) + "\n")
    return path


async def test_batches_write_everything_once(db, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(scoutly.seeding, "BATCH", 4)
    companies = companies_csv(tmp_path / "companies.csv", 10)
    users = tmp_path / "users.csv"
    rows = [f"{who}@example.com,{who.title()},c{n},{n + 1}" for n in range(10) for who in ("ada", "grace")]
    users.write_text("email,name,company,rank,min_score\n" + "\n".join(rows) + "\n")
    progress = Recorder()
    report = await seed_files(db, companies=companies, users=users, progress=progress)
    assert (report.companies.created, report.users.created, report.trackings.created) == (10, 2, 20)
    assert await db.trackings.count_documents({}) == 20 and await db.users.count_documents({}) == 2
    assert progress.stages == [
        ("checking companies", None),
        ("checking users", None),
        ("writing companies", 10),
        ("writing users", 20),
    ]
    assert progress.rows == {
        "checking companies": 10,
        "checking users": 20,
        "writing companies": 10,
        "writing users": 20,
    }
    again = await seed_files(db, companies=companies, users=users)
    assert (again.companies.unchanged, again.users.unchanged, again.trackings.unchanged) == (10, 2, 20)


async def test_a_bad_last_row_writes_nothing(db, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(scoutly.seeding, "BATCH", 4)
    path = companies_csv(tmp_path / "companies.csv", 25, last="Bad!,Bad,https://bad.example")
    with pytest.raises(SeedError) as caught:
        await seed_files(db, companies=path)
    assert [problem.split(":")[1] for problem in caught.value.problems] == ["27"]
    assert await db.companies.count_documents({}) == 0


async def test_tracked_companies_are_looked_up_in_batches(db, tmp_path: Path, monkeypatch) -> None:
    import scoutly.seeding.validate as validate

    monkeypatch.setattr(validate, "LOOKUP_BATCH", 3)
    await seed_files(db, companies=companies_csv(tmp_path / "companies.csv", 8))
    users = tmp_path / "users.csv"
    rows = [f"ada@example.com,Ada,c{n},50" for n in range(8)] + ["ada@example.com,Ada,ghost,50"]
    users.write_text("email,name,company,rank\n" + "\n".join(rows) + "\n")
    with pytest.raises(SeedError) as caught:
        await seed_files(db, users=users)
    assert caught.value.problems == [
        f"{users}:10: company: unknown company 'ghost' (seed it with `scoutly seed companies`)"
    ]
