"""Messages a newcomer meets: an unreachable MongoDB, bad or unknown settings, the in-memory URI, detail pages
that failed, long URLs in tables, log lines outside a job."""

from __future__ import annotations

import io
import socket
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from loguru import logger
from rich.console import Console

from scoutly.config import load_settings
from scoutly.errors import ConfigError
from scoutly.log_setup import setup_from_settings, setup_logging
from scoutly.storage.unreachable import COMPOSE_SERVICE, hosts_of, plain_reason, unreachable_message
from scoutly.testing.http_server import LocalServer
from tests.helpers.cli import run_cli

ROOT = Path(__file__).resolve().parents[1]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def scoutly(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)

    def call(*args: str) -> tuple[int, str, str]:
        return run_cli(monkeypatch, capsys, *args)

    return call


# --- MongoDB unreachable -------------------------------------------------------------------------------------

PYMONGO_REFUSED = (
    "127.0.0.1:9: [Errno 111] Connect call failed ('127.0.0.1', 9) (configured timeouts: socketTimeoutMS: 500.0ms, "
    "connectTimeoutMS: 500.0ms), Timeout: 0.5s, Topology Description: <TopologyDescription id: 6b0b, "
    "topology_type: Unknown, servers: [<ServerDescription ('127.0.0.1', 9) server_type: Unknown, rtt: None, "
    "error=AutoReconnect(...)>]>"
)


@pytest.mark.parametrize(
    ("message", "reason", "hint"),
    [
        (PYMONGO_REFUSED, "connection refused", f"docker compose up -d {COMPOSE_SERVICE}"),
        ("db.example:27017: [Errno -2] Name or service not known (configured timeouts: ...), Timeout: 5s, "
         "Topology Description: <...>", "host name not found", "spelt right"),
        ("Authentication failed., full error: {'ok': 0.0, 'code': 18}", "authentication failed", "password"),
        ("command createIndexes requires authentication, full error: {...}", "may not use this database",
         "readWrite"),
        ("db:27017: timed out (configured timeouts: ...), Timeout: 5s, Topology Description: <...>",
         "no answer in time", f"docker compose up -d {COMPOSE_SERVICE}"),
        ("db:27017: something odd happened, Timeout: 5s, Topology Description: <...>", "something odd happened",
         "MONGODB_URI"),
    ],
)
def test_pymongo_errors_in_plain_words(message: str, reason: str, hint: str) -> None:
    said, advice = plain_reason(message)
    assert reason in said and hint in advice
    assert "Topology" not in said


def test_the_line_names_the_host_not_the_password() -> None:
    line = unreachable_message("mongodb://scoutly:s3cret-pw@db.lan:27017,db2.lan/scoutly?authSource=admin",
                               PYMONGO_REFUSED)
    assert line.startswith("MongoDB at db.lan:27017,db2.lan is unreachable: connection refused")
    assert "s3cret" not in line and "\n" not in line
    assert hosts_of("mongodb://localhost/scoutly") == "localhost"


def test_the_hint_names_a_compose_service_that_exists() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert COMPOSE_SERVICE in compose["services"]


def test_unreachable_mongodb_is_one_readable_line(scoutly, monkeypatch) -> None:
    port = closed_port()
    monkeypatch.setenv("MONGODB_URI", f"mongodb://u:pw@127.0.0.1:{port}/scoutly")
    monkeypatch.setenv("SCOUTLY_MONGODB_TIMEOUT_MS", "100")
    code, out, err = scoutly("status")
    assert code == 2 and out == ""
    assert err.strip() == (
        f"scoutly: MongoDB at 127.0.0.1:{port} is unreachable: connection refused (nothing listens on that port) — "
        f"is it running? `docker compose up -d {COMPOSE_SERVICE}` (or `sudo systemctl start mongod`); "
        "is MONGODB_URI right?"
    )


async def test_doctor_fix_names_the_compose_service() -> None:
    from scoutly.ops.doctor import check_mongodb

    settings = SimpleNamespace(mongodb_uri=f"mongodb://127.0.0.1:{closed_port()}/scoutly", mongodb_timeout_ms=100)
    checks, mongo = await check_mongodb(settings)
    assert mongo is None and checks[0].ok is False
    assert f"docker compose up -d {COMPOSE_SERVICE} " in checks[0].fix
    assert "connection refused" in checks[0].detail


