"""The foundation commands as a user runs them: seed, track/untrack, enqueue, status (through `main()`)."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path
from typing import Any

import pytest

from scoutly.storage import connect
from tests.conftest import REAL_URI
from tests.helpers.cli import run_cli

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


class Scoutly:
    """Runs `scoutly ARGS` in-process through the console-script entry point; returns (exit code, out, err)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, uri: str) -> None:
        self.monkeypatch, self.capsys = monkeypatch, capsys
        monkeypatch.setenv("MONGODB_URI", uri)
        monkeypatch.setenv("SCOUTLY_MONGODB_TIMEOUT_MS", "2000")
        self.uri = uri

    def __call__(self, *args: str) -> tuple[int, str, str]:
        return run_cli(self.monkeypatch, self.capsys, *args)

    def query(self, collection: str, filter: dict | None = None) -> list[dict[str, Any]]:
        async def go() -> list[dict[str, Any]]:
            mongo = await connect(self.uri)
            try:
                return await mongo.db[collection].find(filter or {}).to_list(None)
            finally:
                await mongo.close()

        return asyncio.run(go())


@pytest.fixture
def scoutly(monkeypatch, capsys, db_uri: str):
    runner = Scoutly(monkeypatch, capsys, db_uri)
    yield runner

    async def drop() -> None:
        from tests.conftest import drop_database

        mongo = await connect(db_uri)
        await drop_database(db_uri, mongo)
        await mongo.close()

    asyncio.run(drop())


def test_seed_examples_then_reseed_changes_nothing(scoutly) -> None:
    code, out, _ = scoutly("seed", "companies", str(EXAMPLES / "companies.csv"))
    assert code == 0 and out.strip() == "seeded: companies: 6 new, 0 updated, 0 unchanged"
    code, out, _ = scoutly("seed", "users", str(EXAMPLES / "users.json"))
    assert code == 0 and "users: 3 new" in out and "trackings: 6 new" in out
    code, out, _ = scoutly("seed", "users", str(EXAMPLES / "users.json"))
    assert out.strip() == (
        "seeded: users: 0 new, 0 updated, 3 unchanged; profiles: 0 new, 0 updated, 2 unchanged; "
        "trackings: 0 new, 0 updated, 6 unchanged"
    )


def test_bad_seed_file_reports_every_problem_and_writes_nothing(scoutly, tmp_path: Path) -> None:
    bad = tmp_path / "companies.csv"
    bad.write_text("slug,name,careers_url\nok,OK,https://ok.example\nbad,,notaurl\n")
    code, _, err = scoutly("seed", "companies", str(bad))
    assert code == 2
    lines = err.strip().splitlines()
    assert lines[0] == "scoutly: 2 problems in seed data; nothing was written"
    assert lines[1].startswith(f"{bad}:3: name: ") and lines[2] == f"{bad}:3: careers_url: must be an http(s) URL"
    assert "Traceback" not in err
    assert scoutly.query("companies") == []


def test_seed_sample_and_seed_without_arguments(scoutly) -> None:
    code, out, _ = scoutly("seed", "--sample")
    assert code == 0 and "companies: 33 new" in out and "users: 3 new" in out
    assert len(scoutly.query("companies")) == 33
    code, out, _ = scoutly("seed")  # a bare group shows its help and succeeds
    assert code == 0 and "companies" in out and "--sample" in out


