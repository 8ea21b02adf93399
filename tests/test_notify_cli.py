"""`scoutly notify` and `scoutly process` argument handling, through the console entry point."""

from __future__ import annotations

from typing import Any

import pytest
from bson import ObjectId

from scoutly.clock import utcnow
from scoutly.storage.indexes import MATCHES, POSTINGS, USERS
from scoutly.storage.memory import forget_memory_client
from scoutly.testing.http_server import LocalServer, Response
from tests.helpers.cli import on_db, run_cli


@pytest.fixture
def scoutly(monkeypatch, capsys, db_uri, tmp_path):
    monkeypatch.setenv("MONGODB_URI", db_uri)
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    monkeypatch.chdir(tmp_path)

    def call(*args: str) -> tuple[int, str, str]:
        return run_cli(monkeypatch, capsys, *args)

    yield call
    forget_memory_client(db_uri)


async def _seed(db: Any) -> None:
    now = utcnow()
    await db[USERS].insert_one(
        {
            "_id": "ana@example.org",
            "name": "Ana",
            "active": True,
            "profile": {"min_score": 60},
            "notify": {"apprise_urls": [], "mode": "digest"},
        }
    )
    posting = ObjectId()
    await db[POSTINGS].insert_one(
        {"_id": posting, "company": "acme", "key": "1", "title": "Data Engineer", "url": "https://acme.example/jobs/1"}
    )
    await db[MATCHES].insert_one(
        {
            "user": "ana@example.org",
            "posting": posting,
            "company": "acme",
            "score": 88,
            "analysis": {"reasons": ["Kafka"]},
            "status": "new",
            "notified_at": None,
            "created_at": now,
        }
    )


def test_notify_commands(scoutly, db_uri):
    on_db(db_uri, _seed)
    with LocalServer() as receiver:
        receiver.route("/hook", {"ok": True})
        url = f"json://bot:Secret-Token-987654@127.0.0.1:{receiver.port}/hook"
        code, out, err = scoutly("notify", "add", "ana@example.org", url)
        assert (code, out.strip()) == (0, "added"), err
        code, out, _ = scoutly("notify", "list")
        assert code == 0 and "ana@example.org" in out and "digest" in out and "Secret-Token" not in out
        code, out, _ = scoutly("notify", "send")  # run mode only: Ana waits for her digest
        assert code == 0 and out.startswith("0 messages sent")
        code, out, _ = scoutly("notify", "--digest")
        assert code == 0 and out.startswith("1 messages sent, 1 matches announced")
        assert "Data Engineer" in receiver.hits("/hook")[0].json()["message"]
        code, out, _ = scoutly("notify", "test", "ana@example.org")
        assert code == 0 and "✓ json://" in out and len(receiver.hits("/hook")) == 2
        receiver.route("/hook", Response(500, "down"))
        code, out, _ = scoutly("notify", "test", "ana@example.org")
        assert code == 1 and "✗" in out
        code, out, _ = scoutly("notify", "mode", "ana@example.org", "run")
        assert code == 0
        code, _, err = scoutly("notify", "mode", "ana@example.org", "hourly")
        assert code == 2 and "notify mode 'hourly'" in err
        code, out, _ = scoutly("notify", "remove", "ana@example.org", url)
        assert (code, out.strip()) == (0, "removed")
        code, _, err = scoutly("notify", "add", "ana@example.org", "not a url")
        assert code == 2 and err.startswith("scoutly: notify URL")


def test_process_rejects_a_bad_duration_in_one_line(scoutly):
    code, _, err = scoutly("process", "--drain", "--max-runtime", "soon")
    assert code == 2
    assert err.strip() == "scoutly: --max-runtime: 'soon' is not a duration (examples: 90m, 2h, 1h30m, 45s)"


def test_process_drain_on_an_empty_queue_exits_zero(scoutly):
    code, _, err = scoutly("process", "--drain", "--no-display", "--worker-id", "empty")
    assert code == 0, err
    assert "processor empty stopped (drained)" in err and "0 claimed" in err
