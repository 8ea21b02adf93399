"""The matches repository and `scoutly matches` (list with filters, --json, mark)."""

from __future__ import annotations

import json

import pytest
from test_profile import cli_db  # noqa: F401  (fixture)
from typer.testing import CliRunner

from scoutly.analysis.matches import list_matches, mark, save_gemini_match, save_keyword_match
from scoutly.cli.app import app
from scoutly.clock import utcnow
from scoutly.errors import InputError


def posting(n: int) -> dict:
    from bson import ObjectId

    return {"_id": ObjectId(), "company": "acme", "title": f"Job {n}", "url": f"https://acme.example/jobs/{n}"}


def analysis(score: int) -> dict:
    return {"score": score, "verdict": "good_fit", "reasons": ["fits"], "gaps": []}


async def seed(db) -> list[dict]:
    now = utcnow()
    postings = [posting(i) for i in range(4)]
    await save_keyword_match(db, "a@example.com", postings[0], ["python"], now=now)
    await save_gemini_match(db, "a@example.com", postings[1], analysis(82), create=True, now=now)
    await save_gemini_match(db, "a@example.com", postings[2], analysis(30), create=False, now=now)  # too low
    await save_gemini_match(db, "b@example.com", postings[3], analysis(65), create=True, now=now)
    return postings


async def test_keyword_then_gemini_and_never_downgraded(db):
    postings = await seed(db)
    assert await db.matches.count_documents({}) == 3
    # Gemini enriches the keyword match, even below the user's threshold (create=False)
    await save_gemini_match(db, "a@example.com", postings[0], analysis(40), create=False, now=utcnow())
    doc = await db.matches.find_one({"posting": postings[0]["_id"]})
    assert (doc["source"], doc["score"], doc["keyword_hits"]) == ("gemini", 40, ["python"])
    # a later keyword hit does not turn it back into an unscored keyword match
    await save_keyword_match(db, "a@example.com", postings[0], ["python"], now=utcnow())
    doc = await db.matches.find_one({"posting": postings[0]["_id"]})
    assert (doc["source"], doc["score"], doc["status"]) == ("gemini", 40, "new")


async def test_list_filters_and_order(db):
    await seed(db)
    assert [m["title"] for m in await list_matches(db)] == ["Job 1", "Job 3", "Job 0"]
    assert [m["title"] for m in await list_matches(db, user="A@example.com", min_score=50)] == ["Job 1"]
    first = (await list_matches(db, user="a@example.com"))[0]
    marked = await mark(db, str(first["_id"]), "applied")
    assert marked["status"] == "applied"
    assert [m["title"] for m in await list_matches(db, status="new")] == ["Job 3", "Job 0"]
    with pytest.raises(InputError, match="--status"):
        await list_matches(db, status="archived")
    with pytest.raises(InputError, match="STATUS"):
        await mark(db, str(first["_id"]), "archived")
    with pytest.raises(InputError, match="not a match id"):
        await mark(db, "xyz", "seen")
    with pytest.raises(InputError, match="no match"):
        await mark(db, "0" * 24, "seen")


def test_matches_cli(cli_db):  # noqa: F811
    cli_db(seed)
    runner = CliRunner()
    listed = runner.invoke(app, ["matches", "a@example.com", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert [(r["title"], r["score"], r["url"]) for r in rows] == [
        ("Job 1", 82, "https://acme.example/jobs/1"),
        ("Job 0", None, "https://acme.example/jobs/0"),
    ]
    marked = runner.invoke(app, ["matches", "mark", rows[0]["_id"], "dismissed"])
    assert marked.exit_code == 0 and "dismissed" in marked.output
    plain = runner.invoke(app, ["matches", "--status", "new", "--min-score", "50"])
    assert plain.exit_code == 0
    lines = plain.output.strip().splitlines()
    assert len(lines) == 1 and "b@example.com" in lines[0] and "Job 3" in lines[0]
    bad = runner.invoke(app, ["matches", "mark", rows[0]["_id"]])
    assert "usage: scoutly matches mark ID STATUS" in str(bad.exception)
    none = runner.invoke(app, ["matches", "nobody@example.com"])
    assert "no matches" in none.output


def test_matches_cli_rich_table(cli_db, monkeypatch):  # noqa: F811
    import scoutly.cli.matches as matches_cli

    cli_db(seed)
    monkeypatch.setattr(matches_cli, "interactive", lambda: True)
    monkeypatch.setattr(matches_cli.console, "width", 200)
    table = CliRunner().invoke(app, ["matches", "a@example.com"])
    assert table.exit_code == 0, table.output
    assert "2 matches" in table.output and "score" in table.output and "Job 1" in table.output
    assert "82" in table.output and "keyword" in table.output
