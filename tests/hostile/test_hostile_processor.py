"""A page that takes too long to read, processed next to a harmless company (issue 11): the harmless company
succeeds and both keep their leases — heartbeats beat while the hostile page is parsed in a worker process, which
is killed at the parse deadline; the hostile job fails with that reason (retried later), never "lease expired"."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers.processor import fast_settings, seed_jobs

from scoutly.processor import run_processor
from scoutly.storage.indexes import COMPANIES, QUEUE, RUNS
from scoutly.testing.hostile_pages import harmless, many_links
from scoutly.testing.http_server import LocalServer
from scoutly.testing.loop_lag import loop_lag


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        running.route("/bomb", many_links(60_000))  # under the byte budget, ~20 s to read here
        running.route("/harmless", harmless())
        yield running


@pytest.mark.slow(reason="the bomb keeps a parse worker busy for its whole 2 s deadline: CPU by nature")
async def test_a_parse_bomb_does_not_cost_a_harmless_company_its_lease(db, db_uri, server: LocalServer):
    await seed_jobs(db, ["bomb", "harmless"])
    for slug in ("bomb", "harmless"):
        await db[COMPANIES].update_one({"_id": slug}, {"$set": {"careers_url": server.url(f"/{slug}")}})
    settings = fast_settings(
        db_uri,
        lease_seconds=1.5,  # shorter than the 2 s the bomb is parsed: only heartbeats keep the lease
        heartbeat_seconds=0.2,  # (a beat late by the loop-lag bound below, 1 s, still lands inside the lease)
        parse_timeout_s=2,
        politeness_delay_s=0,
        chromium_path="/nonexistent/chromium",
        max_attempts=5,
    )
    async with loop_lag() as lag:
        await run_processor(settings, drain=True, db=db, display=False, signals=False, host_lock=False)
    jobs = {doc["company"]: doc async for doc in db[QUEUE].find()}
    assert jobs["harmless"]["status"] == "done"
    assert jobs["bomb"]["status"] == "failed" and jobs["bomb"]["attempts"] == 1  # to be retried, not dead
    assert "not read within 2 s" in jobs["bomb"]["last_error"]
    assert "lease" not in jobs["bomb"]["last_error"]
    runs = {doc["company"]: doc async for doc in db[RUNS].find()}
    assert runs["harmless"]["outcome"] == "succeeded" and runs["harmless"]["found"] == 3
    assert lag.longest_stall_s < 1.0, lag
