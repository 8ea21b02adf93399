"""The processor loop: concurrency, drain/daemon, failures, max runtime, signals, host lock, lease loss."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest
from helpers.clock import LoopClock
from helpers.processor import ScriptedAcquirer, fast_settings, run_in_virtual_time, seed_jobs

from scoutly import queue
from scoutly.errors import InputError
from scoutly.processor import Processor, run_processor
from scoutly.processor.durations import format_duration, parse_duration
from scoutly.processor.lock import HostLocked, lock_id, worker_doc_id
from scoutly.storage.indexes import COMPANIES, PROCESSORS, QUEUE, RUNS

SLUGS = [f"co{i}" for i in range(7)]


@pytest.mark.looptime
async def test_drain_processes_every_job_with_bounded_concurrency(db, db_uri):
    await seed_jobs(db, SLUGS)
    acquirer = ScriptedAcquirer(default_seconds=0.1)
    report = await run_in_virtual_time(db, fast_settings(db_uri), acquirer, drain=True, concurrency=3, worker_id="w1")
    assert (report.claimed, report.succeeded, report.failed, report.stop_reason) == (7, 7, 0, "drained")
    assert acquirer.max_in_flight == 3 and acquirer.closed
    assert sorted(acquirer.calls) == SLUGS
    assert await db[QUEUE].count_documents({"status": "done"}) == 7
    runs = await db[RUNS].find().to_list(None)
    assert len(runs) == 7 and {run["outcome"] for run in runs} == {"succeeded"}
    assert all(run["stages"]["acquire"] > 0 and run["strategy"] == "static" and run["found"] == 3 for run in runs)
    company = await db[COMPANIES].find_one({"_id": "co0"})
    assert company["last_success_at"] is not None and company["strategy"] == "static"
    assert await db[PROCESSORS].find_one({"_id": lock_id(Processor(fast_settings(db_uri), drain=True).host)}) is None
    beat = await db[PROCESSORS].find_one({"_id": worker_doc_id("w1")})
    assert beat["stopped_at"] is not None and beat["done"] == 7


@pytest.mark.looptime
async def test_concurrency_is_capped_at_five(db, db_uri):
    await seed_jobs(db, SLUGS)
    acquirer = ScriptedAcquirer(default_seconds=0.1)
    await run_in_virtual_time(db, fast_settings(db_uri), acquirer, drain=True, concurrency=50, host_lock=False)
    assert acquirer.max_in_flight == 5


@pytest.mark.looptime
async def test_failures_are_retried_or_dead_and_recorded(db, db_uri):
    await seed_jobs(db, ["flaky", "broken", "fine"])
    acquirer = ScriptedAcquirer(
        behaviour={
            "flaky": RuntimeError("connection reset by https://user:pw123456@flaky.example"),
            "broken": InputError("companies.careers_url: not a URL"),
        }
    )
    report = await run_in_virtual_time(db, fast_settings(db_uri), acquirer, drain=True)
    assert (report.succeeded, report.failed) == (1, 2)
    flaky = await db[QUEUE].find_one({"company": "flaky"})
    assert flaky["status"] == "failed" and flaky["attempts"] == 1
    assert flaky["last_error"].startswith("RuntimeError: connection reset") and "pw123456" not in flaky["last_error"]
    broken = await db[QUEUE].find_one({"company": "broken"})
    assert broken["status"] == "dead" and "careers_url" in broken["last_error"]
    run = await db[RUNS].find_one({"company": "flaky"})
    assert run["outcome"] == "failed" and run["status"] == "failed" and "pw123456" not in run["error"]
    assert (await db[COMPANIES].find_one({"_id": "flaky"}))["consecutive_failures"] == 1


@pytest.mark.looptime
async def test_max_runtime_releases_unfinished_jobs_without_counting_the_attempt(db, db_uri):
    await seed_jobs(db, ["slow", "quick"])
    acquirer = ScriptedAcquirer(behaviour={"slow": 30.0, "quick": 0.05})
    settings = fast_settings(db_uri, shutdown_grace_seconds=0.3)
    report = await run_in_virtual_time(db, settings, acquirer, drain=True, max_runtime=0.5)
    assert (report.stop_reason, report.succeeded, report.released) == ("max_runtime", 1, 1)
    slow = await db[QUEUE].find_one({"company": "slow"})
    assert (slow["status"], slow["attempts"], slow.get("lease_owner")) == ("pending", 0, None)
    assert (await db[RUNS].find_one({"company": "slow"}))["outcome"] == "released"
    assert acquirer.closed


@pytest.mark.looptime
async def test_sigterm_lets_in_flight_jobs_finish_then_exits(db, db_uri):
    await seed_jobs(db, ["a", "b", "c"])
    acquirer = ScriptedAcquirer(default_seconds=0.4)
    task = asyncio.create_task(
        run_processor(
            fast_settings(db_uri),
            drain=False,
            concurrency=2,
            display=False,
            db=db,
            acquirer_factory=acquirer,
            clock=LoopClock(),
        )
    )
    await asyncio.wait_for(acquirer.started.wait(), 5)
    os.kill(os.getpid(), signal.SIGTERM)
    report = await asyncio.wait_for(task, 10)
    assert report.stop_reason == "SIGTERM"
    assert (report.claimed, report.succeeded, report.released) == (2, 2, 0)  # the third was never claimed
    assert await db[QUEUE].count_documents({"status": "pending", "company": "c"}) == 1


@pytest.mark.looptime
async def test_sigterm_after_grace_releases_and_a_second_signal_exits_at_once(db, db_uri):
    await seed_jobs(db, ["stuck"])
    acquirer = ScriptedAcquirer(behaviour={"stuck": 60.0})
    exits: list[int] = []
    settings = fast_settings(db_uri, shutdown_grace_seconds=0.3)
    processor = Processor(settings, drain=False, display=False, db=db, acquirer_factory=acquirer, clock=LoopClock())
    task = asyncio.create_task(processor.run())
    await asyncio.wait_for(acquirer.started.wait(), 5)
    os.kill(os.getpid(), signal.SIGINT)
    report = await asyncio.wait_for(task, 10)
    assert (report.stop_reason, report.released) == ("SIGINT", 1)
    job = await db[QUEUE].find_one({"company": "stuck"})
    assert (job["status"], job["attempts"]) == ("pending", 0)
    # the second signal goes straight to the immediate exit (os._exit in production)
    from scoutly.processor.signals import ShutdownSignals

    handler = ShutdownSignals(lambda _reason: None, on_second=exits.append)
    handler(signal.SIGTERM)
    handler(signal.SIGTERM)
    assert exits == [signal.SIGTERM]


@pytest.mark.looptime
async def test_daemon_waits_on_an_empty_queue_and_picks_up_new_jobs(db, db_uri):
    acquirer = ScriptedAcquirer()
    task = asyncio.create_task(
        run_in_virtual_time(db, fast_settings(db_uri, processor_enqueue=False), acquirer, drain=False, max_runtime=2.5)
    )
    await asyncio.sleep(0.3)
    await seed_jobs(db, ["late"])
    report = await asyncio.wait_for(task, 10)
    assert (report.stop_reason, report.succeeded) == ("max_runtime", 1)


@pytest.mark.looptime
async def test_daemon_enqueues_due_companies_itself(db, db_uri):
    from helpers.processor import seed_companies

    await seed_companies(db, ["acme"])
    acquirer = ScriptedAcquirer()
    report = await run_in_virtual_time(db, fast_settings(db_uri), acquirer, drain=False, max_runtime=1.5)
    assert report.succeeded == 1 and acquirer.calls == ["acme"]


@pytest.mark.looptime
async def test_one_processor_per_host_unless_ignored(db, db_uri):
    await seed_jobs(db, ["a"])
    acquirer = ScriptedAcquirer(behaviour={"a": 1.0})
    first = asyncio.create_task(run_in_virtual_time(db, fast_settings(db_uri), acquirer, drain=True, worker_id="first"))
    await asyncio.wait_for(acquirer.started.wait(), 5)
    with pytest.raises(HostLocked, match="first"):
        await run_in_virtual_time(db, fast_settings(db_uri), ScriptedAcquirer(), drain=True, worker_id="second")
    report = await run_in_virtual_time(
        db, fast_settings(db_uri), ScriptedAcquirer(), drain=True, worker_id="third", host_lock=False
    )
    assert report.claimed == 0  # the only job is in flight at "first"
    assert (await first).succeeded == 1


@pytest.mark.looptime
async def test_a_dead_holder_of_the_host_lock_is_waited_out(db, db_uri):
    from scoutly.processor.lock import acquire_host_lock

    settings = fast_settings(db_uri)
    host = Processor(settings, drain=True).host
    await acquire_host_lock(db, host, "ghost", Processor(settings, drain=True).lock_lease)  # never beats
    report = await run_in_virtual_time(db, settings, ScriptedAcquirer(), drain=True, worker_id="heir")
    assert report.stop_reason == "drained"


@pytest.mark.looptime
async def test_lease_lost_mid_job_is_abandoned_quietly(db, db_uri):
    await seed_jobs(db, ["stolen"])

    async def steal(company):
        await db[QUEUE].update_one({"company": "stolen"}, {"$set": {"lease_owner": "thief"}})
        await asyncio.sleep(2.0)

    acquirer = ScriptedAcquirer(behaviour={"stolen": steal})
    report = await run_in_virtual_time(db, fast_settings(db_uri), acquirer, drain=True)
    assert (report.lease_lost, report.succeeded, report.failed) == (1, 0, 0)
    job = await db[QUEUE].find_one({"company": "stolen"})
    assert (job["status"], job["lease_owner"]) == ("processing", "thief")
    assert (await db[RUNS].find_one({"company": "stolen"}))["outcome"] == "lease_lost"


def test_durations():
    assert parse_duration("90") == 90
    assert parse_duration("90m") == 5400
    assert parse_duration("2h") == 7200
    assert parse_duration("1h30m") == 5400
    assert parse_duration("1d") == 86400
    with pytest.raises(InputError, match="--max-runtime: 'soon' is not a duration"):
        parse_duration("soon")
    with pytest.raises(InputError, match="longer than zero"):
        parse_duration("0m")
    assert [format_duration(s) for s in (5, 185, 7800)] == ["5s", "3m05s", "2h10m"]


@pytest.mark.looptime
async def test_queue_counts_after_mixed_run(db, db_uri):
    await seed_jobs(db, ["ok", "bad"])
    acquirer = ScriptedAcquirer(behaviour={"bad": RuntimeError("x")})
    await run_in_virtual_time(db, fast_settings(db_uri), acquirer, drain=True)
    counts = await queue.queue_counts(db)
    assert (counts["done"], counts["failed"]) == (1, 1)
