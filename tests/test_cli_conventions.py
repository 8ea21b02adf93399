"""CLI conventions a Typer/Rich user expects: readable help, `-h`, bare groups print help and exit 0,
`--env-file` after the subcommand."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from scoutly.cli.app import app
from scoutly.cli.group import hoist_global_options
from tests.helpers.cli import run_cli

PLACEHOLDER = re.compile(r"<(bool|str|int|float|path)>|\{[a-z_]+\}")


def _command_paths() -> list[tuple[str, ...]]:
    """Every command and group, as the words a user types after `scoutly`."""
    paths: list[tuple[str, ...]] = [()]

    def walk(command, prefix: tuple[str, ...]) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            paths.append((*prefix, name))
            walk(sub, (*prefix, name))

    root = typer.main.get_command(app)
    with typer.Context(root) as ctx:
        for name in root.list_commands(ctx):
            sub = root.get_command(ctx, name)
            paths.append((name,))
            walk(sub, (name,))
    return paths


@pytest.fixture
def scoutly(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    # Nothing here may reach a database: a command that tried would fail fast on this closed port.
    monkeypatch.setenv("MONGODB_URI", "mongodb://127.0.0.1:9/scoutly")
    monkeypatch.setenv("SCOUTLY_MONGODB_TIMEOUT_MS", "100")

    def call(*args: str) -> tuple[int, str, str]:
        return run_cli(monkeypatch, capsys, *args)

    return call


def test_every_help_reads_like_a_normal_typer_cli_and_dash_h_is_help(scoutly) -> None:
    paths = _command_paths()
    assert ("notify", "send") in paths and ("debug", "doctor") in paths
    for path in paths:
        code, long_help, err = scoutly(*path, "--help")
        assert code == 0 and "Usage: scoutly" in long_help, (path, err)
        assert not PLACEHOLDER.search(long_help), (path, PLACEHOLDER.search(long_help).group(0))
        code, short_help, _ = scoutly(*path, "-h")
        assert (code, short_help) == (0, long_help), path


@pytest.mark.parametrize("group", [(), ("seed",), ("notify",), ("debug",), ("profile",)])
def test_a_bare_group_prints_its_help_and_exits_0(scoutly, group: tuple[str, ...]) -> None:
    code, out, err = scoutly(*group)
    assert code == 0, err
    assert out.lstrip().startswith(f"Usage: {' '.join(('scoutly', *group))} [OPTIONS] COMMAND")
    assert err == ""


def test_bare_notify_sends_nothing_and_send_is_explicit(scoutly) -> None:
    code, out, _ = scoutly("notify")
    assert code == 0 and "send" in out and "messages sent" not in out
    # `notify send` (and the kept short form `notify --digest`) do try to reach the database.
    code, _, err = scoutly("notify", "send")
    assert code == 2 and "MongoDB" in err
    code, _, err = scoutly("notify", "--digest")
    assert code == 2 and "MongoDB" in err
    code, _, err = scoutly("notify", "--user", "ana@example.org", "list")
    assert code == 2 and "go after `send`" in err


def test_env_file_is_accepted_after_the_subcommand(scoutly, tmp_path: Path) -> None:
    code, _, err = scoutly("status", "--env-file", "missing.env")
    assert code == 2 and err.strip() == "scoutly: missing.env: env file not found"
    code, _, err = scoutly("debug", "doctor", "--env-file=other.env")
    assert code == 2 and err.strip() == "scoutly: other.env: env file not found"


def test_hoisting_global_options() -> None:
    assert hoist_global_options(["status", "--env-file", "a.env", "--json"]) == ["--env-file", "a.env", "status",
                                                                                 "--json"]
    assert hoist_global_options(["seed", "--env-file=a.env"]) == ["--env-file=a.env", "seed"]
    # A trailing option without a value, and anything after `--`, is left to the parser.
    assert hoist_global_options(["status", "--env-file"]) == ["status", "--env-file"]
    assert hoist_global_options(["x", "--", "--env-file", "a"]) == ["x", "--", "--env-file", "a"]


HEAVY = ("google.genai", "playwright", "scoutly.processor.worker", "scoutly.analysis.pipeline")


def _modules_loaded_by(*args: str, env: dict[str, str] | None = None) -> set[str]:
    """The modules a fresh `scoutly ARGS` process had imported when it exited."""
    code = (
        "import sys\n"
        f"sys.argv = ['scoutly', *{list(args)!r}]\n"
        "from scoutly.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True,
                          env={**os.environ, **(env or {})})
    return set(done.stderr.split())


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.startswith(HEAVY))


@pytest.mark.slow(reason="five fresh interpreters importing the CLI: ~2 s of CPU by nature")
def test_version_and_help_do_not_import_the_heavy_parts() -> None:
    version = _modules_loaded_by("--version")
    assert _heavy(version) == [] and "pymongo" not in version and "scoutly.config" not in version
    status_help = _modules_loaded_by("status", "--help")
    assert _heavy(status_help) == [] and "pymongo" not in status_help and "scoutly.config" not in status_help
    assert _heavy(_modules_loaded_by("--help")) == []
    # `status` itself reads the database and prints, without Gemini, Playwright or the worker.
    assert _heavy(_modules_loaded_by("status", env={"MONGODB_URI": "mongomock://startup/startup"})) == []
    # ...while running a command still finds everything it needs (the worker is imported when it runs).
    assert "scoutly.processor.worker" in _modules_loaded_by("process", "--max-runtime", "soon")


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture
def seeded(monkeypatch, capsys, db_uri, tmp_path):
    """`scoutly` against a fresh database holding the examples: stripe scraped fine, nvidia failing twice,
    spotify queued."""
    from scoutly.clock import utcnow
    from scoutly.storage.indexes import COMPANIES, QUEUE
    from scoutly.storage.memory import forget_memory_client
    from tests.helpers.cli import on_db

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MONGODB_URI", db_uri)

    def call(*args: str) -> tuple[int, str, str]:
        return run_cli(monkeypatch, capsys, *args)

    assert call("seed", "companies", str(EXAMPLES / "companies.csv"))[0] == 0
    assert call("seed", "users", str(EXAMPLES / "users.json"))[0] == 0
    now = utcnow()

    async def history(db) -> None:
        await db[COMPANIES].update_one({"_id": "stripe"}, {"$set": {"last_scraped_at": now, "last_success_at": now,
                                                                    "consecutive_failures": 0,
                                                                    "strategy": "greenhouse"}})
        await db[COMPANIES].update_one({"_id": "nvidia"}, {"$set": {"last_scraped_at": now,
                                                                    "consecutive_failures": 2}})
        await db[QUEUE].insert_one({"company": "spotify", "status": "pending", "active": True, "priority": 70})

    on_db(db_uri, history)
    yield call
    forget_memory_client(db_uri)


def test_companies_lists_rank_cadence_next_due_and_last_result(seeded) -> None:
    code, out, err = seeded("companies", "--json")
    assert code == 0, err
    rows = {row["slug"]: row for row in json.loads(out)}
    assert list(rows)[:2] == ["openai", "stripe"]  # highest effective rank first
    assert (rows["stripe"]["rank"], rows["stripe"]["cadence"], rows["stripe"]["trackers"]) == (95, "daily", 2)
    assert rows["stripe"]["last"]["outcome"] == "ok" and rows["stripe"]["next_due"] is not None
    assert rows["nvidia"]["last"] == {**rows["nvidia"]["last"], "outcome": "failed", "failures_in_a_row": 2}
    assert rows["spotify"]["job"] == "pending"
    assert rows["acme"]["scheduled"] is False and rows["acme"]["rank"] is None and not rows["acme"]["active"]
    assert rows["openai"]["last"]["outcome"] == "never" and rows["openai"]["next_due"] is None

    code, out, _ = seeded("companies")
    assert code == 0
    lines = {line.split("│")[1].strip(): line for line in out.splitlines() if line.count("│") > 2}
    assert "ok, 0s ago" in lines["stripe"] and "in 2" in lines["stripe"]  # due again in ~1 day
    assert "failed ×2, 0s ago" in lines["nvidia"]
    assert "queued" in lines["spotify"] and "now" in lines["openai"] and "never scraped" in lines["openai"]
    assert "not scheduled" in lines["acme (inactive)"]
    assert "https://" not in out and "--wide" in out
    code, out, _ = seeded("companies", "--wide")
    url = "https://nvidia.wd5.myworkdayjobs.com/NVIDIAExternalCareerSite"
    assert any(line.rstrip(" │").endswith(url) for line in out.splitlines())  # whole, on one line


def test_users_lists_each_users_companies(seeded) -> None:
    code, out, err = seeded("users", "--json")
    assert code == 0, err
    users = {user["email"]: user for user in json.loads(out)}
    assert [t["company"] for t in users["ada@example.com"]["trackings"]] == ["stripe", "nvidia", "wikimedia"]
    ada = users["ada@example.com"]["trackings"][0]
    assert (ada["rank"], ada["cadence"], ada["last"]["outcome"]) == (95, "daily", "ok")
    assert users["alan@example.com"] == {**users["alan@example.com"], "active": False, "trackings": []}
    code, out, _ = seeded("users")
    assert code == 0 and "alan@example.com (Alan Turing, inactive): tracks nothing" in out
    assert "ada@example.com (Ada Lovelace)" in out and "every 2 days" in out and "…" not in out


def test_a_mistyped_command_says_which_was_meant(scoutly) -> None:
    code, _, err = scoutly("stauts")
    assert code == 2 and "No such command 'stauts'. Did you mean 'status'?" in err
    code, _, err = scoutly("notify", "snd")
    assert code == 2 and "Did you mean 'send'?" in err
    code, _, err = scoutly("xyzzy")
    assert code == 2 and "No such command 'xyzzy'." in err and "Did you mean" not in err
