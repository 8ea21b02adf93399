"""Settings refuse infinite, not-a-number and absurd values (issue 11): `inf` delays hung scrapes."""

from __future__ import annotations

import annotated_types
import pytest

from scoutly.config import Settings, load_settings
from scoutly.errors import ConfigError


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SCOUTLY_POLITENESS_DELAY_S", "inf"),
        ("SCOUTLY_POLITENESS_DELAY_S", "nan"),
        ("SCOUTLY_POLITENESS_DELAY_S", "86400"),
        ("SCOUTLY_FETCH_TIMEOUT_S", "inf"),
        ("SCOUTLY_FETCH_TIMEOUT_S", "-Infinity"),
        ("SCOUTLY_FETCH_TIMEOUT_S", "0"),
        ("SCOUTLY_HEARTBEAT_SECONDS", "NaN"),
        ("SCOUTLY_GEMINI_TIMEOUT_SECONDS", "1e300"),
        ("SCOUTLY_MAX_PAGE_BYTES", "99999999999"),
        ("SCOUTLY_LEASE_SECONDS", "999999999"),
    ],
)
def test_absurd_values_are_refused_naming_the_variable(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value).startswith(f"{name}: ")


def test_every_numeric_setting_has_an_upper_bound():
    numeric = {name: info for name, info in Settings.model_fields.items() if info.annotation in (int, float)}
    unbounded = [
        name
        for name, info in numeric.items()
        if not any(isinstance(rule, annotated_types.Le | annotated_types.Lt) for rule in info.metadata)
    ]
    assert len(numeric) > 20 and unbounded == []


def test_defaults_and_ordinary_values_still_load(monkeypatch):
    monkeypatch.setenv("SCOUTLY_POLITENESS_DELAY_S", "2.5")
    monkeypatch.setenv("SCOUTLY_FETCH_TIMEOUT_S", "30")
    settings = load_settings()
    assert settings.politeness_delay_s == 2.5 and settings.fetch_timeout_s == 30
