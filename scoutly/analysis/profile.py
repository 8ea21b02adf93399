"""User profiles: the fields a posting is judged against, CV reading, and versioned updates.

A profile lives in `users.profile`; `users.profile_version` is bumped on every change, so a (posting, user,
profile version) is judged at most once and a changed profile is judged afresh.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator

from scoutly.clock import utcnow
from scoutly.errors import InputError
from scoutly.storage.indexes import USERS
from scoutly.storage.types import Database, Document

WorkModel = Literal["remote", "hybrid", "onsite"]
CV_MAX_CHARS = 60_000  # a CV longer than this is surely not one; prompts truncate further


class Profile(BaseModel):
    """What a user wants and offers (docs/DATA_MODEL.md, "Profile")."""

    cv_text: str = ""
    skills: list[str] = Field(default_factory=list)
    years_experience: float | None = Field(None, ge=0, le=70)
    languages: list[str] = Field(default_factory=list)
    locations: list[str] = Field(default_factory=list)
    work_models: list[WorkModel] = Field(default_factory=list)
    seniority: str | None = None
    min_salary: int | None = Field(None, ge=0)
    needs_visa: bool = False
    include_keywords: list[str] = Field(default_factory=list)
    exclude_keywords: list[str] = Field(default_factory=list)
    min_score: int = Field(60, ge=0, le=100)
    analyse_baseline: bool = Field(False, description="Also judge postings found on a company's first scrape.")

    @field_validator("skills", "languages", "locations", "include_keywords", "exclude_keywords")
    @classmethod
    def _clean_terms(cls, values: list[str]) -> list[str]:
        seen: dict[str, str] = {}
        for value in values:
            term = " ".join(str(value).split())
            if term and term.lower() not in seen:
                seen[term.lower()] = term
        return list(seen.values())


def profile_of(user: Document) -> Profile:
    """The profile stored on a user document (defaults when it has none)."""
    try:
        return Profile.model_validate(user.get("profile") or {})
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise InputError(f"user {user.get('_id')}: profile.{field}: {first['msg']}") from None


def split_terms(values: list[str] | None) -> list[str]:
    """CLI lists: repeated options and/or comma-separated values → one flat list."""
    terms: list[str] = []
    for value in values or []:
        terms.extend(part.strip() for part in value.split(",") if part.strip())
    return terms


def read_cv(path: Path) -> str:
    """The text of a CV file: .txt/.md as UTF-8, .pdf through pypdf. Raises InputError naming the file."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError(f"{path}: CV file not found")
    if suffix in {".txt", ".md"}:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise InputError(f"{path}: not UTF-8 text") from None
    elif suffix == ".pdf":
        text = _pdf_text(path)
    else:
        raise InputError(f"{path}: unsupported CV format {suffix or '(none)'} (use .txt, .md or .pdf)")
    text = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").splitlines()).strip()
    if not text:
        raise InputError(f"{path}: no text found in the CV (a scanned PDF needs OCR first)")
    if len(text) > CV_MAX_CHARS:
        raise InputError(f"{path}: CV is {len(text)} characters; at most {CV_MAX_CHARS} are accepted")
    return text


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, OSError) as exc:
        raise InputError(f"{path}: unreadable PDF ({exc})") from None


async def get_user(db: Database, email: str) -> Document:
    """The user document, or InputError when there is no such user."""
    key = email.strip().lower()
    user = await db[USERS].find_one({"_id": key})
    if user is None:
        raise InputError(f"user {key}: unknown user (add it with `scoutly seed users`)")
    return user


async def update_profile(db: Database, email: str, changes: dict[str, Any]) -> tuple[Profile, int, bool]:
    """Apply `changes` to a user's profile; bump `profile_version` only when something changed.

    Returns (profile, version, changed). Validation happens before anything is written.
    """
    for _ in range(5):  # optimistic concurrency: retry when another writer bumped the version meanwhile
        user = await get_user(db, email)
        current = profile_of(user)
        try:
            updated = Profile.model_validate({**current.model_dump(), **changes})
        except ValidationError as exc:
            first = exc.errors()[0]
            raise InputError(f"profile.{first['loc'][0]}: {first['msg']}") from None
        version = int(user.get("profile_version") or 0)
        if updated == current and user.get("profile") is not None:
            return current, version, False
        result = await db[USERS].update_one(
            {"_id": user["_id"], "profile_version": user.get("profile_version")},
            {"$set": {"profile": updated.model_dump(), "profile_version": version + 1, "updated_at": utcnow()}},
        )
        if result.modified_count:
            return updated, version + 1, True
    raise InputError(f"user {email}: profile changed concurrently; try again")