# --- settings ------------------------------------------------------------------------------------------------


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    import os

    for name in list(os.environ):
        if name.startswith("SCOUTLY_") or name in ("MONGODB_URI", "GEMINI_API_KEY"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_bad_setting_is_one_line_naming_its_variable(clean_env, monkeypatch) -> None:
    monkeypatch.setenv("SCOUTLY_GEMINI_MODEL_LIMITS", "{bad")
    monkeypatch.setenv("SCOUTLY_CONCURRENCY", "9")
    (clean_env / ".env").write_text("SCOUTLY_MAX_ATTEMPTS=lots\nSCOUTLY_CONCURRENCY=2\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings()
    lines = str(err.value).splitlines()
    assert lines[0] == "3 bad settings:"
    by_variable = {line.split(":", 1)[0]: line for line in lines[1:]}
    assert set(by_variable) == {"SCOUTLY_GEMINI_MODEL_LIMITS", "SCOUTLY_CONCURRENCY", "SCOUTLY_MAX_ATTEMPTS"}
    assert "not valid JSON" in by_variable["SCOUTLY_GEMINI_MODEL_LIMITS"]
    assert "(got '9')" in by_variable["SCOUTLY_CONCURRENCY"] and ".env" not in by_variable["SCOUTLY_CONCURRENCY"]
    assert by_variable["SCOUTLY_MAX_ATTEMPTS"].endswith("(got 'lots') (from .env)")


def test_one_bad_setting_from_the_cli_is_one_line(clean_env, scoutly) -> None:
    (clean_env / "prod.env").write_text("SCOUTLY_ATS_API_OVERRIDES={'greenhouse': 1}\n", encoding="utf-8")
    code, _, err = scoutly("status", "--env-file", "prod.env")
    assert code == 2
    assert err.strip().startswith("scoutly: SCOUTLY_ATS_API_OVERRIDES: not valid JSON")
    assert err.strip().endswith("(from prod.env)") and "Traceback" not in err


def test_a_log_level_loguru_lacks_is_a_settings_error(clean_env, monkeypatch) -> None:
    monkeypatch.setenv("SCOUTLY_LOG_LEVEL", "loud")
    with pytest.raises(ConfigError, match=r"^SCOUTLY_LOG_LEVEL: must be one of TRACE, DEBUG, .* \(got 'loud'\)$"):
        load_settings()
    monkeypatch.setenv("SCOUTLY_LOG_LEVEL", "warning")
    assert load_settings().log_level == "WARNING"


def test_log_settings_that_fail_at_setup_name_their_variable(clean_env, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("SCOUTLY_LOG_DIR", str(tmp_path / "logs"))
    (clean_env / ".env").write_text("SCOUTLY_LOG_ROTATION=banana\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^SCOUTLY_LOG_ROTATION='banana' \(from \.env\): not a size, duration"):
        setup_from_settings(load_settings())
    (clean_env / ".env").write_text("SCOUTLY_LOG_RETENTION=forever\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^SCOUTLY_LOG_RETENTION='forever' \(from \.env\): not a duration"):
        setup_from_settings(load_settings())
    (clean_env / ".env").write_text("", encoding="utf-8")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("SCOUTLY_LOG_DIR", str(blocker / "logs"))
    with pytest.raises(ConfigError, match=r"^SCOUTLY_LOG_DIR='.*/a-file/logs': cannot write the log file there"):
        setup_from_settings(load_settings())


def test_an_unknown_scoutly_variable_gets_a_warning_with_the_closest_name(clean_env, monkeypatch) -> None:
    monkeypatch.setenv("SCOUTLY_CONCURENCY", "3")
    monkeypatch.setenv("SCOUTLY_TEST_MONGODB_URI", "mongodb://localhost/scoutly_test")  # the suite's own
    (clean_env / ".env").write_text("SCOUTLY_MAX_ATEMPTS=3\nSCOUTLY_ZZZ=1\n", encoding="utf-8")
    warnings: list[str] = []
    load_settings(warn=warnings.append)
    assert warnings == [
        "warning: SCOUTLY_CONCURENCY is not a Scoutly setting, ignored; did you mean SCOUTLY_CONCURRENCY?",
        "warning: SCOUTLY_MAX_ATEMPTS (from .env) is not a Scoutly setting, ignored; did you mean "
        "SCOUTLY_MAX_ATTEMPTS?",
        "warning: SCOUTLY_ZZZ (from .env) is not a Scoutly setting, ignored (see README › Configuration)",
    ]


def test_the_cli_prints_unknown_variable_warnings(clean_env, scoutly, monkeypatch) -> None:
    monkeypatch.setenv("SCOUTLY_CONCURENCY", "3")
    monkeypatch.setenv("MONGODB_URI", f"mongodb://127.0.0.1:{closed_port()}/x")
    monkeypatch.setenv("SCOUTLY_MONGODB_TIMEOUT_MS", "100")
    _, _, err = scoutly("status")
    assert err.splitlines()[0] == (
        "scoutly: warning: SCOUTLY_CONCURENCY is not a Scoutly setting, ignored; did you mean SCOUTLY_CONCURRENCY?"
    )


# --- mongomock:// outside try/scrape ---------------------------------------------------------------------------


def test_an_in_memory_uri_is_explained_on_a_terminal(scoutly, monkeypatch, db_uri) -> None:
    import scoutly.cli.common as common

    monkeypatch.setenv("MONGODB_URI", db_uri)
    terminal = io.StringIO()
    monkeypatch.setattr(common, "err_console", Console(file=terminal, force_terminal=True, width=300))
    code, _, _ = scoutly("companies")
    assert code == 0
    said = terminal.getvalue()
    assert "is in memory: data lasts for this one command only" in said
    assert f"docker compose up -d {COMPOSE_SERVICE}" in said and "MONGODB_URI=mongodb://localhost" in said
    # Not in a pipe (in-process test runs share the double), and never for a real server.
    assert common.memory_warning("mongodb://localhost/scoutly") is None
    monkeypatch.setattr(common, "err_console", Console(file=io.StringIO(), force_terminal=False))
    code, _, err = scoutly("companies")
    assert code == 0 and "in memory" not in err


# --- scrape output, logs ---------------------------------------------------------------------------------------

LONG = "senior-platform-engineer-with-a-long-slug-so-that-the-url-is-wider-than-any-column"


@pytest.fixture
def broken_details(monkeypatch):
    monkeypatch.setenv("SCOUTLY_POLITENESS_DELAY_S", "0")  # one local host: no second's pause between its pages
    links = "".join(f"<li><a href='/jobs/{i}-{LONG}'>Platform Engineer {i}</a></li>" for i in range(2))
    with LocalServer() as server:
        server.route("/careers", f"<html><body><h1>Jobs</h1><ul>{links}</ul></body></html>")
        yield server


def test_detail_page_failures_are_printed_once_with_the_url_once(scoutly, broken_details, monkeypatch) -> None:
    import scoutly.cli.common as common

    monkeypatch.setattr(common.console, "width", 80)
    code, out, err = scoutly("scrape", "--url", broken_details.url("/careers"))
    assert code == 0, err
    url = broken_details.url(f"/jobs/0-{LONG}")
    assert out.count(f"note: no details (HTTP 404): {url}\n") == 1
    assert (out + err).count(f"/jobs/0-{LONG}") == 1  # the note; the table folds it whole, without an ellipsis:
    url_column = "".join(line.split("│")[-2].strip() for line in out.splitlines() if line.count("│") == 5)
    assert url in url_column
    assert "details of" not in err  # not logged as well
    assert "…" not in out  # no URL cut short with an ellipsis
    assert "--wide" in out


def test_wide_prints_each_url_whole_on_one_line(scoutly, broken_details) -> None:
    code, out, _ = scoutly("scrape", "--url", broken_details.url("/careers"), "--wide")
    url = broken_details.url(f"/jobs/1-{LONG}")
    assert code == 0 and any(line.rstrip(" │").endswith(url) for line in out.splitlines())


def test_log_lines_outside_a_job_have_no_placeholders() -> None:
    stream = io.StringIO()
    setup_logging(stream=stream)
    logger.info("outside")
    with logger.contextualize(run="r1", company="acme"):
        logger.info("inside")
    outside, inside = stream.getvalue().splitlines()
    assert outside.endswith("| INFO    | outside") and "- -" not in outside
    assert inside.endswith("| INFO    | r1 acme | inside")
    logger.remove()
    logger.add(sys.stderr)
