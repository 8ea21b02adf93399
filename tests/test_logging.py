"""Loguru setup: redaction everywhere, run id bound per job, JSON lines, rotating file."""

from __future__ import annotations

import io
import json
import logging as std_logging

import pytest
from loguru import logger

from scoutly.log_setup import setup_logging
from scoutly.redact import register_secret

GEMINI_KEY = "AIzaSyD-THIS_IS_A_FAKE_KEY_1234567890"
MONGO_URI = "mongodb://scoutly:hunter2secret@db.example:27017/scoutly"
APPRISE_URL = "tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/987654321"


@pytest.fixture(autouse=True)
def _restore_logger():
    yield
    logger.remove()
    logger.add(__import__("sys").stderr)


def test_secrets_never_reach_stderr_or_file(tmp_path):
    register_secret(APPRISE_URL)
    stream = io.StringIO()
    path = setup_logging(log_dir=tmp_path, stream=stream, colorize=False)
    logger.info("key {} uri {} url {}", GEMINI_KEY, MONGO_URI, APPRISE_URL)
    logger.bind(detail=f"?key={GEMINI_KEY}").warning("bound extras are redacted too")
    try:
        raise RuntimeError(f"connect failed for {MONGO_URI} using {GEMINI_KEY}")
    except RuntimeError:
        logger.exception("boom")
    std_logging.getLogger("scoutly.thirdparty").warning("stdlib says %s", APPRISE_URL)
    logger.complete()
    file_text = path.read_text()
    for text in (stream.getvalue(), file_text):
        assert "hunter2secret" not in text
        assert GEMINI_KEY not in text
        assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" not in text
        assert "RuntimeError: connect failed for mongodb://scoutly:***@db.example" in text
        assert "stdlib says ***" in text
    assert path.name == "scoutly.log"


def test_run_id_is_in_every_line_of_a_job():
    stream = io.StringIO()
    setup_logging(stream=stream, colorize=False)
    logger.info("before")
    with logger.contextualize(run="run-42", company="acme"):
        logger.info("acquiring")
        logger.info("analysing")
    logger.info("after")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 4
    assert "run-42 acme" not in lines[0] and "run-42 acme" not in lines[3]
    assert all("run-42 acme" in line for line in lines[1:3])


def test_json_lines_on_request(tmp_path):
    stream = io.StringIO()
    path = setup_logging(log_dir=tmp_path, json=True, stream=stream)
    with logger.contextualize(run="r1", company="acme"):
        logger.info("found {} postings with key {}", 3, GEMINI_KEY)
    for text in (stream.getvalue(), path.read_text()):
        record = json.loads(text.strip().splitlines()[-1])["record"]
        assert record["message"] == "found 3 postings with key AIza***"
        assert record["extra"] == {"run": "r1", "company": "acme"}


def test_log_file_rotates_and_is_retained(tmp_path):
    setup_logging(log_dir=tmp_path, stream=io.StringIO(), rotation="2 KB", retention=3)
    for index in range(200):
        logger.info("line {} {}", index, "x" * 40)
    logger.complete()
    files = sorted(p.name for p in tmp_path.iterdir())
    assert "scoutly.log" in files
    rotated = [name for name in files if name != "scoutly.log"]
    assert 1 <= len(rotated) <= 3  # older files removed by retention
