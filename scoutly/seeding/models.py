"""What a valid seed record is (pydantic), and turning raw rows into records or `file:line: field` problems."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal, get_args
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from scoutly import scheduling
from scoutly.analysis.profile import CV_MAX_CHARS, Profile, read_cv
from scoutly.errors import InputError
from scoutly.seeding.columns import COMPANIES, PROFILE_FIELDS, SLUG_WORDS, USERS, plain_message, unknown_field
from scoutly.seeding.problems import Problems
from scoutly.seeding.readers import Row

# ATS vendors Scoutly has a feed reader for (see scoutly/acquire/ats); anything else is scraped as a page.
AtsVendorName = Literal[
    "greenhouse",
    "lever",
    "ashby",
    "workday",
    "smartrecruiters",
    "workable",
    "bamboohr",
    "personio",
    "recruitee",
    "pinpoint",
    "comeet",
    "teamtailor",
    "breezy",
    "rippling",
]
ATS_VENDORS: tuple[str, ...] = get_args(AtsVendorName)
SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n"}


def _as_bool(value: Any) -> Any:
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    return value


class Selectors(BaseModel):
    """CSS overrides for a custom careers page (all optional)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    job_link: str | None = None
    next_page: str | None = None
    load_more: str | None = None


class CompanySeed(BaseModel):
    """One company: `slug` is its stable key."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    slug: str = Field(pattern=SLUG_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    careers_url: str
    ats: AtsVendorName | None = None
    ats_token: str | None = Field(None, min_length=1, max_length=500)
    selectors: Selectors | None = None
    active: bool = True

    @field_validator("slug", mode="before")
    @classmethod
    def _lower_slug(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("ats", mode="before")
    @classmethod
    def _lower_ats(cls, value: Any) -> Any:
        return value.strip().lower() or None if isinstance(value, str) else value

    @field_validator("careers_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http(s) URL")
        return value

    @field_validator("active", mode="before")
    @classmethod
    def _bool(cls, value: Any) -> Any:
        return True if value is None else _as_bool(value)

    def document(self) -> dict[str, Any]:
        """The company fields a seed file controls (scrape bookkeeping is never touched by seeding)."""
        selectors = self.selectors.model_dump() if self.selectors else None
        if selectors and not any(selectors.values()):
            selectors = None
        return {
            "name": self.name,
            "careers_url": self.careers_url,
            "ats": self.ats,
            "ats_token": self.ats_token,
            "selectors": selectors,
            "active": self.active,
        }


class UserSeed(BaseModel):
    """One user and the companies they track, with ranks (slug → 1–100)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: str = Field(max_length=320)
    name: str = Field(min_length=1, max_length=200)
    active: bool = True
    track: dict[str, int] = Field(default_factory=dict)
    # The profile fields this record gives (validated by `Profile`); the rest of a stored profile is kept.
    profile: dict[str, Any] = Field(default_factory=dict)
    summary: str | None = Field(None, max_length=CV_MAX_CHARS)
    cv: Path | None = None  # resolved against the seed file's folder; its text is read when writing

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        value = value.strip().lower()
        if not _EMAIL.match(value):
            raise ValueError("is not an email address")
        return value

    @field_validator("active", mode="before")
    @classmethod
    def _bool(cls, value: Any) -> Any:
        return True if value is None else _as_bool(value)

    @field_validator("track", mode="before")
    @classmethod
    def _track(cls, value: Any) -> Any:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise ValueError('must be an object of company slug → rank, e.g. {"stripe": 90}')
        cleaned = {}
        for slug, rank in value.items():
            key = str(slug).strip().lower()
            if not re.match(SLUG_PATTERN, key):
                raise ValueError(f"{slug!r} is not a company slug")
            try:
                cleaned[key] = scheduling.validate_rank(rank)
            except scheduling.RankError as exc:
                raise ValueError(f"{key}: {exc}") from None
        return cleaned


def _report(problems: Problems, row: Row, exc: ValidationError, known: tuple[str, ...]) -> None:
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or None
        if error["type"] == "extra_forbidden" and field:
            message = unknown_field(field, known)
        else:
            message = plain_message(field or "", error)
        problems.add(row, field, message)


LIST_FIELDS = ("skills", "languages", "locations", "work_models", "include_keywords", "exclude_keywords")
_WORK_MODEL_SPELLINGS = {"on-site": "onsite", "on_site": "onsite", "office": "onsite", "on site": "onsite"}


