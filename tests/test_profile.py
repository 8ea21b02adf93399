"""Profiles: versioned updates, CV files (.txt/.md/.pdf), and the `scoutly profile` commands."""

from __future__ import annotations

import asyncio
import json

import pytest
from typer.testing import CliRunner

from scoutly.analysis.profile import Profile, read_cv, update_profile
from scoutly.cli.app import app
from scoutly.errors import InputError
from scoutly.storage import connect


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF whose page shows `text` (built by hand: pypdf reads, it does not typeset)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_read_cv_formats(tmp_path):
    (tmp_path / "cv.md").write_text("# Jane\n\nPython, Kubernetes\n", encoding="utf-8")
    assert read_cv(tmp_path / "cv.md") == "# Jane\n\nPython, Kubernetes"
    (tmp_path / "cv.pdf").write_bytes(minimal_pdf("Jane Doe Python engineer"))
    assert "Jane Doe Python engineer" in read_cv(tmp_path / "cv.pdf")
    for name, content, message in [
        ("cv.docx", b"x", "unsupported CV format .docx"),
        ("empty.txt", b"  \n", "no text found"),
        ("bad.pdf", b"%PDF-1.4 garbage", "unreadable PDF"),
        ("latin.txt", "Jürgen".encode("latin-1"), "not UTF-8"),
    ]:
        (tmp_path / name).write_bytes(content)
        with pytest.raises(InputError, match=message) as caught:
            read_cv(tmp_path / name)
        assert name in str(caught.value)
    with pytest.raises(InputError, match="not found"):
        read_cv(tmp_path / "missing.txt")


async def test_version_bumps_only_on_change(db):
    await db.users.insert_one({"_id": "jane@example.com", "active": True})
    profile, version, changed = await update_profile(db, "Jane@Example.com", {"skills": ["Python", "python", " Go "]})
    assert (version, changed) == (1, True) and profile.skills == ["Python", "Go"]
    assert (await update_profile(db, "jane@example.com", {"skills": ["Python", "Go"]}))[1:] == (1, False)
    assert (await update_profile(db, "jane@example.com", {"min_score": 75}))[1:] == (2, True)
    stored = await db.users.find_one({"_id": "jane@example.com"})
    assert stored["profile"]["min_score"] == 75 and stored["profile"]["skills"] == ["Python", "Go"]
    with pytest.raises(InputError, match=r"profile\.min_score"):
        await update_profile(db, "jane@example.com", {"min_score": 150})
    with pytest.raises(InputError, match="unknown user"):
        await update_profile(db, "nobody@example.com", {"min_score": 50})
    assert Profile().min_score == 60


@pytest.fixture
def cli_db(db_uri, monkeypatch):
    """A database the CLI (its own event loop, its own connection) and the test both use."""
    monkeypatch.setenv("MONGODB_URI", db_uri)
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)

    def call(coro_fn):
        async def go():
            mongo = await connect(db_uri)
            try:
                return await coro_fn(mongo.db)
            finally:
                await mongo.close()

        return asyncio.run(go())

    yield call

    async def drop(db):
        await db.client.drop_database(db.name)

    if not db_uri.startswith("mongomock://"):
        call(drop)


def test_profile_cli_set_and_show(cli_db, tmp_path):
    cli_db(lambda db: db.users.insert_one({"_id": "jane@example.com", "active": True}))
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(minimal_pdf("Jane Doe Python engineer"))
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "profile",
            "set",
            "jane@example.com",
            "--cv",
            str(cv),
            "--skills",
            "Python,Kubernetes",
            "--skills",
            "Go",
            "--work-model",
            "remote",
            "--work-model",
            "on-site",
            "--min-score",
            "70",
            "--no-visa",
            "--years",
            "6",
            "--include",
            "python",
            "--exclude",
            "intern",
            "--languages",
            "English, German",
            "--locations",
            "Berlin",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "updated (version 1)" in result.output
    shown = runner.invoke(app, ["profile", "show", "jane@example.com", "--json"])
    data = json.loads(shown.output)
    assert data["profile_version"] == 1
    profile = data["profile"]
    assert profile["skills"] == ["Python", "Kubernetes", "Go"] and profile["work_models"] == ["remote", "onsite"]
    assert profile["languages"] == ["English", "German"] and "Jane Doe" in profile["cv_text"]
    assert (profile["min_score"], profile["needs_visa"], profile["years_experience"]) == (70, False, 6)
    table = runner.invoke(app, ["profile", "show", "jane@example.com"])
    assert table.exit_code == 0 and "profile version 1" in table.output

    again = runner.invoke(app, ["profile", "set", "jane@example.com", "--min-score", "70"])
    assert "unchanged (version 1)" in again.output


def test_profile_cli_errors_are_one_line(cli_db, tmp_path):
    runner = CliRunner()
    unknown = runner.invoke(app, ["profile", "set", "ghost@example.com", "--min-score", "70"])
    assert isinstance(unknown.exception, InputError) and "ghost@example.com: unknown user" in str(unknown.exception)
    cli_db(lambda db: db.users.insert_one({"_id": "jane@example.com"}))
    bad = runner.invoke(app, ["profile", "set", "jane@example.com", "--work-model", "moon"])
    assert "--work-model" in str(bad.exception)
    (tmp_path / "cv.docx").write_bytes(b"x")
    doc = runner.invoke(app, ["profile", "set", "jane@example.com", "--cv", str(tmp_path / "cv.docx")])
    assert "cv.docx" in str(doc.exception)
    assert cli_db(lambda db: db.users.find_one({"_id": "jane@example.com"})).get("profile") is None
