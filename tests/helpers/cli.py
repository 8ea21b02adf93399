"""Run the real `scoutly` entry point in-process (one-line errors and exit codes included), and reach the
test database from synchronous CLI tests."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import pytest

from scoutly.cli import app as cli_app
from scoutly.storage import connect


def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    """`scoutly ARGS` through `main()`; returns (exit code, stdout, stderr)."""
    capsys.readouterr()
    monkeypatch.setattr(sys, "argv", ["scoutly", *args])
    try:
        cli_app.main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err


def on_db(uri: str, work: Any) -> Any:
    """Run `await work(db)` against the database at `uri` and return its result."""

    async def go() -> Any:
        mongo = await connect(uri)
        try:
            return await work(mongo.db)
        finally:
            await mongo.close()

    return asyncio.run(go())
