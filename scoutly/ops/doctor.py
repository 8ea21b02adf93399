"""`scoutly debug doctor`: is this machine ready to run Scoutly? One check per dependency, each with a fix."""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import dataclass
from pathlib import Path

from scoutly.acquire import chromium_sandbox
from scoutly.acquire.browser import chromium_executable
from scoutly.clock import as_utc, utcnow
from scoutly.config import Settings
from scoutly.credentials import FIX as PASSWORD_FIX
from scoutly.credentials import placeholder_problems
from scoutly.errors import ScoutlyError
from scoutly.redact import redact
from scoutly.storage import Mongo, connect
from scoutly.storage.indexes import INDEXES
from scoutly.storage.unreachable import COMPOSE_SERVICE

MIN_FREE_BYTES = 1 << 30  # 1 GiB
MAX_CLOCK_SKEW_SECONDS = 60
SKIPPED = "skipped"
DOCTOR_MONGODB_TIMEOUT_MS = 3000  # the doctor asks quickly; a lower SCOUTLY_MONGODB_TIMEOUT_MS wins


@dataclass
class Check:
    name: str
    ok: bool | None  # None: skipped
    detail: str
    fix: str = ""

    @property
    def symbol(self) -> str:
        return "✓" if self.ok else ("–" if self.ok is None else "✗")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return redact(text)[:200]


def check_passwords(settings: Settings) -> Check:
    """No password is still the placeholder that .env.example ships with."""
    problems = placeholder_problems(settings)
    if problems:
        return Check("passwords", False, f"placeholder password in {', '.join(problems)}", PASSWORD_FIX)
    return Check("passwords", True, "no placeholder password")


async def check_mongodb(settings: Settings, *, create_indexes: bool = False) -> tuple[list[Check], Mongo | None]:
    """Reachable, and every index of scoutly/storage/indexes.py present (created first if asked). Waits at most
    3 s for an answer, less if SCOUTLY_MONGODB_TIMEOUT_MS says so."""
    try:
        timeout_ms = min(DOCTOR_MONGODB_TIMEOUT_MS, settings.mongodb_timeout_ms)
        mongo = await connect(settings.mongodb_uri, create_indexes=create_indexes, timeout_ms=timeout_ms)
    except ScoutlyError as exc:
        return [
            Check(
                "MongoDB reachable",
                False,
                _first_line(exc),
                f"start MongoDB (docker compose up -d {COMPOSE_SERVICE} / sudo systemctl start mongod) and check "
                "MONGODB_URI",
            )
        ], None
    checks = [Check("MongoDB reachable", True, redact(settings.mongodb_uri))]
    missing = []
    for collection, models in INDEXES.items():
        if not models:
            continue
        names = {doc["name"] async for doc in await mongo.db[collection].list_indexes()}
        missing += [f"{collection}.{m.document['name']}" for m in models if m.document["name"] not in names]
    if missing:
        checks.append(
            Check(
                "indexes present",
                False,
                f"missing: {', '.join(missing[:6])}{' …' if len(missing) > 6 else ''}",
                "create them: scoutly debug doctor --create-indexes",
            )
        )
    else:
        checks.append(Check("indexes present", True, f"{sum(len(m) for m in INDEXES.values())} indexes"))
    return checks, mongo


async def check_clock(mongo: Mongo | None) -> Check:
    """Local clock is plausible and agrees with the database server's."""
    now = utcnow()
    if now.year < 2024:
        return Check("clock", False, f"system time is {now:%Y-%m-%d}", "enable NTP: timedatectl set-ntp true")
    if mongo is None or mongo.is_memory:
        return Check("clock", True, f"{now:%Y-%m-%d %H:%M:%S} UTC (no server to compare)")
    try:
        hello = await mongo.db.command("hello")
    except Exception as exc:
        return Check("clock", None, f"cannot ask MongoDB for its time: {_first_line(exc)}")
    server = as_utc(hello.get("localTime"))
    if server is None:
        return Check("clock", True, f"{now:%Y-%m-%d %H:%M:%S} UTC")
    skew = abs((utcnow() - server).total_seconds())
    if skew > MAX_CLOCK_SKEW_SECONDS:
        return Check(
            "clock",
            False,
            f"{skew:.0f}s apart from MongoDB's clock (leases and schedules need agreement)",
            "enable NTP on both machines: timedatectl set-ntp true",
        )
    return Check("clock", True, f"within {skew:.1f}s of MongoDB's clock")


