"""Placeholder passwords (scoutly/credentials.py): recognised in MONGODB_URI and the compose passwords, refused by
`scoutly process` in one line before it connects, and shown by `debug doctor`; the passwords stay secrets."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.cli import run_cli

from scoutly.config import Settings, load_settings
from scoutly.credentials import is_placeholder, placeholder_problems, refuse_placeholders, uri_password
from scoutly.errors import ConfigError
from scoutly.ops.doctor import check_passwords
from scoutly.redact import redact

ROOT = Path(__file__).resolve().parents[1]


def example_values() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def test_every_password_in_env_example_is_a_recognised_placeholder() -> None:
    values = example_values()
    passwords = {key: value for key, value in values.items() if key.endswith("_PASSWORD")}
    assert {"MONGO_ROOT_PASSWORD", "MONGO_APP_PASSWORD"} <= passwords.keys()
    assert all(is_placeholder(value) for value in passwords.values())
    assert is_placeholder(uri_password(values["MONGODB_URI"]))


def test_uri_password_is_read_from_the_user_info_only() -> None:
    assert uri_password("mongodb://app:s%40cret@localhost:27017/scoutly?authSource=scoutly") == "s@cret"
    assert uri_password("mongodb://localhost:27017/scoutly") is None
    assert uri_password("mongodb://app@localhost/scoutly") is None
    assert uri_password("mongodb://u:p@h1:1,h2:2/db?replicaSet=rs") == "p"
    assert uri_password("mongomock://scoutly") is None


def test_placeholder_problems_name_each_variable() -> None:
    settings = Settings(
        _env_file=None,
        mongodb_uri="mongodb://scoutly:change-me-too@localhost/scoutly",
        mongo_root_password="CHANGE-ME-to-something",
        mongo_app_password="3f9c1d0e8a7b",
    )
    assert placeholder_problems(settings) == ["MONGODB_URI", "MONGO_ROOT_PASSWORD"]
    good = Settings(_env_file=None, mongodb_uri="mongodb://scoutly:3f9c1d0e8a7b@localhost/scoutly")
    assert placeholder_problems(good) == []
    refuse_placeholders(good)  # nothing to refuse
    with pytest.raises(ConfigError, match=r"^MONGODB_URI, MONGO_ROOT_PASSWORD: still the placeholder password"):
        refuse_placeholders(settings)


def test_the_example_copied_as_is_is_refused_and_its_passwords_are_redacted(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text((ROOT / ".env.example").read_text(encoding="utf-8"), encoding="utf-8")
    settings = load_settings(env)
    assert placeholder_problems(settings) == ["MONGODB_URI", "MONGO_ROOT_PASSWORD", "MONGO_APP_PASSWORD"]
    check = check_passwords(settings)
    assert check.ok is False and "MONGODB_URI" in check.detail and "openssl rand" in check.fix
    root = example_values()["MONGO_ROOT_PASSWORD"]
    assert root not in repr(settings)  # SecretStr
    assert root not in redact(f"connecting with {root}")  # registered as a secret


def test_process_refuses_a_placeholder_password_in_one_line_before_connecting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    env = tmp_path / ".env"
    # port 1: were it to connect, it would fail with a different message after the timeout
    env.write_text("MONGODB_URI=mongodb://scoutly:change-me-to-a-long-random-hex-string@127.0.0.1:1/scoutly\n")
    code, out, err = run_cli(monkeypatch, capsys, "--env-file", str(env), "process", "--drain", "--no-display")
    assert code != 0
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "MONGODB_URI: still the placeholder password" in lines[0]
    assert "change-me-to-a-long-random-hex-string" not in out + err


def test_doctor_passes_real_passwords() -> None:
    settings = Settings(_env_file=None, mongodb_uri="mongodb://app:0d9e8f7a6b5c@localhost/scoutly")
    assert check_passwords(settings).ok is True
