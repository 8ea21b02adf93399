"""Users' seed files carry the profile and keyword trackers: a seeded user gets matches without `profile set`."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoutly.analysis.keywords import judge
from scoutly.analysis.profile import profile_of, update_profile
from scoutly.seeding import SeedError, seed_files

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
USERS_HEADER = "email,name,company,rank,summary,cv,skills,work_models,min_score,include_keywords,exclude_keywords\n"


@pytest.fixture
async def companies(db) -> None:
    await seed_files(db, companies=EXAMPLES / "companies.csv")


@pytest.mark.parametrize("fmt", ["csv", "json"])
async def test_examples_seed_profiles_and_keywords(db, companies, fmt: str) -> None:
    report = await seed_files(db, users=EXAMPLES / f"users.{fmt}")
    assert (report.profiles.created, report.profiles.updated) == (2, 0)
    ada = await db.users.find_one({"_id": "ada@example.com"})
    profile = profile_of(ada)
    assert ada["profile_version"] == 1
    assert profile.cv_text.startswith("# Ada Lovelace — backend engineer")  # cv/ada.md, relative to the file
    assert profile.skills == ["python", "distributed systems", "postgres"]
    assert profile.work_models == ["remote", "hybrid"] and profile.min_score == 70
    assert profile.include_keywords == ["backend", "platform", "infrastructure"]
    assert profile.exclude_keywords == ["intern", "sales"]
    grace = profile_of(await db.users.find_one({"_id": "grace@example.com"}))
    assert grace.cv_text == "Compiler engineer moving into ML infrastructure."
    alan = await db.users.find_one({"_id": "alan@example.com"})
    assert alan.get("profile") is None and alan["profile_version"] == 0

    posting = {"title": "Senior Backend Engineer", "location": "Berlin", "description": "Payments platform."}
    assert judge(profile, posting).is_match  # the keyword tracker works straight from the seed file
    assert not judge(profile, {**posting, "title": "Backend Intern"}).is_match

    again = await seed_files(db, users=EXAMPLES / f"users.{fmt}")
    assert (again.profiles.unchanged, again.profiles.updated) == (2, 0)
    assert (await db.users.find_one({"_id": "ada@example.com"}))["profile_version"] == 1


async def test_a_changed_field_bumps_the_version_and_keeps_the_rest(db, companies, tmp_path: Path) -> None:
    path = tmp_path / "users.csv"
    path.write_text(USERS_HEADER + "ada@example.com,Ada,stripe,90,Backend engineer.,,python,remote,70,backend,\n")
    await seed_files(db, users=path)
    await update_profile(db, "ada@example.com", {"seniority": "senior"})  # set outside the file: kept
    path.write_text(USERS_HEADER + "ada@example.com,Ada,stripe,90,Backend engineer.,,python,remote,80,backend,\n")
    report = await seed_files(db, users=path)
    assert (report.profiles.updated, report.users.updated) == (1, 1)
    ada = await db.users.find_one({"_id": "ada@example.com"})
    assert ada["profile_version"] == 3
    profile = profile_of(ada)
    assert (profile.min_score, profile.seniority, profile.skills) == (80, "senior", ["python"])


async def test_profile_rows_of_one_user_merge_and_must_agree(db, companies, tmp_path: Path) -> None:
    path = tmp_path / "users.csv"
    path.write_text(
        USERS_HEADER + "ada@example.com,Ada,stripe,90,,,python;go,,,,\nada@example.com,Ada,nvidia,40,,,,on-site,65,,\n"
    )
    await seed_files(db, users=path)
    profile = profile_of(await db.users.find_one({"_id": "ada@example.com"}))
    assert (profile.skills, profile.work_models, profile.min_score) == (["python", "go"], ["onsite"], 65)
    path.write_text(USERS_HEADER + "ada@example.com,Ada,stripe,90,,,,,70,,\nada@example.com,Ada,nvidia,40,,,,,75,,\n")
    with pytest.raises(SeedError) as caught:
        await seed_files(db, users=path)
    assert caught.value.problems == [f"{path}:3: min_score: differs from line 2 for the same user"]


async def test_bad_profile_values_in_plain_words(db, companies, tmp_path: Path) -> None:
    path = tmp_path / "users.csv"
    path.write_text(
        USERS_HEADER + "a@example.com,A,stripe,90,,,,,150,,\n"
        "b@example.com,B,stripe,90,,,,sometimes,,,\n"
        "c@example.com,C,stripe,90,,missing.md,,,,,\n"
        "d@example.com,D,stripe,90,,,,,high,,\n"
    )
    with pytest.raises(SeedError) as caught:
        await seed_files(db, users=path)
    assert caught.value.problems == [
        f"{path}:2: min_score: must be at most 100",
        f"{path}:3: work_models.0: must be one of remote, hybrid or onsite (or left empty)",
        f"{path}:4: cv: {tmp_path / 'missing.md'}: CV file not found",
        f"{path}:5: min_score: must be a whole number",
    ]
    assert await db.users.count_documents({}) == 0
