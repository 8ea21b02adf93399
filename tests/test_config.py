"""Settings: defaults, env names, and one-line errors naming the variable."""

from pathlib import Path

import pytest

from scoutly.config import DEFAULT_MONGODB_URI, load_settings
from scoutly.errors import ConfigError


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch, tmp_path):
    for name in ("MONGODB_URI", "GEMINI_API_KEY", "SCOUTLY_CONCURRENCY", "SCOUTLY_MONGODB_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray ./.env


def test_defaults():
    settings = load_settings()
    assert settings.mongodb_uri == DEFAULT_MONGODB_URI
    assert settings.gemini_key() is None
    assert settings.concurrency == 5


def test_well_known_names_and_prefixed_knobs(monkeypatch):
    monkeypatch.setenv("MONGODB_URI", "mongodb://db.local:27017/jobs")
    monkeypatch.setenv("GEMINI_API_KEY", "  AIzaSyTESTKEY0123456789abcdef  ")
    monkeypatch.setenv("SCOUTLY_CONCURRENCY", "3")
    settings = load_settings()
    assert settings.mongodb_uri == "mongodb://db.local:27017/jobs"
    assert settings.gemini_key() == "AIzaSyTESTKEY0123456789abcdef"
    assert settings.concurrency == 3
    assert "AIzaSy" not in repr(settings)  # SecretStr keeps the key out of reprs and logs


def test_env_file(tmp_path: Path):
    env = tmp_path / "scoutly.env"
    env.write_text("MONGODB_URI=mongomock://x/fromfile\nSCOUTLY_MAX_ATTEMPTS=7\n")
    settings = load_settings(env)
    assert settings.mongodb_uri == "mongomock://x/fromfile"
    assert settings.max_attempts == 7


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("MONGODB_URI", "http://nope", "MONGODB_URI: must start with"),
        ("SCOUTLY_CONCURRENCY", "9", "SCOUTLY_CONCURRENCY: "),
        ("SCOUTLY_CONCURRENCY", "lots", "SCOUTLY_CONCURRENCY: "),
    ],
)
def test_invalid_values_name_the_variable(monkeypatch, name, value, expected):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert str(err.value).startswith(expected)
    assert "\n" not in str(err.value)


def test_missing_env_file_is_one_line(tmp_path):
    with pytest.raises(ConfigError, match="env file not found"):
        load_settings(tmp_path / "absent.env")
