"""Chromium's sandbox (scoutly/acquire/chromium_sandbox.py): the decision as pure logic, the host probe, one warning
per process, and real launches — `auto` here (the fallback when this runs as root), a sandboxed launch as an
unprivileged user when the tests run as root, and `auto`'s second chance when a sandboxed launch fails."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from loguru import logger

from scoutly.acquire import browser_procs, chromium_sandbox
from scoutly.acquire.browser import LAUNCH_ARGS, BrowserPool, BrowserUnavailable
from scoutly.acquire.chromium_sandbox import HostFacts, SandboxDecision, after_failed_launch, decide
from scoutly.config import Settings
from scoutly.ops.doctor import check_chromium, check_chromium_sandbox
from scoutly.testing.http_server import LocalServer

REPO = Path(__file__).resolve().parents[1]
needs_chromium = pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")
PAGE = "<html><body><h1>Careers</h1><a href='/jobs/1'>Engineer</a></body></html>"


@pytest.fixture(autouse=True)
def fresh_decisions() -> Iterator[None]:
    chromium_sandbox.forget()
    yield
    chromium_sandbox.forget()


@pytest.fixture
def warnings() -> Iterator[list[str]]:
    seen: list[str] = []
    handler = logger.add(lambda message: seen.append(message.record["message"]), level="WARNING")
    yield seen
    logger.remove(handler)


# --- the decision (pure) --------------------------------------------------------------------------------------
USER = HostFacts(euid=1000, userns=True)


def test_off_and_on_are_what_they_say_whatever_the_host() -> None:
    off = decide("off", None)
    assert not off.sandbox and not off.fallback and off.args == ["--no-sandbox"]
    on = decide("on", HostFacts(euid=0, userns=False))
    assert on.sandbox and on.args == [] and not on.fallback


def test_auto_sandboxes_a_normal_user_with_user_namespaces() -> None:
    decision = decide("auto", USER)
    assert decision.sandbox and decision.args == [] and not decision.fallback
    assert decision.label == "sandbox on (user namespaces available)"


def test_auto_falls_back_as_root_and_without_user_namespaces_saying_why() -> None:
    root = decide("auto", HostFacts(euid=0, userns=True))
    assert not root.sandbox and root.fallback and "root" in root.reason and root.args == ["--no-sandbox"]
    blocked = decide("auto", HostFacts(euid=1000, userns=False, userns_detail="unshare(CLONE_NEWUSER): EPERM"))
    assert not blocked.sandbox and blocked.fallback and "EPERM" in blocked.reason


def test_auto_needs_facts_and_unknown_modes_are_refused() -> None:
    with pytest.raises(ValueError, match="probe_host"):
        decide("auto", None)
    with pytest.raises(ValueError, match="auto, on, off"):
        decide("maybe", USER)  # type: ignore[arg-type]


def test_only_a_sandboxed_auto_launch_gets_a_second_chance() -> None:
    fallback = after_failed_launch(decide("auto", USER), "No usable sandbox!")
    assert fallback is not None and not fallback.sandbox and fallback.fallback
    assert "No usable sandbox" in fallback.reason
    assert after_failed_launch(decide("on", USER), "No usable sandbox!") is None  # on means on
    assert after_failed_launch(decide("off", None), "boom") is None  # nothing to give up
    assert after_failed_launch(decide("auto", HostFacts(0, True)), "boom") is None  # already without


def test_static_launch_args_no_longer_disable_the_sandbox() -> None:
    assert "--no-sandbox" not in LAUNCH_ARGS


def test_settings_accept_the_three_modes_and_refuse_others() -> None:
    assert Settings(_env_file=None).chromium_sandbox == "auto"
    assert Settings(_env_file=None, chromium_sandbox="on").chromium_sandbox == "on"
    with pytest.raises(ValueError):
        Settings(_env_file=None, chromium_sandbox="maybe")


# --- the probe and the per-process memory --------------------------------------------------------------------
def test_probe_reports_this_process_and_a_reason_when_namespaces_are_refused() -> None:
    facts = chromium_sandbox.probe_host()
    assert facts.euid == os.geteuid()
    assert facts.userns == (facts.userns_detail == "")
    unshare = shutil.which("unshare")
    if unshare:  # util-linux agrees with the probe
        agrees = subprocess.run([unshare, "--user", "true"], capture_output=True).returncode == 0
        assert facts.userns == agrees


def test_auto_probes_once_and_warns_once(monkeypatch: pytest.MonkeyPatch, warnings: list[str]) -> None:
    probes = []

    def probe() -> HostFacts:
        probes.append(1)
        return HostFacts(euid=0, userns=True)

    monkeypatch.setattr(chromium_sandbox, "probe_host", probe)
    first = chromium_sandbox.current("auto")
    again = chromium_sandbox.current("auto")
    assert first is again and not first.sandbox and len(probes) == 1
    assert len(warnings) == 1 and "WITHOUT its sandbox" in warnings[0] and "root" in warnings[0]


def test_explicit_off_is_logged_but_not_a_warning(monkeypatch: pytest.MonkeyPatch, warnings: list[str]) -> None:
    monkeypatch.setattr(chromium_sandbox, "probe_host", lambda: pytest.fail("off needs no probe"))
    assert not chromium_sandbox.current("off").sandbox
    assert warnings == []


# --- real launches --------------------------------------------------------------------------------------------
@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        running.route("/careers", PAGE)
        yield running


def user_namespace(proc: psutil.Process) -> str:
    return os.readlink(f"/proc/{proc.pid}/ns/user")


def namespaces_of(pool: BrowserPool) -> tuple[str, set[str], list[str]]:
    """(browser's user namespace, renderers' user namespaces, the browser's command line), while a page is open."""
    browser = pool._process
    assert browser is not None
    renderer_ns = set()
    for proc in browser_procs.tree(browser):
        try:
            if "--type=renderer" in proc.cmdline():
                renderer_ns.add(user_namespace(proc))
        except (psutil.Error, OSError):  # a renderer of a closed page that just exited
            continue
    assert renderer_ns, "no living renderer process found"
    return user_namespace(browser), renderer_ns, browser.cmdline()


@needs_chromium
@pytest.mark.browser
async def test_auto_launch_here_matches_the_decision_and_renderers_show_it(
    server: LocalServer, warnings: list[str]
) -> None:
    expected = decide("auto", chromium_sandbox.probe_host())
    async with BrowserPool(Settings(_env_file=None, chromium_sandbox="auto"), max_pages=1) as pool:
        async with pool.session() as session:
            page = await session.render_page(server.url("/careers"))
            assert "Engineer" in page.html
            assert pool.sandbox == expected
            browser_ns, renderer_ns, cmdline = namespaces_of(pool)
        page = await pool.render_page(server.url("/careers"))  # a second page: no second probe or warning
    assert ("--no-sandbox" in cmdline) == (not expected.sandbox)
    if expected.sandbox:
        assert browser_ns not in renderer_ns  # renderers live in their own user namespace
        assert warnings == []
    else:
        assert renderer_ns == {browser_ns}
        assert len([w for w in warnings if "WITHOUT its sandbox" in w]) == 1


@needs_chromium
@pytest.mark.browser
@pytest.mark.skipif(os.geteuid() != 0, reason="only root makes a sandboxed launch fail for sure")
async def test_auto_falls_back_once_when_the_sandboxed_launch_fails(
    server: LocalServer, warnings: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The probe is told this is a normal user; Chromium, really running as root, refuses its sandbox."""
    monkeypatch.setattr(chromium_sandbox, "probe_host", lambda: USER)
    async with BrowserPool(Settings(_env_file=None, chromium_sandbox="auto"), max_pages=1) as pool:
        page = await pool.render_page(server.url("/careers"))
        assert "Engineer" in page.html
        assert pool.sandbox is not None and not pool.sandbox.sandbox and pool.sandbox.fallback
        assert "sandboxed launch failed" in pool.sandbox.reason
    assert len(warnings) == 1 and "sandboxed launch failed" in warnings[0]


@needs_chromium
@pytest.mark.browser
@pytest.mark.skipif(os.geteuid() != 0, reason="only root makes a sandboxed launch fail for sure")
async def test_on_never_falls_back_and_says_how_to_fix_it(server: LocalServer) -> None:
    async with BrowserPool(Settings(_env_file=None, chromium_sandbox="on"), max_pages=1) as pool:
        with pytest.raises(BrowserUnavailable, match="SCOUTLY_CHROMIUM_SANDBOX=on needs a non-root user"):
            await pool.render_page(server.url("/careers"))


SANDBOXED_RUN = textwrap.dedent(
    """
    import asyncio, json, os, sys
    sys.path[:0] = [sys.argv[1], sys.argv[1] + "/tests"]
    from test_chromium_sandbox import namespaces_of
    from scoutly.acquire.browser import BrowserPool
    from scoutly.config import Settings

    async def main():
        async with BrowserPool(Settings(_env_file=None, chromium_sandbox="auto"), max_pages=1) as pool:
            async with pool.session() as session:
                page = await session.render_page(sys.argv[2])
                browser_ns, renderer_ns, cmdline = namespaces_of(pool)
            assert os.geteuid() != 0
            print(json.dumps({"sandbox": pool.sandbox.sandbox, "reason": pool.sandbox.reason, "html": page.html,
                              "separate": browser_ns not in renderer_ns, "no_sandbox": "--no-sandbox" in cmdline}))

    asyncio.run(main())
    """
)


@needs_chromium
@pytest.mark.browser
@pytest.mark.skipif(shutil.which("unshare") is None, reason="util-linux unshare is not installed")
@pytest.mark.skipif(not chromium_sandbox.probe_host().userns, reason="this kernel allows no user namespaces")
def test_auto_runs_sandboxed_as_a_normal_user(server: LocalServer, tmp_path: Path) -> None:
    """The appliance's real case: a normal user on a kernel with user namespaces gets the sandbox. The run is
    in a user namespace where this process is uid 1000 (not root), so it is a normal user even under root."""
    result = subprocess.run(
        ["unshare", "--user", "--map-user=1000", "--map-group=1000", "env", f"HOME={tmp_path}",
         f"TMPDIR={tmp_path}", sys.executable, "-c", SANDBOXED_RUN, str(REPO), server.url("/careers")],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["sandbox"] and outcome["reason"] == "user namespaces available"
    assert "Engineer" in outcome["html"]
    assert outcome["separate"] and not outcome["no_sandbox"]


@needs_chromium
@pytest.mark.browser
async def test_doctor_reports_the_sandbox_mode() -> None:
    settings = Settings(_env_file=None, chromium_sandbox="off")
    chromium = await check_chromium(settings)
    assert chromium.ok and "sandbox off (SCOUTLY_CHROMIUM_SANDBOX=off)" in chromium.detail
    sandbox = check_chromium_sandbox(settings)
    assert sandbox.ok is None and sandbox.detail == "off: SCOUTLY_CHROMIUM_SANDBOX=off" and sandbox.fix == ""
    chromium_sandbox.forget()
    auto = check_chromium_sandbox(Settings(_env_file=None))
    expected = decide("auto", chromium_sandbox.probe_host())
    assert (auto.ok is True) == expected.sandbox and expected.reason in auto.detail
    assert SandboxDecision("on", True, "x").label == "sandbox on (x)"
