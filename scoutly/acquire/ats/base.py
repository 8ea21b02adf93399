"""What every ATS module shares: the board address (`AtsBoard`) and small parsing helpers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scoutly.acquire.text import clean


@dataclass(frozen=True)
class AtsBoard:
    """One company's board on one ATS. `token` is the board token / org / account / company identifier;
    Workday also needs `site` and either `host` (tenant.wdN.myworkdayjobs.com, optional `locale`) or `page_url`
    (the public board page, when the board lives elsewhere, e.g. behind a proxy)."""

    vendor: str
    token: str
    host: str | None = None
    site: str | None = None
    locale: str | None = None
    page_url: str | None = None

    def describe(self) -> str:
        return f"{self.vendor}:{self.token}" + (f"/{self.site}" if self.site else "")


def text_or_none(value: Any) -> str | None:
    """A cleaned string, or None for empty/missing values."""
    if value is None:
        return None
    cleaned = clean(str(value))
    return cleaned or None


def join_names(values: Any, key: str = "name") -> str | None:
    """ "A, B" from a list of dicts (or strings), skipping blanks and duplicates."""
    names: list[str] = []
    for value in values or []:
        name = text_or_none(value.get(key) if isinstance(value, dict) else value)
        if name and name not in names:
            names.append(name)
    return ", ".join(names) or None


def looks_remote(*texts: str | None) -> bool | None:
    """True when a location/title text says remote; None when it says nothing either way."""
    for text in texts:
        if text and "remote" in text.lower():
            return True
    return None


def api_base(overrides: dict[str, str] | None, vendor: str, default: str) -> str:
    """The feed's base URL: the configured override for `vendor` (tests, proxies) or the public default."""
    return (overrides or {}).get(vendor, default).rstrip("/")
