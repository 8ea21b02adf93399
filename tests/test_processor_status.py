"""The operational half of `scoutly status` and its exit code."""

from __future__ import annotations

from datetime import timedelta

from bson import ObjectId
from helpers.processor import fast_settings, seed_jobs

from scoutly import queue
from scoutly.clock import utcnow
from scoutly.ops.health import gather_operations
from scoutly.ops.status import gather_status
from scoutly.processor.lock import record_heartbeat
from scoutly.storage.indexes import COMPANIES, GEMINI_BUDGET, MATCHES

LEASE = timedelta(seconds=60)


async def test_sections_show_in_flight_failing_dead_matches_and_processors(db, db_uri):
    settings = fast_settings(db_uri)
    await seed_jobs(db, ["acme", "globex", "initech", "umbrella"])
    now = utcnow()
    running = await queue.claim(db, "w1", LEASE)
    failing = await queue.claim(db, "w1", LEASE)
    await queue.fail(db, failing, "w1", "HTTP 503 from careers page")
    dead = await queue.claim(db, "w1", LEASE)
    await queue.fail(db, dead, "w1", "careers_url: 404", retryable=False)
    await db[COMPANIES].update_one({"_id": running.company}, {"$set": {"last_success_at": now, "strategy": "lever"}})
    await db[MATCHES].insert_many(
        [
            {
                "user": "ana@example.org",
                "posting": ObjectId(),
                "company": "acme",
                "score": 80,
                "status": "new",
                "notified_at": None,
            },
            {
                "user": "ana@example.org",
                "posting": ObjectId(),
                "company": "acme",
                "score": 90,
                "status": "new",
                "notified_at": now,
            },
            {
                "user": "ana@example.org",
                "posting": ObjectId(),
                "company": "acme",
                "score": 95,
                "status": "seen",
                "notified_at": now,
            },
        ]
    )
    await record_heartbeat(db, "w1", host="pi", pid=7, started_at=now, state={"in_flight": [{"company": "x"}]})

    ops = await gather_operations(db, settings)
    assert [(job.company, job.owner, job.lease_expired) for job in ops.in_flight] == [(running.company, "w1", False)]
    assert ops.in_flight[0].heartbeat_age_seconds is not None
    assert [(job.company, job.last_error) for job in ops.failing] == [(failing.company, "HTTP 503 from careers page")]
    assert ops.failing[0].next_retry_at > now
    assert [(job.company, job.status) for job in ops.dead] == [(dead.company, "dead")] and ops.dead_total == 1
    assert [(u.user, u.new, u.unannounced) for u in ops.matches] == [("ana@example.org", 2, 1)]
    assert [(p.worker, p.alive, p.in_flight) for p in ops.processors] == [("w1", True, ["x"])]
    assert {c.slug for c in ops.companies} == {"acme", "globex", "initech", "umbrella"}
    assert ops.companies[-1].strategy == "lever"  # least recently successful first
    assert {m.model for m in ops.gemini} == {settings.gemini_screen_model, *settings.gemini_fallback_models}
    assert ops.waiting_jobs == 1  # the fourth company's job
    assert ops.attention == ["1 dead jobs: fix the cause, then `scoutly debug requeue-dead`"]


async def test_attention_when_no_processor_is_alive_or_the_budget_is_gone(db, db_uri):
    settings = fast_settings(db_uri)
    await seed_jobs(db, ["acme"])
    ops = await gather_operations(db, settings)
    assert ops.attention == ["no processor alive while 1 queued jobs wait: start `scoutly process`"]
    stale = utcnow() - timedelta(minutes=10)
    await record_heartbeat(db, "old", host="pi", pid=1, started_at=stale, state={}, now=stale)
    assert len((await gather_operations(db, settings)).attention) == 1  # a silent processor is not alive
    await record_heartbeat(db, "w1", host="pi", pid=7, started_at=utcnow(), state={})
    assert (await gather_operations(db, settings)).attention == []
    # every configured model spent for the day
    from scoutly.analysis.limiter import RateLimiter

    rows = await RateLimiter(db, settings).snapshot()
    day = rows[0]["day"]
    for row in rows:
        await db[GEMINI_BUDGET].update_one(
            {"_id": f"{row['model']}:rpd:{day}"}, {"$set": {"requests": row["rpd"], "exhausted": True}}, upsert=True
        )
    ops = await gather_operations(db, settings)
    assert ops.gemini and all(model.exhausted for model in ops.gemini)
    assert any(item.startswith("Gemini budget exhausted for every configured model") for item in ops.attention)


async def test_expired_leases_and_due_window(db, db_uri):
    settings = fast_settings(db_uri)
    await seed_jobs(db, ["acme", "globex"])
    job = await queue.claim(db, "ghost", timedelta(seconds=30))
    await db["queue"].update_one({"_id": job.id}, {"$set": {"lease_until": utcnow() - timedelta(minutes=1)}})
    report = await gather_status(db, settings=settings)
    ops = report.operations
    assert [j.company for j in ops.in_flight if j.lease_expired] == [job.company]
    assert any("expired lease" in item for item in ops.attention)
    assert {d.slug for d in ops.due_24h} == {"acme", "globex"}  # never scraped: due now
    assert report.model_dump(mode="json")["operations"]["in_flight"][0]["owner"] == "ghost"


def test_status_command_exits_1_when_a_human_is_needed(monkeypatch, capsys, db_uri, tmp_path):
    import asyncio
    import json
    import sys

    from scoutly.cli import app as cli_app
    from scoutly.storage import connect
    from scoutly.storage.memory import forget_memory_client

    monkeypatch.setenv("MONGODB_URI", db_uri)
    monkeypatch.chdir(tmp_path)

    def scoutly(*args: str) -> tuple[int, str]:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["scoutly", *args])
        try:
            cli_app.main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        return code, capsys.readouterr().out

    async def make_dead_job() -> None:
        mongo = await connect(db_uri)
        await seed_jobs(mongo.db, ["acme"])
        job = await queue.claim(mongo.db, "w", LEASE)
        await queue.fail(mongo.db, job, "w", "careers page gone [404]", retryable=False)

    try:
        code, out = scoutly("status", "--json")
        assert code == 0 and json.loads(out)["operations"]["attention"] == []
        asyncio.run(make_dead_job())
        code, out = scoutly("status", "--json")
        assert code == 1 and json.loads(out)["operations"]["dead_total"] == 1
        code, out = scoutly("status")
        assert code == 1 and "Needs attention" in out and "[404]" in out  # error text is not taken for markup
    finally:
        forget_memory_client(db_uri)
