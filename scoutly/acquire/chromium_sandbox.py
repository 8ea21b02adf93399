"""Chromium's sandbox: on wherever the kernel allows it; `--no-sandbox` only as a logged, explicit fallback.

`SCOUTLY_CHROMIUM_SANDBOX`:
- `auto` (default): probe once per process. Debian's Chromium has no setuid helper, so its sandbox needs
  unprivileged user namespaces, and Chromium refuses its sandbox when running as root. Not root and a user
  namespace can be created: sandbox on. Otherwise (root, a kernel or seccomp profile without user namespaces,
  e.g. Docker's default) the sandbox is off, with one warning that says why. A sandboxed launch that still
  fails (e.g. AppArmor restricting user namespaces) falls back the same way, once.
- `on`: always sandboxed; a launch that fails says how to fix it. Never falls back.
- `off`: explicitly without the sandbox (logged once).

`decide` is pure; `probe_host` and `current` do the I/O.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Literal

from loguru import logger

SandboxMode = Literal["auto", "on", "off"]
SANDBOX_MODES: tuple[SandboxMode, ...] = ("auto", "on", "off")
NO_SANDBOX_ARG = "--no-sandbox"

# A child Python process tries unshare(CLONE_NEWUSER), which is what Chromium's namespace sandbox does first.
# It runs in a fresh single-threaded process: unshare of a user namespace fails in a multi-threaded one.
_CLONE_NEWUSER = 0x10000000
_USERNS_PROBE = (
    "import ctypes, sys\n"
    "libc = ctypes.CDLL(None, use_errno=True)\n"
    f"sys.exit(0 if libc.unshare({_CLONE_NEWUSER}) == 0 else min(ctypes.get_errno(), 120) or 1)\n"
)
PROBE_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class HostFacts:
    """What decides whether Chromium can sandbox itself here."""

    euid: int
    userns: bool  # an unprivileged user namespace could be created
    userns_detail: str = ""  # why not, when not


@dataclass(frozen=True)
class SandboxDecision:
    """How Chromium is launched: sandboxed or not, and why."""

    mode: SandboxMode
    sandbox: bool
    reason: str
    fallback: bool = False  # `auto` wanted the sandbox and could not have it

    @property
    def args(self) -> list[str]:
        """Extra Chromium arguments: `--no-sandbox` only when the sandbox is off."""
        return [] if self.sandbox else [NO_SANDBOX_ARG]

    @property
    def label(self) -> str:
        """One line for logs, the doctor and the progress display."""
        return f"sandbox {'on' if self.sandbox else 'off'} ({self.reason})"


def decide(mode: SandboxMode, facts: HostFacts | None) -> SandboxDecision:
    """The launch mode for `mode` on a host with `facts` (None: not probed, only needed for `auto`)."""
    if mode == "off":
        return SandboxDecision(mode, False, "SCOUTLY_CHROMIUM_SANDBOX=off")
    if mode == "on":
        return SandboxDecision(mode, True, "SCOUTLY_CHROMIUM_SANDBOX=on")
    if mode != "auto":
        raise ValueError(f"SCOUTLY_CHROMIUM_SANDBOX must be one of {', '.join(SANDBOX_MODES)}, not {mode!r}")
    if facts is None:
        raise ValueError("auto needs the host's facts (probe_host)")
    if facts.euid == 0:
        return SandboxDecision(mode, False, "running as root: Chromium allows no sandbox for root", fallback=True)
    if not facts.userns:
        detail = f": {facts.userns_detail}" if facts.userns_detail else ""
        return SandboxDecision(mode, False, f"no user namespaces here{detail}", fallback=True)
    return SandboxDecision(mode, True, "user namespaces available")


def after_failed_launch(decision: SandboxDecision, error: str) -> SandboxDecision | None:
    """`auto`'s second chance: a sandboxed launch failed, so launch without (None: do not retry)."""
    if decision.mode != "auto" or not decision.sandbox:
        return None
    return SandboxDecision("auto", False, f"the sandboxed launch failed: {error[:160]}", fallback=True)


def probe_host() -> HostFacts:
    """The effective user, and whether this kernel (and seccomp/AppArmor policy) lets us create a user namespace."""
    euid = os.geteuid()
    try:
        result = subprocess.run(
            [sys.executable, "-I", "-c", _USERNS_PROBE], capture_output=True, timeout=PROBE_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return HostFacts(euid, False, f"probe failed ({type(exc).__name__})")
    if result.returncode == 0:
        return HostFacts(euid, True)
    if result.returncode < 0:
        return HostFacts(euid, False, f"probe killed by signal {-result.returncode}")
    return HostFacts(euid, False, f"unshare(CLONE_NEWUSER): {os.strerror(result.returncode)}")


_decided: dict[SandboxMode, SandboxDecision] = {}


def current(mode: SandboxMode) -> SandboxDecision:
    """The decision for `mode` in this process: probed and logged once, then reused."""
    decision = _decided.get(mode)
    if decision is None:
        decision = decide(mode, probe_host() if mode == "auto" else None)
        remember(decision)
    return decision


def remember(decision: SandboxDecision) -> None:
    """Keep `decision` for this process and log it once (a warning when `auto` fell back)."""
    _decided[decision.mode] = decision
    if decision.fallback:
        logger.warning(
            "Chromium runs WITHOUT its sandbox: {}. Run Scoutly as a normal user on a kernel with user "
            "namespaces to get it back, or set SCOUTLY_CHROMIUM_SANDBOX=off to say this is intended.",
            decision.reason,
        )
    elif not decision.sandbox:
        logger.info("Chromium runs without its sandbox ({})", decision.reason)
    else:
        logger.info("Chromium {}", decision.label)


def forget() -> None:
    """Drop the remembered decisions (tests)."""
    _decided.clear()
