"""What each kind of seed file may contain, and problems said in the user's words (pure).

A wrong header (mis-cased, unknown or missing columns, a semicolon-separated file, the other kind of seed file)
is one problem about the file, found once at its header — never one error per row. Pydantic's messages are turned
into sentences about the field ("slug must be lowercase letters, digits and dashes").
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic_core import ErrorDetails

from scoutly.errors import InputError


@dataclass(frozen=True)
class Kind:
    """One kind of seed file: its command, and the columns (CSV) or fields (JSON) it knows."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    marker: str  # a column only this kind has: recognises this kind of file given to the other command
    json_only: tuple[str, ...] = ()

    @property
    def command(self) -> str:
        return f"scoutly seed {self.name}"

    def known(self, csv: bool) -> tuple[str, ...]:
        fields = self.required + self.optional
        return fields if csv else fields + self.json_only


COMPANIES = Kind(
    name="companies",
    required=("slug", "name", "careers_url"),
    optional=("ats", "ats_token", "active", "selector_job_link", "selector_next_page", "selector_load_more"),
    marker="careers_url",
    json_only=("selectors",),
)
# Profile fields a users file may carry (CSV lists are separated by ';', since ',' separates the cells). `summary`
# and the text of the `cv` file become the profile's text; the rest are `Profile` fields of the same name.
PROFILE_FIELDS = (
    "summary",
    "cv",
    "skills",
    "languages",
    "locations",
    "work_models",
    "seniority",
    "years_experience",
    "min_salary",
    "needs_visa",
    "min_score",
    "include_keywords",
    "exclude_keywords",
    "analyse_baseline",
)
USERS = Kind(
    name="users",
    required=("email", "name"),
    optional=("active", "company", "rank", *PROFILE_FIELDS),
    marker="email",
    json_only=("track",),
)
KINDS = (COMPANIES, USERS)


def header_problems(kind: Kind, columns: list[str], *, csv: bool = True) -> list[str]:
    """What is wrong with a CSV header (or the first JSON object's fields) for `kind`; [] when it fits."""
    if csv and len(columns) == 1:
        for separator, name in ((";", "semicolons"), ("\t", "tabs")):
            if separator in columns[0]:
                return [
                    f"the columns are separated by {name}; Scoutly reads comma-separated CSV "
                    '(save it again as "CSV UTF-8 (comma delimited)")'
                ]
    other = next(k for k in KINDS if k is not kind)
    if other.marker in columns and kind.marker not in columns:
        return [f"this looks like a {other.name} file (it has the {other.marker!r} column); use `{other.command}`"]
    if not csv:  # JSON objects may differ: their fields are checked one object at a time
        return []
    known = kind.known(csv)
    lowered = {name.lower(): name for name in known}
    problems = []
    for column in columns:
        if column in known:
            continue
        if column.lower() in lowered:
            problems.append(f"column {column!r} must be written {lowered[column.lower()]!r} (lowercase)")
        else:
            guess = difflib.get_close_matches(column.lower(), known, n=1)
            hint = f"did you mean {guess[0]!r}? " if guess else ""
            problems.append(f"unknown column {column!r} ({hint}known columns: {', '.join(known)})")
    present = {column.lower() for column in columns}
    missing = [name for name in kind.required if name not in present]
    if missing:
        problems.append(f"missing column{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))}")
    return problems


_TYPE_WORDS = {
    "missing": "is required",
    "string_type": "must be text",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "bool_parsing": "must be true or false (or yes/no)",
    "bool_type": "must be true or false (or yes/no)",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
}
SLUG_WORDS = "must be lowercase letters, digits and dashes (at most 64, not starting or ending with a dash)"
_PATTERN_WORDS = {"slug": SLUG_WORDS}


def plain_message(field: str, error: ErrorDetails) -> str:
    """One pydantic error as a sentence about `field` (without the field name)."""
    kind, context = error["type"], error.get("ctx") or {}
    if kind.endswith("_type") and error.get("input", "") is None:  # an empty CSV cell where a value is needed
        return "is required"
    if kind == "string_pattern_mismatch":
        return _PATTERN_WORDS.get(field.rsplit(".", 1)[-1], "has characters that are not allowed here")
    if kind == "string_too_short":
        return "must not be empty" if context.get("min_length") == 1 else f"needs at least {context['min_length']}"
    if kind == "string_too_long":
        return f"is too long (at most {context.get('max_length')} characters)"
    if kind == "literal_error":
        return f"must be one of {context.get('expected', '').replace(chr(39), '')} (or left empty)"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return _bound_message(kind, context)
    if kind == "extra_forbidden":
        return "unknown field"
    if kind in _TYPE_WORDS:
        return _TYPE_WORDS[kind]
    return str(error["msg"]).removeprefix("Value error, ")


def _bound_message(kind: str, context: dict[str, Any]) -> str:
    words = {
        "greater_than_equal": "at least",
        "less_than_equal": "at most",
        "greater_than": "more than",
        "less_than": "less than",
    }
    limit = next(iter(context.values()), "?")
    return f"must be {words[kind]} {limit}"


def unknown_field(field: str, known: Iterable[str]) -> str:
    """An unknown JSON field, with the closest known one when there is one."""
    guess = difflib.get_close_matches(field, list(known), n=1)
    return f"unknown field (did you mean {guess[0]!r}?)" if guess else "unknown field"


def check_header(kind: Kind | None, columns: list[str], where: str, *, csv: bool = True) -> None:
    """Raise one InputError (`where: problem; problem`) when the header does not fit `kind`."""
    if kind is None:
        return
    problems = header_problems(kind, columns, csv=csv)
    if problems:
        raise InputError(f"{where}: {'; '.join(problems)}")
