"""The run audit: one document per attempt with stage durations, counts and outcome."""

from __future__ import annotations

from bson import ObjectId

from scoutly.processor.runs import (
    PARTIAL,
    RUN_FAILED,
    RUNNING,
    SUCCEEDED,
    RunRecorder,
    classify_outcome,
    company_runs,
    job_history,
)
from scoutly.storage.indexes import RUNS


async def test_run_document_records_stages_counts_and_outcome(db):
    job_id = ObjectId()
    run = RunRecorder(db, job_id=job_id, company="acme", worker="w1", attempt=1)
    await run.start()
    doc = await db[RUNS].find_one({"_id": run.id})
    assert doc["outcome"] == RUNNING and doc["company"] == "acme" and doc["job"] == job_id
    with run.stage("acquire"):
        pass
    with run.stage("screening"):
        pass
    run.add_stage("deep", 1.5)
    run.add_stage("deep", 0.5)
    await run.finish(SUCCEEDED, strategy="greenhouse", found=12, new=3, removed=1, tokens=4200)
    doc = await db[RUNS].find_one({"_id": run.id})
    assert doc["outcome"] == SUCCEEDED
    assert set(doc["stages"]) == {"acquire", "screening", "deep"}
    assert doc["stages"]["deep"] == 2.0
    assert (doc["strategy"], doc["found"], doc["new"], doc["removed"], doc["tokens"]) == ("greenhouse", 12, 3, 1, 4200)
    assert doc["ended_at"] >= doc["started_at"]
    assert doc["error"] is None


async def test_failed_run_keeps_a_redacted_error_and_history_is_ordered(db):
    job_id = ObjectId()
    first = RunRecorder(db, job_id=job_id, company="acme", worker="w1", attempt=1)
    await first.start()
    await first.finish(RUN_FAILED, error="cannot reach mongodb://u:topsecret@h/db")
    second = RunRecorder(db, job_id=job_id, company="acme", worker="w2", attempt=2)
    await second.start()
    await second.finish(PARTIAL)
    history = await job_history(db, job_id)
    assert [run["worker"] for run in history] == ["w1", "w2"]
    assert "topsecret" not in history[0]["error"]
    assert [run["_id"] for run in await company_runs(db, "acme")] == [second.id, first.id]


def test_classify_outcome():
    assert classify_outcome(complete=True, errors=0, parked=0) == SUCCEEDED
    assert classify_outcome(complete=False, errors=0, parked=0) == PARTIAL
    assert classify_outcome(complete=True, errors=2, parked=0) == PARTIAL
    assert classify_outcome(complete=True, errors=0, parked=4) == PARTIAL


def test_every_recorded_stage_is_a_known_stage(db) -> None:
    import pytest

    from scoutly.processor.runs import STAGES

    run = RunRecorder(db, job_id=ObjectId(), company="acme", worker="w1")
    for name in STAGES:
        run.add_stage(name, 0.1)
    assert list(run.stages) == list(STAGES)
    with pytest.raises(ValueError, match="unknown run stage 'scraping'"):
        run.add_stage("scraping", 1.0)


def test_processor_exit_code_says_whether_it_stopped_as_asked() -> None:
    from scoutly.processor.state import ProcessorReport

    for reason in ("drained", "stopped", "max_runtime", "SIGTERM"):
        assert ProcessorReport(worker_id="w", mode="drain", stop_reason=reason).exit_code == 0
    assert ProcessorReport(worker_id="w", mode="daemon", stop_reason="host_lock_lost").exit_code == 1
