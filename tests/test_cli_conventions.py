"""CLI conventions a Typer/Rich user expects: readable help, `-h`, bare groups print help and exit 0,
`--env-file` after the subcommand."""

from __future__ import annotations

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
    monkeypatch.setenv("SCOUTLY_MONGODB_TIMEOUT_MS", "300")

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


def _modules_loaded_by(*args: str) -> set[str]:
    """The modules a fresh `scoutly ARGS` process had imported when it exited."""
    code = (
        "import sys\n"
        f"sys.argv = ['scoutly', *{list(args)!r}]\n"
        "from scoutly.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    return set(done.stderr.split())


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.startswith(HEAVY))


def test_version_and_help_do_not_import_the_heavy_parts() -> None:
    version = _modules_loaded_by("--version")
    assert _heavy(version) == [] and "pymongo" not in version and "scoutly.config" not in version
    status_help = _modules_loaded_by("status", "--help")
    assert _heavy(status_help) == [] and "pymongo" not in status_help
    assert _heavy(_modules_loaded_by("--help")) == []
    # ...while running a command still finds everything it needs (the worker is imported when it runs).
    assert "scoutly.processor.worker" in _modules_loaded_by("process", "--max-runtime", "soon")
