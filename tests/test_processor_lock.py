"""One processor per host (a lease in `processors`) and processor heartbeats."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scoutly.clock import utcnow
from scoutly.processor.lock import (
    HostLocked,
    acquire_host_lock,
    is_alive,
    mark_stopped,
    processors_seen,
    record_heartbeat,
    refresh_host_lock,
    release_host_lock,
)

LEASE = timedelta(seconds=60)


async def test_second_processor_on_a_host_is_refused_until_the_lease_expires(db):
    now = utcnow()
    await acquire_host_lock(db, "pi", "w1", LEASE, pid=10, now=now)
    with pytest.raises(HostLocked, match=r"w1, pid 10.*--ignore-host-lock"):
        await acquire_host_lock(db, "pi", "w2", LEASE, now=now + timedelta(seconds=30))
    # the holder renews its own lock
    assert await refresh_host_lock(db, "pi", "w1", LEASE, now=now + timedelta(seconds=30))
    with pytest.raises(HostLocked):
        await acquire_host_lock(db, "pi", "w2", LEASE, now=now + timedelta(seconds=80))
    # the holder died: once its lease expired another processor takes over
    doc = await acquire_host_lock(db, "pi", "w2", LEASE, now=now + timedelta(seconds=91))
    assert doc["owner"] == "w2"
    assert not await refresh_host_lock(db, "pi", "w1", LEASE)
    assert not await release_host_lock(db, "pi", "w1")


async def test_other_hosts_are_independent_and_release_frees_the_lock(db):
    await acquire_host_lock(db, "pi", "w1", LEASE)
    await acquire_host_lock(db, "laptop", "w2", LEASE)
    assert await release_host_lock(db, "pi", "w1")
    assert (await acquire_host_lock(db, "pi", "w3", LEASE))["owner"] == "w3"


async def test_heartbeats_show_which_processors_are_alive(db):
    now = utcnow()
    started = now - timedelta(minutes=5)
    await record_heartbeat(db, "w1", host="pi", pid=1, started_at=started, state={"in_flight": ["acme"]}, now=now)
    await record_heartbeat(db, "w2", host="pi", pid=2, started_at=started, state={}, now=now - timedelta(minutes=3))
    await record_heartbeat(db, "w3", host="lap", pid=3, started_at=started, state={}, now=now)
    await mark_stopped(db, "w3", now=now)
    seen = await processors_seen(db, since=now - timedelta(hours=1))
    assert {doc["worker"] for doc in seen} == {"w1", "w2", "w3"}
    alive = {doc["worker"] for doc in seen if is_alive(doc, now=now, stale_after=timedelta(minutes=1))}
    assert alive == {"w1"}
    w1 = next(doc for doc in seen if doc["worker"] == "w1")
    assert w1["in_flight"] == ["acme"] and w1["host"] == "pi"