async def check_chromium(settings: Settings, *, launch: bool = True) -> Check:
    """Chromium found and launchable through Playwright (its version)."""
    try:
        executable = chromium_executable(settings)
    except ScoutlyError as exc:
        return Check("Chromium", False, _first_line(exc), "apt-get install chromium or set SCOUTLY_CHROMIUM_PATH")
    if not launch:
        return Check("Chromium", True, executable)
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import async_playwright

    sandbox = await asyncio.to_thread(chromium_sandbox.current, settings.chromium_sandbox)
    try:
        async with async_playwright() as playwright:
            try:
                browser = await playwright.chromium.launch(
                    executable_path=executable, headless=True, chromium_sandbox=sandbox.sandbox, args=sandbox.args
                )
            except PlaywrightError as exc:  # auto: the same one fallback as the browser pool's
                fallback = chromium_sandbox.after_failed_launch(sandbox, _first_line(exc))
                if fallback is None:
                    raise
                chromium_sandbox.remember(fallback)
                sandbox = fallback
                browser = await playwright.chromium.launch(
                    executable_path=executable, headless=True, chromium_sandbox=False, args=sandbox.args
                )
            version = browser.version
            await browser.close()
    except Exception as exc:
        return Check(
            "Chromium",
            False,
            f"{executable} does not start: {_first_line(exc)}",
            "reinstall chromium (apt-get install --reinstall chromium); check free memory",
        )
    return Check("Chromium", True, f"{executable} {version}, {sandbox.label}")


def check_chromium_sandbox(settings: Settings) -> Check:
    """Whether Chromium gets its sandbox in this process (✓), or runs without it and why (–)."""
    sandbox = chromium_sandbox.current(settings.chromium_sandbox)
    if sandbox.sandbox:
        return Check("Chromium sandbox", True, sandbox.reason)
    fix = "" if sandbox.mode == "off" else "run Scoutly as a normal user on a kernel with user namespaces"
    return Check("Chromium sandbox", None, f"off: {sandbox.reason}", fix)


async def check_gemini(settings: Settings) -> Check:
    """The key is accepted and the configured models exist (models.list); skipped without a key."""
    key = settings.gemini_key()
    if key is None:
        return Check("Gemini", None, "no GEMINI_API_KEY: Gemini stages are skipped, keyword matching runs")
    from scoutly.analysis.gemini import make_client

    wanted = [settings.gemini_screen_model, settings.gemini_deep_model, *settings.gemini_fallback_models]
    try:
        client = make_client(settings)
        pager = await client.aio.models.list(config={"page_size": 100})
        names = set()
        async for model in pager:
            names.add((model.name or "").removeprefix("models/"))
    except Exception as exc:
        return Check(
            "Gemini",
            False,
            f"key rejected or API unreachable: {_first_line(exc)}",
            "check GEMINI_API_KEY (https://aistudio.google.com/apikey) and outbound HTTPS",
        )
    missing = sorted({model for model in wanted if model not in names})
    if missing:
        return Check(
            "Gemini",
            False,
            f"key accepted; models not available: {', '.join(missing)}",
            "set SCOUTLY_GEMINI_SCREEN_MODEL / _DEEP_MODEL / _FALLBACK_MODELS to models your key can use",
        )
    return Check("Gemini", True, f"key accepted; {', '.join(dict.fromkeys(wanted))} available")


def check_disk(path: Path, *, min_free: int = MIN_FREE_BYTES) -> Check:
    """Free space where logs (and usually MongoDB) live."""
    target = path if path.exists() else Path.cwd()
    usage = shutil.disk_usage(target)
    free_gb = usage.free / (1 << 30)
    detail = f"{free_gb:.1f} GB free on {target}"
    if usage.free < min_free:
        return Check("disk space", False, detail, "free space: old logs, `docker system prune`, journalctl --vacuum")
    return Check("disk space", True, detail)


async def run_doctor(settings: Settings, *, launch_browser: bool = True, create_indexes: bool = False) -> list[Check]:
    """Every check, in a fixed order."""
    checks, mongo = await check_mongodb(settings, create_indexes=create_indexes)
    checks.insert(0, check_passwords(settings))
    try:
        checks.append(await check_clock(mongo))
    finally:
        if mongo is not None:
            await mongo.close()
    checks.append(await check_chromium(settings, launch=launch_browser))
    checks.append(await asyncio.to_thread(check_chromium_sandbox, settings))
    checks.append(await check_gemini(settings))
    checks.append(check_disk(settings.log_dir or Path.cwd()))
    return checks
