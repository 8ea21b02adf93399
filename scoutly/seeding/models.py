"""What a valid seed record is (pydantic), and turning raw rows into records or `file:line: field` problems."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from scoutly import scheduling
from scoutly.seeding.columns import COMPANIES, SLUG_WORDS, USERS, plain_message, unknown_field
from scoutly.seeding.problems import Problems
from scoutly.seeding.readers import Row

# ATS vendors Scoutly has a feed reader for (see scoutly/acquire/ats); anything else is scraped as a page.
ATS_VENDORS = ("greenhouse", "lever", "ashby", "workday", "smartrecruiters", "workable")
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
    ats: Literal["greenhouse", "lever", "ashby", "workday", "smartrecruiters", "workable"] | None = None
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


def validate_companies(rows: Iterable[Row], problems: Problems) -> list[CompanySeed]:
    """Records for the valid rows; one problem per bad field (duplicate slugs included) goes to `problems`."""
    records: list[CompanySeed] = []
    first_line: dict[str, int] = {}
    for row in rows:
        data = dict(row.data)
        if "__extra__" in data:
            problems.add(row, None, "more cells than header columns (a comma too many, or a cell to quote?)")
            continue
        selector_keys = [key for key in data if key.startswith("selector_")]
        if selector_keys:  # CSV: selector_job_link, selector_next_page, selector_load_more columns
            selectors = {key.removeprefix("selector_"): data.pop(key) for key in selector_keys}
            data["selectors"] = selectors if any(selectors.values()) else None
        try:
            record = CompanySeed.model_validate(data)
        except ValidationError as exc:
            _report(problems, row, exc, COMPANIES.known(csv=False))
            continue
        if record.slug in first_line:
            problems.add(row, "slug", f"duplicate of line {first_line[record.slug]}")
            continue
        first_line[record.slug] = row.line
        records.append(record)
    return records


def validate_users(rows: Iterable[Row], problems: Problems) -> tuple[list[UserSeed], dict[tuple[str, str], Row]]:
    """Users (JSON objects with `track`, or CSV rows `email,name,company,rank` merged per email).

    Returns the records and where each (email, slug) tracking came from (to report unknown companies); problems
    go to `problems`.
    """
    merged: dict[str, UserSeed] = {}
    first_line: dict[str, int] = {}
    origin: dict[tuple[str, str], Row] = {}
    for row in rows:
        data = dict(row.data)
        if "__extra__" in data:
            problems.add(row, None, "more cells than header columns (a comma too many, or a cell to quote?)")
            continue
        csv_style = "company" in data or "rank" in data
        if csv_style:
            company, rank = data.pop("company", None), data.pop("rank", None)
            if (company is None) != (rank is None):
                missing = "rank" if rank is None else "company"
                problems.add(row, missing, f"is required when {'company' if rank is None else 'rank'} is given")
                continue
            if company is not None:
                slug = str(company).strip().lower()
                if not re.match(SLUG_PATTERN, slug):
                    problems.add(row, "company", f"{company!r} is not a company slug ({SLUG_WORDS})")
                    continue
                try:
                    parsed_rank = scheduling.validate_rank(int(rank) if isinstance(rank, str) else rank)
                except (ValueError, scheduling.RankError):
                    problems.add(row, "rank", f"must be a whole number from 1 to 100, got {rank!r}")
                    continue
                data["track"] = {slug: parsed_rank}
        try:
            record = UserSeed.model_validate(data)
        except ValidationError as exc:
            _report(problems, row, exc, USERS.known(csv=False))
            continue
        for slug in record.track:
            origin.setdefault((record.email, slug), row)
        previous = merged.get(record.email)
        if previous is None:
            merged[record.email] = record
            first_line[record.email] = row.line
            continue
        if not csv_style:
            problems.add(row, "email", f"duplicate of line {first_line[record.email]}")
            continue
        if previous.name != record.name or previous.active != record.active:
            problems.add(row, "name", f"differs from line {first_line[record.email]} for the same user")
            continue
        for slug, rank in record.track.items():
            if slug in previous.track and previous.track[slug] != rank:
                problems.add(row, "rank", f"{slug} already ranked {previous.track[slug]} for this user")
                continue
            previous.track[slug] = rank
    return list(merged.values()), origin
