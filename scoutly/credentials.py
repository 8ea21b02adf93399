"""Placeholder passwords: the ones `.env.example` ships with must never reach a running appliance.

`placeholder_problems(settings)` names each variable that still holds one (pure); `refuse_placeholders(settings)`
raises `ConfigError` with one line naming them (the processor calls it at start; `debug doctor` shows it).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from scoutly.errors import ConfigError

# Every password placeholder in .env.example starts like this (tests keep the two in step).
PLACEHOLDER_PREFIX = "change-me"
PASSWORD_SETTINGS = (("MONGO_ROOT_PASSWORD", "mongo_root_password"), ("MONGO_APP_PASSWORD", "mongo_app_password"))
FIX = "put a long random password in .env (e.g. `openssl rand -hex 24`); deploy/pi/GUIDE.md, 'Least privilege'"


def is_placeholder(password: str | None) -> bool:
    """True for a password left as shipped in .env.example."""
    return bool(password) and password.strip().lower().startswith(PLACEHOLDER_PREFIX)  # type: ignore[union-attr]


def uri_password(uri: str) -> str | None:
    """The password in a mongodb:// URI's user info, decoded (None without one)."""
    userinfo, at, _ = uri.partition("://")[2].partition("/")[0].rpartition("@")
    if not at or ":" not in userinfo:
        return None
    return unquote(userinfo.split(":", 1)[1])


def _secret(value: Any) -> str | None:
    if value is None:
        return None
    return value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)


def placeholder_problems(settings: Any) -> list[str]:
    """The variables of `settings` that still hold a placeholder password."""
    problems = []
    if is_placeholder(uri_password(settings.mongodb_uri)):
        problems.append("MONGODB_URI")
    for variable, field in PASSWORD_SETTINGS:
        if is_placeholder(_secret(getattr(settings, field, None))):
            problems.append(variable)
    return problems


def refuse_placeholders(settings: Any) -> None:
    """Raise `ConfigError` (one line) when a placeholder password is configured."""
    problems = placeholder_problems(settings)
    if problems:
        raise ConfigError(f"{', '.join(problems)}: still the placeholder password from .env.example; {FIX}")
