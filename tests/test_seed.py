"""Seeding: CSV/JSON parsing with line numbers, all-or-nothing validation, idempotent upserts, sample data."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from scoutly import scheduling
from scoutly.clock import utcnow
from scoutly.errors import InputError
from scoutly.seeding import SeedError, sample_rows, seed_files, seed_sample
from scoutly.seeding.readers import parse_csv, parse_json

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


async def snapshot(db) -> dict:
    return {
        name: await db[name]
        .find({}, {"_id": 0} if name == "trackings" else None)
        .sort([("_id", 1)] if name != "trackings" else [("user", 1), ("company", 1)])
        .to_list(None)
        for name in ("companies", "users", "trackings")
    }


@pytest.mark.parametrize("fmt", ["csv", "json"])
async def test_examples_seed_and_reseeding_changes_nothing(db, fmt: str) -> None:
    companies, users = EXAMPLES / f"companies.{fmt}", EXAMPLES / f"users.{fmt}"
    first = await seed_files(db, companies=companies, now=utcnow() - timedelta(hours=1))
    assert (first.companies.created, first.companies.unchanged) == (6, 0)
    report = await seed_files(db, users=users, now=utcnow() - timedelta(hours=1))
    assert (report.users.created, report.trackings.created) == (3, 6)

    acme = await db.companies.find_one({"_id": "acme"})
    assert acme["active"] is False
    assert acme["selectors"] == {"job_link": "a.job-title", "next_page": "a[rel=next]", "load_more": None}
    stripe = await db.companies.find_one({"_id": "stripe"})
    assert (stripe["ats"], stripe["ats_token"], stripe["selectors"]) == ("greenhouse", "stripe", None)
    ranks = {(t["user"], t["company"]): t["rank"] async for t in db.trackings.find({})}
    assert ranks[("ada@example.com", "stripe")] == 95 and ranks[("grace@example.com", "stripe")] == 25

    before = await snapshot(db)
    again = await seed_files(db, companies=companies, users=users)
    assert (again.companies.unchanged, again.users.unchanged, again.trackings.unchanged) == (6, 3, 6)
    assert again.companies.created == again.companies.updated == again.trackings.updated == 0
    assert await snapshot(db) == before  # not even updated_at moved


async def test_csv_and_json_examples_describe_the_same_data(db) -> None:
    from scoutly.seeding.models import company_of, user_of
    from scoutly.seeding.problems import Problems
    from scoutly.seeding.readers import read_rows

    problems = Problems()

    def companies(name: str) -> list[dict]:
        return [company_of(row, problems).document() for row in read_rows(EXAMPLES / name)]

    def users(name: str) -> dict[str, tuple]:
        found: dict[str, tuple] = {}
        for row in read_rows(EXAMPLES / name):
            user = user_of(row, problems)
            track, profile, summary, cv = found.get(user.email, ({}, {}, None, None))
            found[user.email] = (
                {**track, **user.track},
                {**profile, **user.profile},
                user.summary or summary,
                user.cv or cv,
            )
        return found

    assert companies("companies.csv") == companies("companies.json")
    assert users("users.csv") == users("users.json")
    assert not problems


async def test_a_changed_field_updates_only_that_company(db, tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(
        '[{"slug": "a", "name": "A", "careers_url": "https://a.example/jobs"},'
        ' {"slug": "b", "name": "B", "careers_url": "https://b.example/jobs"}]'
    )
    old = utcnow() - timedelta(days=1)
    await seed_files(db, companies=path, now=old)
    await db.companies.update_one({"_id": "a"}, {"$set": {"last_success_at": old, "consecutive_failures": 2}})
    path.write_text(
        '[{"slug": "a", "name": "A Corp", "careers_url": "https://a.example/jobs"},'
        ' {"slug": "b", "name": "B", "careers_url": "https://b.example/jobs"}]'
    )
    report = await seed_files(db, companies=path)
    assert (report.companies.updated, report.companies.unchanged) == (1, 1)
    a, b = await db.companies.find({}).sort("_id", 1).to_list(None)
    assert a["name"] == "A Corp" and a["updated_at"] > a["created_at"]
    assert a["consecutive_failures"] == 2 and a["last_success_at"] is not None  # scrape bookkeeping kept
    assert b["updated_at"] == b["created_at"]


async def test_every_bad_company_row_is_reported_and_nothing_is_written(db, tmp_path: Path) -> None:
    path = tmp_path / "companies.csv"
    path.write_text(
        "slug,name,careers_url,ats,ats_token\n"
        "good,Good,https://good.example/jobs,,\n"
        "Bad Slug!,Bad,https://bad.example,,\n"
        "noscheme,No Scheme,ftp://files.example/jobs,,\n"
        "vendor,Vendor,https://v.example,taleo,x\n"
        "good,Again,https://good.example/other,,\n"
        ",,,,\n"
        "noname,,https://n.example,,\n"
    )
    with pytest.raises(SeedError) as caught:
        await seed_files(db, companies=path)
    problems = caught.value.problems
    assert f"{path}:3: slug: must be lowercase letters, digits and dashes" in problems[0]
    assert f"{path}:4: careers_url: must be an http(s) URL" in problems
    assert any(p.startswith(f"{path}:5: ats: ") for p in problems)
    assert f"{path}:6: slug: duplicate of line 2" in problems
    assert any(p.startswith(f"{path}:8: name: ") for p in problems)
    assert len(problems) == 5
    assert "nothing was written" in str(caught.value).splitlines()[0]
    assert await db.companies.count_documents({}) == 0


async def test_bad_users_rows_are_all_reported(db, tmp_path: Path) -> None:
    companies = tmp_path / "companies.json"
    companies.write_text('[{"slug": "stripe", "name": "Stripe", "careers_url": "https://stripe.com/jobs"}]')
    await seed_files(db, companies=companies)
    users = tmp_path / "users.csv"
    users.write_text(
        "email,name,company,rank\n"
        "ok@example.com,OK,stripe,50\n"
        "zero@example.com,Zero,stripe,0\n"
        "big@example.com,Big,stripe,101\n"
        "word@example.com,Word,stripe,high\n"
        "ghost@example.com,Ghost,nosuchco,50\n"
        "not-an-email,Nobody,stripe,50\n"
        "half@example.com,Half,stripe,\n"
        "ok@example.com,Other Name,stripe,50\n"
    )
    with pytest.raises(SeedError) as caught:
        await seed_files(db, users=users)
    problems = caught.value.problems
    assert f"{users}:3: rank: must be a whole number from 1 to 100, got '0'" in problems
    assert f"{users}:4: rank: must be a whole number from 1 to 100, got '101'" in problems
    assert f"{users}:5: rank: must be a whole number from 1 to 100, got 'high'" in problems
    assert any(p.startswith(f"{users}:6: company: unknown company 'nosuchco'") for p in problems)
    assert f"{users}:7: email: is not an email address" in problems
    assert f"{users}:8: rank: is required when company is given" in problems
    assert f"{users}:9: name: differs from line 2 for the same user" in problems
    assert len(problems) == 7
    assert await db.users.count_documents({}) == 0 and await db.trackings.count_documents({}) == 0


async def test_json_users_with_bad_ranks_and_unknown_fields(db, tmp_path: Path) -> None:
    users = tmp_path / "users.json"
    users.write_text(
        '[\n  {"email": "a@example.com", "name": "A", "track": {"stripe": 150}},\n'
        '  {"email": "b@example.com", "name": "B", "favourite": "x"},\n'
        '  {"email": "c@example.com", "name": "C", "track": {"nosuchco": 20}}\n]\n'
    )
    with pytest.raises(SeedError) as caught:
        await seed_files(db, users=users)
    assert caught.value.problems == [
        f"{users}:2: track: stripe: rank must be from 1 to 100, got 150",
        f"{users}:3: favourite: unknown field",
        f"{users}:4: track.nosuchco: unknown company 'nosuchco' (seed it with `scoutly seed companies`)",
    ]


def test_json_syntax_errors_name_the_line() -> None:
    with pytest.raises(InputError, match=r"^f\.json:3: invalid JSON"):
        list(parse_json('[\n {"slug": "a"},\n {"slug": }\n]', "f.json"))
    with pytest.raises(InputError, match=r"^f\.json:1: expected a JSON array"):
        list(parse_json('{"slug": "a"}', "f.json"))
    assert [row.line for row in parse_json('[\n\n {"a": 1},\n {"a": 2}]', "f.json")] == [3, 4]


def test_csv_line_numbers_skip_comments_and_blank_lines() -> None:
    rows = list(parse_csv("# comment\nslug,name\n\na,A\n# another\nb,\n", "f.csv"))
    assert [(row.line, row.data) for row in rows] == [(4, {"slug": "a", "name": "A"}), (6, {"slug": "b", "name": None})]


async def test_unknown_format_and_missing_file(db, tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text("x")
    with pytest.raises(InputError, match="unknown format"):
        await seed_files(db, companies=tmp_path / "c.yaml")
    with pytest.raises(InputError, match="file not found"):
        await seed_files(db, companies=tmp_path / "missing.csv")


async def test_sample_is_realistic_and_idempotent(db) -> None:
    companies, users = sample_rows()
    assert len(companies) >= 25
    vendors = {row.data.get("ats") for row in companies}
    assert {"greenhouse", "lever", "ashby", "workday", None} <= vendors
    for row in companies:
        assert row.data["careers_url"].startswith("https://")
        if row.data.get("ats") == "workday":
            assert "/wday/cxs/" in row.data["ats_token"]
    assert len(users) == 3
    for row in users:  # every user's ranks cover all five bands
        assert {scheduling.band_for(rank).name for rank in row.data["track"].values()} == {
            band.name for band in scheduling.BANDS
        }
    report = await seed_sample(db)
    assert report.companies.created == len(companies) and report.users.created == 3
    again = await seed_sample(db)
    assert again.companies.created == again.companies.updated == 0
    assert again.trackings.created == again.trackings.updated == 0
