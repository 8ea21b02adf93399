"""Shared fixtures: a fresh database per test (in-memory double, or a real server when
SCOUTLY_TEST_MONGODB_URI is set), and the path to the shared real-world corpus."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

from scoutly.acquire.http import Http, HttpLimits
from scoutly.storage import Mongo, connect
from scoutly.storage.memory import forget_memory_client
from scoutly.testing.http_server import LocalServer
from tests.helpers.loopback_only import LOOPBACK_NETWORKS, mongodb_hosts, refuse_other_names

REAL_URI = os.environ.get("SCOUTLY_TEST_MONGODB_URI", "").strip()
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def _production_database() -> str:
    uri = os.environ.get("MONGODB_URI", "mongodb://localhost:27017/scoutly")
    return urlsplit(uri).path.strip("/").split("?")[0] or "scoutly"


def _refuse_production(uri: str) -> None:
    named = urlsplit(uri).path.strip("/")
    if named and (named == _production_database() or not named.startswith("scoutly_test")):
        pytest.exit(
            f"SCOUTLY_TEST_MONGODB_URI names database {named!r}: refusing (tests only use databases "
            "named scoutly_test_*, which they create and drop themselves)",
            returncode=4,
        )


if REAL_URI:
    _refuse_production(REAL_URI)


def fresh_database_uri() -> str:
    """A URI for a database no one else uses: scoutly_test_<random> on the test server or in memory."""
    name = f"scoutly_test_{uuid.uuid4().hex[:12]}"
    if REAL_URI:
        parts = urlsplit(REAL_URI)
        return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
    return f"mongomock://{name}/{name}"


async def drop_database(uri: str, mongo: Mongo) -> None:
    if uri.startswith("mongomock://"):
        forget_memory_client(uri)
    else:
        await mongo.client.drop_database(mongo.db.name)


TEST_ALLOWED_NETWORKS = "127.0.0.0/8,::1/128"


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """pytest-socket: connects only to loopback (and a real test MongoDB's hosts); an explicit `--allow-hosts` wins."""
    if not config.option.allow_hosts:
        config.option.allow_hosts = ",".join([*LOOPBACK_NETWORKS, *mongodb_hosts(REAL_URI)])
    config.option.allow_unix_socket = True  # the event loop's and the process pools' own pipes


@pytest.fixture(scope="session", autouse=True)
def _no_name_lookups_beyond_loopback() -> Iterator[None]:
    """No test looks up a real host name (see tests/helpers/loopback_only.py)."""
    import socket

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", refuse_other_names(mongodb_hosts(REAL_URI)))
        yield


@pytest.fixture(scope="session", autouse=True)
def _egress_allowance_for_shared_fixtures() -> Iterator[None]:
    """The allowance below, also for module- and session-scoped fixtures (set up before any test's own)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCOUTLY_ALLOW_NETWORKS", TEST_ALLOWED_NETWORKS)
        yield


@pytest.fixture(scope="session", autouse=True)
def _quick_server_selection_rounds() -> Iterator[None]:
    """PyMongo looks again for a server it could not reach at most every 0.5 s (`MIN_HEARTBEAT_INTERVAL`), so a
    connection refused at once still failed only after 0.5 s, whatever the short `serverSelectionTimeoutMS` the
    unreachable-MongoDB tests set. Rounds of 20 ms let those tests end at their own timeout (100-300 ms)."""
    import pymongo.common

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pymongo.common, "MIN_HEARTBEAT_INTERVAL", 0.02)
        yield


@pytest.fixture(autouse=True)
def _egress_allowance(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Production refuses loopback fetches; the suite's sites and fakes live on 127.0.0.1, so every test may reach
    loopback — except tests marked `egress_strict`, which see the production policy (nothing internal allowed; such
    a test builds its settings itself, not from a shared fixture)."""
    if request.node.get_closest_marker("egress_strict"):
        monkeypatch.delenv("SCOUTLY_ALLOW_NETWORKS", raising=False)
    else:
        monkeypatch.setenv("SCOUTLY_ALLOW_NETWORKS", TEST_ALLOWED_NETWORKS)


@pytest.fixture(autouse=True)
def _isolated_logging():
    """A test that configures logging (Loguru sinks, stdlib interception) must not leak it into the next one."""
    import logging

    from loguru import logger

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    logger.remove()
    logger.add(sys.stderr)
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def db_uri() -> str:
    """A fresh database URI (the database is created on first use; drop it with the `mongo` fixture)."""
    return fresh_database_uri()


@pytest.fixture
async def mongo(db_uri: str) -> AsyncIterator[Mongo]:
    """A connected, indexed, empty database that is dropped after the test."""
    handle = await connect(db_uri)
    try:
        yield handle
    finally:
        await drop_database(db_uri, handle)
        await handle.close()


@pytest.fixture
def db(mongo: Mongo):
    """The database object of the `mongo` fixture."""
    return mongo.db


@pytest.fixture
def corpus() -> Path:
    """../shared/corpus (real career data); tests that need it skip when it is absent."""
    if not CORPUS.is_dir():
        pytest.skip(f"real-world corpus not found at {CORPUS} (it lives in the shared/ folder beside the repo)")
    return CORPUS


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A site server on 127.0.0.1 for the test (`server.route(...)`, `server.url(...)`)."""
    with LocalServer() as running:
        yield running


@pytest.fixture
async def http() -> AsyncIterator[Http]:
    """Acquisition's HTTP client with no politeness wait, short timeouts and quick retries."""
    async with httpx.AsyncClient(follow_redirects=True) as client:
        yield Http(client, HttpLimits(delay_s=0, timeout_s=5, backoff_s=0.01))
