"""End to end, as a user runs it: seed → enqueue → `scoutly process --drain` → `scoutly status`, against the
sample career sites and ATS feeds on 127.0.0.1 and the fake Gemini server, through the console entry point."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scoutly.analysis.profile import update_profile
from scoutly.seeding import seed_rows
from scoutly.seeding.readers import Row
from scoutly.storage import connect
from scoutly.storage.indexes import MATCHES, POSTINGS, QUEUE, RUNS
from scoutly.storage.memory import forget_memory_client
from scoutly.testing.fake_gemini import FakeGemini
from scoutly.testing.http_server import LocalServer
from scoutly.trial.catalog import load_catalog
from scoutly.trial.server import SampleSiteServer
from tests.helpers.cli import run_cli

pytestmark = [pytest.mark.browser, pytest.mark.slow]


class Cli:
    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, uri: str) -> None:
        self.monkeypatch, self.capsys, self.uri = monkeypatch, capsys, uri

    def __call__(self, *args: str) -> tuple[int, str, str]:
        return run_cli(self.monkeypatch, self.capsys, *args)

    def db(self, coro_factory: Any) -> Any:
        async def go() -> Any:
            mongo = await connect(self.uri)
            try:
                return await coro_factory(mongo.db)
            finally:
                await mongo.close()

        return asyncio.run(go())


@pytest.fixture
def world(monkeypatch, capsys, db_uri, tmp_path) -> Iterator[tuple[Cli, SampleSiteServer, FakeGemini, LocalServer]]:
    with SampleSiteServer() as sites, FakeGemini() as gemini, LocalServer() as receiver:
        receiver.route("/hook", {"ok": True})
        env = {
            "MONGODB_URI": db_uri,
            "GEMINI_API_KEY": "test-key-e2e",
            "SCOUTLY_GEMINI_BASE_URL": gemini.base_url,
            "SCOUTLY_GEMINI_RPD": "500",
            "SCOUTLY_GEMINI_RPM": "500",
            "SCOUTLY_ATS_API_OVERRIDES": json.dumps(sites.ats_base_urls()),
            "SCOUTLY_POLITENESS_DELAY_S": "0",
            "SCOUTLY_LOG_DIR": str(tmp_path / "logs"),
        }
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        monkeypatch.chdir(tmp_path)  # no stray ./.env
        cli = Cli(monkeypatch, capsys, db_uri)
        catalog = load_catalog()
        companies = [Row("catalog", i, c.seed_row(sites.base_url)) for i, c in enumerate(catalog.companies, 1)]
        users = [
            Row("catalog", i, {"email": u.email, "name": u.name, "track": dict(u.trackings)})
            for i, u in enumerate(catalog.users, 1)
        ]

        async def seed(db: Any) -> None:
            await seed_rows(db, companies=companies, users=users)
            for user in catalog.users:
                await update_profile(db, user.email, user.profile)

        cli.db(seed)
        yield cli, sites, gemini, receiver
        forget_memory_client(db_uri)


def test_seed_enqueue_process_drain_status(world):
    cli, sites, gemini, receiver = world
    code, _, err = cli("notify", "add", "ada@example.org", f"json://127.0.0.1:{receiver.port}/hook")
    assert code == 0, err
    code, out, err = cli("enqueue")
    assert code == 0, err

    code, out, err = cli("process", "--drain", "--no-display", "--worker-id", "e2e")
    assert code == 0, err
    assert "processor e2e stopped (drained)" in err
    assert "test-key-e2e" not in err

    companies = len(load_catalog().companies)
    jobs = cli.db(lambda db: db[QUEUE].find().to_list(None))
    assert len(jobs) == companies and {job["status"] for job in jobs} == {"done"}
    runs = cli.db(lambda db: db[RUNS].find().to_list(None))
    assert len(runs) == companies
    assert {run["outcome"] for run in runs} <= {"succeeded", "partial"}
    assert all(run["found"] > 0 and run["stages"]["acquire"] > 0 for run in runs), [
        (r["company"], r["found"], r["stages"]) for r in runs
    ]
    strategies = {run["company"]: run["strategy"] for run in runs}
    assert strategies["northwind-robotics"] == "greenhouse"
    assert strategies["pixel-orchard"] == "rendered"  # the JavaScript site went through Chromium
    assert sum(run["tokens"] for run in runs) > 0 and gemini.count() > 0

    matches = cli.db(lambda db: db[MATCHES].find().to_list(None))
    assert matches, "the sample profiles should match some sample postings"
    postings = {p["_id"]: p for p in cli.db(lambda db: db[POSTINGS].find().to_list(None))}
    for match in matches:
        posting = postings[match["posting"]]
        assert posting["url"].startswith(sites.base_url)  # every URL came from the local sites/feeds
    ada = [m for m in matches if m["user"] == "ada@example.org" and (m.get("score") or 0) >= 60]
    assert ada and all(m["notified_at"] is not None for m in ada)
    hits = receiver.hits("/hook")  # one message per job that produced matches for her
    counts = [int(re.match(r"Scoutly: (\d+) new job match", hit.json()["title"]).group(1)) for hit in hits]
    assert sum(counts) == len(ada)  # each match announced exactly once

    code, out, err = cli("status", "--json")
    assert code == 0, err  # nothing needs a human
    status = json.loads(out)
    assert status["queue"]["done"] == companies
    ops = status["operations"]
    assert ops["attention"] == [] and ops["in_flight"] == [] and ops["dead"] == []
    assert [p["worker"] for p in ops["processors"]] == ["e2e"] and not ops["processors"][0]["alive"]
    assert any(u["user"] == "ada@example.org" and u["new"] >= len(ada) for u in ops["matches"])
    assert {c["strategy"] for c in ops["companies"]} >= {"greenhouse", "rendered"}
    code, out, _ = cli("status")
    assert "Processors" in out and "Nothing needs attention" in out

    # a second drain finds nothing to do and announces nothing twice
    code, out, err = cli("process", "--drain", "--no-display", "--worker-id", "e2e-2")
    assert code == 0 and "0 claimed" in err
    assert len(receiver.hits("/hook")) == len(hits)
    # the log file got the same lines, with the run ids
    logs = Path("logs/scoutly.log").read_text()
    assert "claimed northwind-robotics" in logs and "test-key-e2e" not in logs
