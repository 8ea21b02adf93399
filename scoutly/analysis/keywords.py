"""Keyword trackers (pure, no LLM, no key): include/exclude terms and locations against a posting.

A posting is a keyword match when an include term occurs in its title, location or text, no exclude term
does, and its location suits the user (or is unknown). An exclude hit also keeps the posting away from
Gemini: the cheapest filter runs first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from scoutly.analysis.profile import Profile
from scoutly.storage.records import PostingRecord

_REMOTE = re.compile(r"\b(remote|anywhere|work from home|wfh|distributed)\b", re.IGNORECASE)


@dataclass(frozen=True)
class KeywordVerdict:
    """What the trackers found in one posting for one profile."""

    include_hits: list[str] = field(default_factory=list)
    exclude_hits: list[str] = field(default_factory=list)
    location_ok: bool = True

    @property
    def excluded(self) -> bool:
        return bool(self.exclude_hits)

    @property
    def is_match(self) -> bool:
        return bool(self.include_hits) and not self.excluded and self.location_ok


@lru_cache(maxsize=1024)
def _term_pattern(term: str) -> re.Pattern[str]:
    # Word boundaries where the term starts/ends with a word character ("C++", ".NET" still work).
    body = r"\s+".join(re.escape(part) for part in term.split())
    start = r"(?<!\w)" if term[:1].isalnum() or term[:1] == "_" else ""
    end = r"(?!\w)" if term[-1:].isalnum() or term[-1:] == "_" else ""
    return re.compile(start + body + end, re.IGNORECASE)


def find_terms(terms: list[str], text: str) -> list[str]:
    """The terms that occur in `text` (case-insensitive, whole words)."""
    return [term for term in terms if term.strip() and _term_pattern(term.strip()).search(text)]


def posting_text(posting: PostingRecord) -> str:
    """Title, location, department and description of a posting, as one searchable text."""
    parts = [posting.get(key) or "" for key in ("title", "location", "department", "employment_type", "description")]
    return "\n".join(str(part) for part in parts if part)


def is_remote(posting: PostingRecord) -> bool:
    """True when the posting says it is remote (flag or wording in title/location)."""
    if posting.get("remote") is True:
        return True
    return bool(_REMOTE.search(f"{posting.get('title') or ''} {posting.get('location') or ''}"))


def location_suits(profile: Profile, posting: PostingRecord) -> bool:
    """Unknown locations and profiles without preferences suit; otherwise a preferred place must appear
    in the posting's location (either way round), or the posting is remote and the user takes remote."""
    wanted = [place.lower() for place in profile.locations]
    where = str(posting.get("location") or "").strip().lower()
    if not wanted or not where:
        return True
    accepts_remote = "remote" in profile.work_models or "remote" in wanted
    if accepts_remote and is_remote(posting):
        return True
    return any(place in where or where in place for place in wanted if place != "remote")


def judge(profile: Profile, posting: PostingRecord) -> KeywordVerdict:
    """Run the user's trackers over one posting."""
    text = posting_text(posting)
    return KeywordVerdict(
        include_hits=find_terms(profile.include_keywords, text),
        exclude_hits=find_terms(profile.exclude_keywords, text),
        location_ok=location_suits(profile, posting),
    )