def company_of(row: Row, problems: Problems) -> CompanySeed | None:
    """The company a row describes, or None after adding its problems."""
    data = dict(row.data)
    if "__extra__" in data:
        problems.add(row, None, "more cells than header columns (a comma too many, or a cell to quote?)")
        return None
    selector_keys = [key for key in data if key.startswith("selector_")]
    if selector_keys:  # CSV: selector_job_link, selector_next_page, selector_load_more columns
        selectors = {key.removeprefix("selector_"): data.pop(key) for key in selector_keys}
        data["selectors"] = selectors if any(selectors.values()) else None
    try:
        return CompanySeed.model_validate(data)
    except ValidationError as exc:
        _report(problems, row, exc, COMPANIES.known(csv=False))
        return None


def user_of(row: Row, problems: Problems) -> UserSeed | None:
    """The user a row describes (a CSV row's one tracking, or a JSON object's `track`), or None after problems.

    Profile fields are validated here; a CV path is resolved against the seed file's folder and its file is read
    once to check it (its text is read again when writing, so it is never held for the whole file).
    """
    data = dict(row.data)
    if "__extra__" in data:
        problems.add(row, None, "more cells than header columns (a comma too many, or a cell to quote?)")
        return None
    if "company" in data or "rank" in data:
        track = _csv_tracking(row, data.pop("company", None), data.pop("rank", None), problems)
        if track is None:
            return None
        data["track"] = track
    given = {name: data.pop(name) for name in PROFILE_FIELDS if name in data and name not in ("summary", "cv")}
    profile = _profile_fields(row, given, problems)
    cv = _cv_path(row, data.pop("cv", None), problems)
    if profile is None or cv is False:
        return None
    try:
        return UserSeed.model_validate({**data, "profile": profile, "cv": cv})
    except ValidationError as exc:
        _report(problems, row, exc, USERS.known(csv=False))
        return None


def _csv_tracking(row: Row, company: Any, rank: Any, problems: Problems) -> dict[str, int] | None:
    if (company is None) != (rank is None):
        missing = "rank" if rank is None else "company"
        problems.add(row, missing, f"is required when {'company' if rank is None else 'rank'} is given")
        return None
    if company is None:
        return {}
    slug = str(company).strip().lower()
    if not re.match(SLUG_PATTERN, slug):
        problems.add(row, "company", f"{company!r} is not a company slug ({SLUG_WORDS})")
        return None
    try:
        return {slug: scheduling.validate_rank(int(rank) if isinstance(rank, str) else rank)}
    except (ValueError, scheduling.RankError):
        problems.add(row, "rank", f"must be a whole number from 1 to 100, got {rank!r}")
        return None


def _profile_fields(row: Row, given: dict[str, Any], problems: Problems) -> dict[str, Any] | None:
    """The profile fields given (empty cells left out), as `Profile` stores them; None after problems."""
    values = {}
    for name, value in given.items():
        if value is None or value == "":
            continue
        if name in LIST_FIELDS and isinstance(value, str):
            value = [part.strip() for part in value.split(";") if part.strip()]
        if name == "work_models" and isinstance(value, list):
            value = [_WORK_MODEL_SPELLINGS.get(str(v).strip().lower(), str(v).strip().lower()) for v in value]
        if name in ("needs_visa", "analyse_baseline"):
            value = _as_bool(value)
        values[name] = value
    try:
        checked = Profile.model_validate(values)
    except ValidationError as exc:
        _report(problems, row, exc, USERS.known(csv=False))
        return None
    return checked.model_dump(include=set(values))


def _cv_path(row: Row, value: Any, problems: Problems) -> Path | bool | None:
    """The CV file (relative paths from the seed file's folder), checked readable; False after a problem."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        problems.add(row, "cv", "must be a file path")
        return False
    path = Path(value.strip()).expanduser()
    if not path.is_absolute():
        path = Path(row.file).parent / path
    try:
        read_cv(path)
    except InputError as exc:
        problems.add(row, "cv", str(exc))
        return False
    return path


def cv_text(user: UserSeed) -> str | None:
    """The profile text a record gives: its summary, then its CV's text; None when it gives neither."""
    parts = [user.summary] if user.summary else []
    if user.cv is not None:
        parts.append(read_cv(user.cv))
    return "\n\n".join(parts) if parts else None
