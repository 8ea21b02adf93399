"""`scoutly debug`: doctor checks, reset-stuck, requeue-dead, a job's history, one company's dry run."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers.processor import ScriptedAcquirer, fast_settings, seed_jobs

from scoutly import queue
from scoutly.clock import utcnow
from scoutly.config import Settings
from scoutly.ops.doctor import check_chromium, check_disk, check_gemini, check_mongodb, run_doctor
from scoutly.ops.repair import requeue_dead, reset_stuck
from scoutly.processor import run_processor
from scoutly.storage.indexes import ANALYSES, MATCHES, POSTINGS, QUEUE, RUNS
from scoutly.storage.memory import forget_memory_client
from scoutly.testing.http_server import LocalServer, Response
from tests.helpers.cli import on_db, run_cli

LEASE = timedelta(seconds=30)


def models_server(server: LocalServer, names: list[str]) -> str:
    """models.list as the Gemini API answers it (the SDK's API version depends on the base URL)."""
    for path in ("/v1beta/models", "/v1/models"):
        server.route(path, {"models": [{"name": f"models/{name}"} for name in names]})
    return server.base_url


async def test_doctor_all_green(mongo, db_uri):
    with LocalServer() as gemini:
        base = models_server(gemini, ["gemini-2.5-flash", "gemini-2.5-flash-lite", "gemma-3-27b-it"])
        settings = Settings(
            mongodb_uri=db_uri, gemini_api_key="doctor-key", gemini_base_url=base, chromium_sandbox="on"
        )
        checks = await run_doctor(settings, launch_browser=False)
        assert [(c.name, c.ok) for c in checks] == [
            ("passwords", True),
            ("MongoDB reachable", True),
            ("indexes present", True),
            ("clock", True),
            ("Chromium", True),
            ("Chromium sandbox", True),
            ("Gemini", True),
            ("disk space", True),
        ]
        [hit] = gemini.hits("/v1beta/models") + gemini.hits("/v1/models")
        assert hit.headers.get("x-goog-api-key") == "doctor-key"


async def test_doctor_names_the_fix_for_each_problem(db_uri, tmp_path):
    settings = Settings(
        mongodb_uri="mongodb://127.0.0.1:1/scoutly_test_doctor",  # refused at once; the doctor waits out the timeout
        mongodb_timeout_ms=100,
        chromium_path=str(tmp_path / "nope"),
    )
    checks, mongo = await check_mongodb(settings)
    assert mongo is None and checks[0].ok is False and "MONGODB_URI" in checks[0].fix
    chromium = await check_chromium(settings)
    assert chromium.ok is False and "apt-get install chromium" in chromium.fix
    assert (await check_gemini(Settings(mongodb_uri=db_uri, gemini_api_key=None))).ok is None  # skipped
    with LocalServer() as gemini:
        gemini.route(
            "/v1beta/models",
            Response(400, {"error": {"code": 400, "message": "API key not valid.", "status": "INVALID_ARGUMENT"}}),
        )
        bad_key = Settings(mongodb_uri=db_uri, gemini_api_key="wrong-key-123", gemini_base_url=gemini.base_url)
        rejected = await check_gemini(bad_key)
        assert rejected.ok is False and "GEMINI_API_KEY" in rejected.fix and "wrong-key-123" not in rejected.detail
        models_server(gemini, ["gemini-2.5-flash"])
        missing = await check_gemini(Settings(mongodb_uri=db_uri, gemini_api_key="k", gemini_base_url=gemini.base_url))
        assert missing.ok is False and "gemini-2.5-flash-lite" in missing.detail
    assert check_disk(tmp_path, min_free=1 << 60).ok is False


async def test_doctor_reports_missing_indexes_and_creates_them(db_uri):
    settings = Settings(mongodb_uri=db_uri)
    try:
        checks, _ = await check_mongodb(settings)
        assert checks[1].ok is False and "queue.one_active_job_per_company" in checks[1].detail
        checks, _ = await check_mongodb(settings, create_indexes=True)
        assert checks[1].ok is True
    finally:
        forget_memory_client(db_uri)


@pytest.mark.browser
async def test_doctor_launches_chromium(db_uri):
    check = await check_chromium(Settings(mongodb_uri=db_uri))
    assert check.ok is True and "/chromium" in check.detail and any(ch.isdigit() for ch in check.detail)


async def test_reset_stuck_and_requeue_dead(db):
    await seed_jobs(db, ["stuck", "dead", "fine"])
    past = utcnow() - timedelta(minutes=10)
    stuck = await queue.claim(db, "ghost", LEASE)
    await db[QUEUE].update_one({"_id": stuck.id}, {"$set": {"lease_until": past}})
    dead = await queue.claim(db, "w", LEASE)
    await queue.fail(db, dead, "w", "careers page gone", retryable=False)

    dry = await reset_stuck(db, dry_run=True)
    assert dry.companies == [stuck.company]
    assert (await db[QUEUE].find_one({"_id": stuck.id}))["status"] == "processing"
    assert (await reset_stuck(db)).companies == [stuck.company]
    assert (await db[QUEUE].find_one({"_id": stuck.id}))["status"] == "pending"

    assert (await requeue_dead(db, dry_run=True)).companies == [dead.company]
    result = await requeue_dead(db)
    assert result.companies == [dead.company]
    doc = await db[QUEUE].find_one({"_id": dead.id})
    assert (doc["status"], doc["attempts"], doc["active"], doc.get("finished_at")) == ("pending", 0, True, None)
    assert (await requeue_dead(db)).companies == []


async def test_requeue_dead_skips_a_company_with_a_live_job(db):
    await seed_jobs(db, ["acme"])
    job = await queue.claim(db, "w", LEASE)
    await queue.fail(db, job, "w", "gone", retryable=False)
    await queue.enqueue_due(db)  # a new live job for the same company
    result = await requeue_dead(db)
    assert (result.companies, result.skipped) == ([], ["acme"])


class Cli:
    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
        self.monkeypatch, self.capsys = monkeypatch, capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        return run_cli(self.monkeypatch, self.capsys, *args)


@pytest.fixture
def cli(monkeypatch, capsys, db_uri, tmp_path):
    monkeypatch.setenv("MONGODB_URI", db_uri)
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    monkeypatch.chdir(tmp_path)
    yield Cli(monkeypatch, capsys)
    forget_memory_client(db_uri)


def test_debug_job_shows_every_attempt(cli, db_uri):
    async def prepare(db: Any) -> str:
        await seed_jobs(db, ["acme"])
        acquirer = ScriptedAcquirer(behaviour={"acme": RuntimeError("HTTP 503")})
        await run_processor(
            fast_settings(db_uri),
            drain=True,
            db=db,
            display=False,
            signals=False,
            acquirer_factory=acquirer,
            worker_id="w-one",
        )
        job = await db[QUEUE].find_one({"company": "acme"})
        await db[QUEUE].update_one({"_id": job["_id"]}, {"$set": {"available_at": utcnow()}})
        await run_processor(
            fast_settings(db_uri),
            drain=True,
            db=db,
            display=False,
            signals=False,
            acquirer_factory=ScriptedAcquirer(),
            worker_id="w-two",
        )
        return str(job["_id"])

    job_id = on_db(db_uri, prepare)
    code, out, err = cli("debug", "job", job_id)
    assert code == 0, err
    assert "acme" in out and "done" in out
    assert "w-one" in out and "failed" in out and "RuntimeError: HTTP 503" in out
    assert "w-two" in out and "succeeded" in out
    code, _, err = cli("debug", "job", "nonsense")
    assert code == 2 and "job id 'nonsense': not a valid id" in err


def test_debug_reset_stuck_and_requeue_dead_commands(cli, db_uri):
    async def prepare(db: Any) -> None:
        await seed_jobs(db, ["acme"])
        job = await queue.claim(db, "w", LEASE)
        await queue.fail(db, job, "w", "gone", retryable=False)

    on_db(db_uri, prepare)
    code, out, _ = cli("debug", "reset-stuck", "--dry-run")
    assert code == 0 and "would reset 0 stuck jobs" in out
    code, out, _ = cli("debug", "requeue-dead")
    assert code == 0 and "requeued 1 dead jobs: acme" in out
    assert on_db(db_uri, lambda db: db[QUEUE].find_one({"company": "acme"}))["status"] == "pending"


@pytest.mark.browser
def test_debug_run_dry_run_writes_nothing(cli, db_uri):
    from scoutly.seeding import seed_rows
    from scoutly.seeding.readers import Row
    from scoutly.trial.catalog import load_catalog
    from scoutly.trial.server import SampleSiteServer

    with SampleSiteServer() as sites:
        cli.monkeypatch.setenv("SCOUTLY_ATS_API_OVERRIDES", json.dumps(sites.ats_base_urls()))
        cli.monkeypatch.setenv("SCOUTLY_POLITENESS_DELAY_S", "0")
        company = load_catalog().company("northwind-robotics")

        async def seed(db: Any) -> None:
            await seed_rows(
                db,
                companies=[Row("t", 1, company.seed_row(sites.base_url))],
                users=[Row("t", 1, {"email": "ada@example.org", "name": "Ada", "track": {"northwind-robotics": 90}})],
            )

        on_db(db_uri, seed)
        code, out, err = cli("debug", "run", "northwind-robotics", "--dry-run")
        assert code == 0, err
        assert "northwind-robotics:" in out and "via greenhouse" in out and "dry run: nothing written" in out
        assert "DEBUG" in err or "INFO" in err  # verbose
        counts = on_db(
            db_uri, lambda db: asyncio.gather(*(db[c].count_documents({}) for c in (POSTINGS, MATCHES, ANALYSES, RUNS)))
        )
        assert counts == [0, 0, 0, 0]
        company_doc = on_db(db_uri, lambda db: db["companies"].find_one({"_id": "northwind-robotics"}))
        assert company_doc.get("last_scraped_at") is None

        code, out, err = cli("debug", "run", "northwind-robotics")
        assert code == 0, err
        assert on_db(db_uri, lambda db: db[POSTINGS].count_documents({})) > 0
        code, _, err = cli("debug", "run", "no-such-company")
        assert code == 2 and "company 'no-such-company': not found" in err


def test_doctor_command_exit_code_and_json(cli):
    code, out, _ = cli("debug", "doctor", "--no-browser", "--json")
    checks = json.loads(out)
    names = {c["check"]: c["ok"] for c in checks}
    assert names["MongoDB reachable"] is True and names["Gemini"] is None
    assert code == (1 if any(c["ok"] is False for c in checks) else 0)
    code, out, _ = cli("debug", "doctor", "--no-browser", "--create-indexes")
    assert "✓" in out and "indexes present" in out
    assert Path.cwd().exists()