def test_track_and_untrack(scoutly) -> None:
    scoutly("seed", "companies", str(EXAMPLES / "companies.json"))
    scoutly("seed", "users", str(EXAMPLES / "users.csv"))
    code, out, _ = scoutly("track", "alan@example.com", "openai", "--rank", "85")
    assert code == 0 and out.strip() == "alan@example.com → openai: rank 85 (daily) created"
    code, out, _ = scoutly("track", "Alan@Example.com", "openai", "--rank", "85")
    assert out.strip().endswith("unchanged")
    code, out, _ = scoutly("track", "alan@example.com", "openai", "--rank", "12")
    assert out.strip() == "alan@example.com → openai: rank 12 (every 4 days) updated"
    assert [t["rank"] for t in scoutly.query("trackings", {"user": "alan@example.com"})] == [12]

    for rank in ("0", "101"):
        code, _, err = scoutly("track", "alan@example.com", "openai", "--rank", rank)
        assert code == 2 and err.strip() == f"scoutly: --rank: rank must be from 1 to 100, got {rank}"
    code, _, err = scoutly("track", "nobody@example.com", "openai", "--rank", "50")
    assert code == 2 and err.strip().startswith("scoutly: user 'nobody@example.com': unknown user")
    code, _, err = scoutly("track", "alan@example.com", "nosuchco", "--rank", "50")
    assert code == 2 and err.strip().startswith("scoutly: company 'nosuchco': unknown company")

    code, out, _ = scoutly("untrack", "alan@example.com", "openai")
    assert code == 0 and out.strip() == "alan@example.com → openai: no longer tracked"
    code, out, _ = scoutly("untrack", "alan@example.com", "openai")
    assert out.strip() == "alan@example.com → openai: was not tracked"
    assert scoutly.query("trackings", {"user": "alan@example.com"}) == []


def test_enqueue_one_line_for_cron_and_idempotent(scoutly) -> None:
    scoutly("seed", "companies", str(EXAMPLES / "companies.csv"))
    scoutly("seed", "users", str(EXAMPLES / "users.csv"))
    code, out, err = scoutly("enqueue")
    # 5 active tracked companies (acme is inactive and untracked)
    assert code == 0 and err == ""
    assert out == "enqueue: 5 new, 0 already queued, 0 not due, 0 re-prioritised, 0 expired leases reclaimed\n"
    code, out, _ = scoutly("enqueue")
    assert out.startswith("enqueue: 0 new, 5 already queued, 0 not due")
    assert sorted(job["company"] for job in scoutly.query("queue")) == [
        "nvidia",
        "openai",
        "spotify",
        "stripe",
        "wikimedia",
    ]


def test_enqueue_in_a_terminal_prints_a_table(scoutly, monkeypatch) -> None:
    scoutly("seed", "--sample")
    monkeypatch.setattr("scoutly.cli.enqueue.interactive", lambda: True)
    code, out, _ = scoutly("enqueue")
    assert code == 0 and "new jobs queued" in out and "33" in out and "queued: 1password" in out


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.skipif(bool(REAL_URI), reason="uses its own unreachable URI")
def test_enqueue_with_mongodb_unreachable_fails_with_one_line(monkeypatch, capsys) -> None:
    uri = f"mongodb://scout:s3cretpw@127.0.0.1:{_closed_port()}/scoutly_test_unreachable"
    runner = Scoutly(monkeypatch, capsys, uri)
    monkeypatch.setenv("SCOUTLY_MONGODB_TIMEOUT_MS", "100")
    code, out, err = runner("enqueue")
    assert code != 0 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("scoutly: MongoDB at 127.0.0.1:")  # the host, no password
    assert "unreachable" in lines[0] and "s3cretpw" not in err


def test_status_text_and_json(scoutly) -> None:
    scoutly("seed", "--sample")
    code, out, _ = scoutly("status")
    assert code == 0
    for heading in ("Queue", "Next to fall due", "Tracked companies per rank band", "every 5 days"):
        assert heading in out
    scoutly("enqueue")
    code, out, _ = scoutly("status", "--json")
    report = json.loads(out)
    assert report["queue"]["pending"] == 33 and report["tracked_companies"] == 33
    assert report["next_due"] == []  # everything is queued
    assert sum(band["companies"] for band in report["bands"]) == 33
    assert [band["ranks"] for band in report["bands"]] == ["81–100", "61–80", "31–60", "11–30", "1–10"]
