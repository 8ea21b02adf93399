"""Placeholder passwords: the ones `.env.example` ships with must never reach a running appliance.

`placeholder_problems(settings)` names each variable that still holds one (pure); `refuse_placeholders(settings)`
raises `ConfigError` with one line naming them (the processor calls it at start; `debug doctor` shows it).
"""

from __future__ import annotations

from typing import Protocol
from urllib.parse import unquote

from pydantic import SecretStr

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


class PasswordSettings(Protocol):
    """The settings that hold passwords (`scoutly.config.Settings`; config is a sibling part, not imported)."""

    @property
    def mongodb_uri(self) -> str: ...
    @property
    def mongo_root_password(self) -> SecretStr | None: ...
    @property
    def mongo_app_password(self) -> SecretStr | None: ...


def _secret(value: SecretStr | None) -> str | None:
    return None if value is None else value.get_secret_value()


def placeholder_problems(settings: PasswordSettings) -> list[str]:
    """The variables of `settings` that still hold a placeholder password."""
    problems = []
    if is_placeholder(uri_password(settings.mongodb_uri)):
        problems.append("MONGODB_URI")
    passwords = {"mongo_root_password": settings.mongo_root_password, "mongo_app_password": settings.mongo_app_password}
    for variable, field in PASSWORD_SETTINGS:
        if is_placeholder(_secret(passwords[field])):
            problems.append(variable)
    return problems


def refuse_placeholders(settings: PasswordSettings) -> None:
    """Raise `ConfigError` (one line) when a placeholder password is configured."""
    problems = placeholder_problems(settings)
    if problems:
        raise ConfigError(f"{', '.join(problems)}: still the placeholder password from .env.example; {FIX}")
