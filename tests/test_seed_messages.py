"""Seed errors in the user's words: field rules as sentences, file-level problems reported once, sorted lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoutly.errors import InputError
from scoutly.seeding import SeedError, seed_files

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
HEADER = "slug,name,careers_url\n"
SLUG_RULE = "slug: must be lowercase letters, digits and dashes (at most 64, not starting or ending with a dash)"


async def problems_of(db, **files: Path) -> list[str]:
    with pytest.raises(SeedError) as caught:
        await seed_files(db, **files)
    return caught.value.problems


async def file_error(db, **files: Path) -> str:
    with pytest.raises(InputError) as caught:
        await seed_files(db, **files)
    assert not isinstance(caught.value, SeedError), caught.value
    return str(caught.value)


async def test_field_rules_read_as_sentences(db, tmp_path: Path) -> None:
    path = tmp_path / "companies.csv"
    path.write_text(
        HEADER + "Acme_Corp,Acme,https://acme.example/jobs\nok,,https://ok.example\nvendor,Vendor,https://v.example\n"
    )
    path.write_text(path.read_text() + "-dash,Dash,https://d.example\n")
    problems = await problems_of(db, companies=path)
    assert problems == [
        f"{path}:2: {SLUG_RULE}",
        f"{path}:3: name: is required",
        f"{path}:5: {SLUG_RULE}",
    ]
    for problem in problems:
        assert "String should" not in problem and "pattern" not in problem


async def test_vendor_and_boolean_words(db, tmp_path: Path) -> None:
    path = tmp_path / "companies.json"
    path.write_text(
        '[{"slug": "a", "name": "A", "careers_url": "https://a.example", "ats": "taleo"},\n'
        ' {"slug": "b", "name": "B", "careers_url": "https://b.example", "active": "maybe"},\n'
        ' {"slug": "c", "name": "C", "careers_url": "https://c.example", "atss": "lever"}]\n'
    )
    assert await problems_of(db, companies=path) == [
        f"{path}:1: ats: must be one of greenhouse, lever, ashby, workday, smartrecruiters, workable, bamboohr, "
        "personio, recruitee, pinpoint, comeet, teamtailor, breezy or rippling (or left empty)",
        f"{path}:2: active: must be true or false (or yes/no)",
        f"{path}:3: atss: unknown field (did you mean 'ats'?)",
    ]


async def test_unclosed_quote_is_reported_at_its_line(db, tmp_path: Path) -> None:
    path = tmp_path / "companies.csv"
    path.write_text(HEADER + 'a,A,https://a.example\nb,"B Corp,https://b.example\nc,C,https://c.example\n')
    message = await file_error(db, companies=path)
    assert message == f'{path}:3: a quoted cell opened on this line is never closed (add the missing ")'
    assert await db.companies.count_documents({}) == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Slug,Name,Careers_URL\na,A,https://a.example\nb,B,https://b.example\n", "'Slug' must be written 'slug'"),
        ("slug;name;careers_url\na;A;https://a.example\nb;B;https://b.example\n", "separated by semicolons"),
        ("slug,name,careers,url\na,A,https://a.example,x\n", "unknown column 'careers' (did you mean 'careers_url'?"),
        ("slug,name\na,A\nb,B\n", "missing column 'careers_url'"),
    ],
)
async def test_a_wrong_header_is_one_problem_not_one_per_row(db, tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "companies.csv"
    path.write_text(text)
    message = await file_error(db, companies=path)
    assert message.startswith(f"{path}:1: ") and expected in message
    assert len(message.splitlines()) == 1


async def test_the_other_kind_of_file_is_recognised(db) -> None:
    for given, command in ((EXAMPLES / "users.csv", "users"), (EXAMPLES / "users.json", "users")):
        message = await file_error(db, companies=given)
        assert f"this looks like a users file (it has the 'email' column); use `scoutly seed {command}`" in message
    message = await file_error(db, users=EXAMPLES / "companies.csv")
    assert "this looks like a companies file" in message and "`scoutly seed companies`" in message


async def test_problems_are_sorted_by_line(db, tmp_path: Path) -> None:
    companies = tmp_path / "companies.json"
    companies.write_text('[{"slug": "stripe", "name": "Stripe", "careers_url": "https://stripe.com/jobs"}]')
    await seed_files(db, companies=companies)
    users = tmp_path / "users.csv"
    users.write_text(
        "email,name,company,rank\nghost@example.com,Ghost,nosuchco,50\nbad,Bad,stripe,50\n"
        "x@example.com,X,alsomissing,5\ny@example.com,Y,stripe,500\n"
    )
    problems = await problems_of(db, users=users)
    assert [int(problem.split(":")[1]) for problem in problems] == [2, 3, 4, 5]


async def test_a_directory_and_a_non_utf8_file_have_their_own_messages(db, tmp_path: Path) -> None:
    folder = tmp_path / "seeds.csv"
    folder.mkdir()
    assert await file_error(db, companies=folder) == f"{folder}: is a directory; give a seed file (.csv or .json)"
    latin = tmp_path / "companies.csv"
    latin.write_bytes((HEADER + "a,A,https://a.example\nb,Caf\xe9,https://b.example\n").encode("latin-1"))
    message = await file_error(db, companies=latin)
    assert message.startswith(f"{latin}:3: not UTF-8 text (byte 0xe9)") and "UTF-8" in message.split(";")[1]


async def test_json_with_a_bom_and_a_csv_with_a_bom_are_read(db, tmp_path: Path) -> None:
    path = tmp_path / "companies.csv"
    path.write_bytes(("\ufeff" + HEADER + "a,A,https://a.example\n").encode("utf-8"))
    report = await seed_files(db, companies=path)
    assert report.companies.created == 1


def test_a_wrong_file_is_reported_before_mongodb_is_asked(monkeypatch, capsys, tmp_path: Path) -> None:
    from tests.helpers.cli import run_cli

    monkeypatch.setenv("MONGODB_URI", "mongodb://127.0.0.1:9/nothing-listens-here")
    monkeypatch.setenv("SCOUTLY_MONGODB_TIMEOUT_MS", "100")
    path = tmp_path / "companies.csv"
    path.write_text("slug;name;careers_url\na;A;https://a.example\n")
    code, _, err = run_cli(monkeypatch, capsys, "seed", "companies", str(path))
    assert code == 2 and f"{path}:1: the columns are separated by semicolons" in err
    assert "127.0.0.1:9" not in err
