"""`scoutly scrape` as a user runs it (through the console-script entry point), against 127.0.0.1 sites."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from scoutly.cli import app as cli_app
from scoutly.storage import connect
from scoutly.storage.indexes import COMPANIES, POSTINGS
from scoutly.storage.memory import forget_memory_client
from scoutly.testing.http_server import LocalServer

SITES = Path(__file__).parent / "sites" / "static"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        running.directory("/", SITES)
        yield running


@pytest.fixture
def scoutly(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, db_uri: str, tmp_path: Path):
    monkeypatch.chdir(tmp_path)  # no stray ./.env
    monkeypatch.setenv("MONGODB_URI", db_uri)
    monkeypatch.setenv("SCOUTLY_POLITENESS_DELAY_S", "0")
    monkeypatch.setenv("SCOUTLY_CHROMIUM_PATH", "/nonexistent/chromium")
    monkeypatch.setenv("COLUMNS", "200")

    def invoke(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["scoutly", *args])
        try:
            cli_app.main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


class Db:
    """Synchronous access to the test database (the CLI runs its own event loop)."""

    def __init__(self, uri: str) -> None:
        self.uri = uri

    def _run(self, work):
        async def go():
            mongo = await connect(self.uri)
            try:
                return await work(mongo.db)
            finally:
                await mongo.close()

        return asyncio.run(go())

    def insert(self, collection: str, doc: dict) -> None:
        self._run(lambda db: db[collection].insert_one(doc))

    def find_one(self, collection: str, query: dict) -> dict | None:
        return self._run(lambda db: db[collection].find_one(query))

    def count(self, collection: str, query: dict | None = None) -> int:
        return self._run(lambda db: db[collection].count_documents(query or {}))


@pytest.fixture
def db(db_uri: str) -> Iterator[Db]:
    yield Db(db_uri)
    forget_memory_client(db_uri)


def seed(db: Db, server: LocalServer) -> None:
    db.insert(COMPANIES, {"_id": "acme", "name": "Acme", "careers_url": server.url("/acme/careers/"), "active": True})


def test_dry_run_prints_postings_and_writes_nothing(scoutly, server: LocalServer, db) -> None:
    seed(db, server)
    code, out, err = scoutly("scrape", "acme", "--dry-run")
    assert code == 0, err
    assert "Propulsion Engineer" in out and "Test Pilot (m/w/d)" in out
    assert "5 postings via static" in out and "5 new (baseline" in out and "dry run: nothing written" in out
    assert db.count(POSTINGS) == 0
    assert db.find_one(COMPANIES, {"_id": "acme"}).get("last_scraped_at") is None


def test_scrape_writes_and_then_reports_changes(scoutly, server: LocalServer, db) -> None:
    seed(db, server)
    code, out, _ = scoutly("scrape", "acme")
    assert code == 0 and "5 new (baseline: first scrape)" in out
    assert db.count(POSTINGS, {"company": "acme"}) == 5
    company = db.find_one(COMPANIES, {"_id": "acme"})
    assert company["strategy"] == "static" and company["last_success_at"] is not None

    server.route("/acme/careers/page/2/", "<ul><li><a href='/acme/jobs/plain.html'>Quality Engineer</a></li></ul>")
    code, out, _ = scoutly("scrape", "acme")
    assert code == 0
    assert "4 postings via static" in out and "1 new," in out and "3 still open" in out and "2 removed" in out
    assert "closed: Mission Planner; Test Pilot (m/w/d)" in out


def test_json_output(scoutly, server: LocalServer, db) -> None:
    seed(db, server)
    code, out, _ = scoutly("scrape", "acme", "--dry-run", "--json")
    data = json.loads(out)
    assert code == 0 and data["strategy"] == "static" and data["found"] == 5 and data["dry_run"] is True
    assert data["postings"][0]["title"] == "Propulsion Engineer" and data["postings"][0]["new"] is True
    assert data["postings"][0]["description"].startswith("As our Propulsion Engineer")


def test_adhoc_url(scoutly, server: LocalServer, db) -> None:
    code, out, _ = scoutly("scrape", "--url", server.url("/acme/careers/"))
    assert code == 0 and "Avionics Software Developer" in out and "dry run" in out
    assert db.count(POSTINGS) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("scrape", "nope"), "company 'nope': unknown company"),
        (("scrape",), "give a COMPANY slug or --url URL"),
        (("scrape", "--url", "ftp://x"), "--url: 'ftp://x' is not an http(s) URL"),
    ],
)
def test_bad_input_is_one_line(scoutly, db, args: tuple[str, ...], message: str) -> None:
    code, _, err = scoutly(*args)
    assert code == 2 and message in err and "Traceback" not in err


def test_unreadable_page_fails_with_one_line_and_counts_a_failure(scoutly, server: LocalServer, db) -> None:
    db.insert(COMPANIES, {"_id": "gone", "name": "Gone", "careers_url": server.url("/nothing-here")})
    code, _, err = scoutly("scrape", "gone")
    assert code == 2 and "no strategy could read the listing" in err and "HTTP 404" in err
    assert db.find_one(COMPANIES, {"_id": "gone"})["consecutive_failures"] == 1
