"""The browser layer's pure helpers and process bookkeeping (fast; no Chromium needed)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import psutil
import pytest

from scoutly.acquire import browser_procs
from scoutly.acquire.browser import BrowserPool, BrowserUnavailable, chromium_executable
from scoutly.acquire.browser_session import _append_before_body_end, reason
from scoutly.config import Settings
from scoutly.errors import ConfigError


def test_frame_sections_go_before_the_last_body_end_tag() -> None:
    assert _append_before_body_end("<html><BODY>x</BODY></html>", "<s/>") == "<html><BODY>x<s/></BODY></html>"
    assert _append_before_body_end("<p>no body</p>", "<s/>") == "<p>no body</p><s/>"


def test_reason_is_the_first_line_without_the_api_name() -> None:
    error = Exception("Page.goto: net::ERR_CONNECTION_REFUSED at http://x/\nCall log:\n  - navigating to ...")
    assert reason(error) == "net::ERR_CONNECTION_REFUSED at http://x/"
    assert reason(Exception("")) == "Exception"


def test_chromium_executable_names_the_setting_when_missing(tmp_path, monkeypatch) -> None:
    with pytest.raises(BrowserUnavailable, match=r"^SCOUTLY_CHROMIUM_PATH: .* does not exist$") as raised:
        chromium_executable(Settings(_env_file=None, chromium_path=str(tmp_path / "nope")))
    assert isinstance(raised.value, ConfigError)
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    assert chromium_executable(Settings(_env_file=None, chromium_path=str(fake))) == str(fake)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert chromium_executable(Settings(_env_file=None, chromium_path=None)) == str(fake)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(BrowserUnavailable, match="not found on PATH"):
        chromium_executable(Settings(_env_file=None, chromium_path=None))


def test_pool_rejects_a_non_positive_budget() -> None:
    with pytest.raises(ValueError, match="positive"):
        BrowserPool(Settings(_env_file=None), max_pages=0)


def test_marker_names_its_owner_and_is_found_in_a_command_line() -> None:
    marker = browser_procs.new_marker()
    assert marker.startswith(f"{os.getpid()}-")
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", browser_procs.marker_arg(marker)])
    try:
        deadline = time.monotonic() + 5
        while browser_procs.find_browser(marker) is None:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert browser_procs.find_browser(marker).pid == child.pid
        browser_procs.reap_orphans()
        assert child.poll() is None  # its owner (this test) is alive: not an orphan, kept
    finally:
        child.kill()
        child.wait()
    assert browser_procs.marked_processes(marker) == []


def test_tree_memory_is_measured_and_gone_trees_are_empty() -> None:
    me = psutil.Process()
    assert browser_procs.tree_memory_mb(browser_procs.tree(me)) > 1
    assert browser_procs.tree(None) == []
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    handle = psutil.Process(dead.pid)
    dead.wait()
    assert browser_procs.tree(handle) == []
    assert browser_procs.tree_memory_mb([handle]) == 0
    assert browser_procs.largest_renderer([me]) is None  # not a Chromium renderer
