"""Parsing `--max-runtime` style durations (pure): 90, 45s, 90m, 2h, 1h30m, 1d."""

from __future__ import annotations

import re

from scoutly.errors import InputError

_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str, *, name: str = "--max-runtime") -> float:
    """Seconds in `text` (a bare number is seconds); raises `InputError` naming `name` when invalid."""
    value = text.strip().lower().replace(" ", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", value):
        seconds = float(value)
    elif value and _PART.sub("", value) == "":
        seconds = sum(float(number) * _UNITS[unit] for number, unit in _PART.findall(value))
    else:
        raise InputError(f"{name}: {text!r} is not a duration (examples: 90m, 2h, 1h30m, 45s)")
    if seconds <= 0:
        raise InputError(f"{name}: {text!r} must be longer than zero")
    return seconds


def format_duration(seconds: float) -> str:
    """Short human form: 42s, 3m05s, 2h10m."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
