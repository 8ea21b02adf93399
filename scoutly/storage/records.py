"""The stored shapes that cross modules: a posting (the `postings` collection) and a match (`matches`).

They are written in one place each — `postings.store.new_posting_doc` (with `record_listing`), and
`analysis.matches.save_keyword_match` / `save_gemini_match` (notification adds its bookkeeping) — and read by
analysis, notification, the CLI and the trial. A document is cast to its record once, where it comes out of a
collection (`as_posting`, `as_match`); Mongo filters and updates stay plain `Document`s.
`tests/test_records.py` checks that what the writers store has exactly these keys.

No `from __future__ import annotations` here: the annotations are evaluated, so `NotRequired` shows in the
records' `__required_keys__` / `__optional_keys__` at run time (which that test reads).
"""

from datetime import datetime
from typing import Any, Literal, NotRequired, TypedDict, cast

from bson import ObjectId

from scoutly.storage.types import Document


class PostingRecord(TypedDict):
    """A posting as `new_posting_doc` writes it; `record_listing` refreshes the listing fields it knows (a
    missing value never erases one), `last_seen_at`, `closed_at` and `missed`."""

    _id: NotRequired[ObjectId]  # every stored posting has one; a dry run's new postings (never saved) do not
    company: str  # the company's slug
    key: str  # the ATS's own id ("greenhouse:123") or the canonical URL
    title: str
    url: str | None
    location: str | None
    department: str | None
    employment_type: str | None
    remote: bool | None
    description: str | None
    source: str | None  # strategy/vendor that found it
    baseline: bool  # found by the company's first look: not news
    first_seen_at: datetime
    last_seen_at: datetime
    closed_at: datetime | None  # None while open
    missed: int  # consecutive complete page listings without it


class MatchRecord(TypedDict):
    """A match (one per user and posting) as `save_keyword_match` / `save_gemini_match` write it."""

    _id: ObjectId
    user: str  # the user's e-mail address
    posting: ObjectId  # the posting's _id
    company: str  # copies of the posting's fields, for listings and messages
    title: str
    url: str | None
    location: str | None
    source: Literal["keyword", "gemini"]  # what made it (Gemini's analysis replaces the keyword source)
    score: int | None  # Gemini's 0–100; None for a keyword match not yet analysed
    analysis: Document | None  # Gemini's deep analysis (with "model"), None until there is one
    status: str  # one of analysis.matches.STATUSES
    notified_at: datetime | None  # set once every URL of the user has been sent it
    created_at: datetime
    updated_at: datetime
    keyword_hits: NotRequired[list[str]]  # written when a keyword tracker fired; a Gemini-only match has none
    notified_via: NotRequired[list[str]]  # delivery keys of the URLs it was sent to
    notify_claim: NotRequired[str]  # a notification pass's short claim (removed when the pass ends)
    notify_claim_until: NotRequired[datetime]


class WouldBeMatch(TypedDict):
    """A match a dry run would have made (`DryJudgements`): never stored, so no _id, status dates or claims."""

    user: str
    posting: Any  # the posting's _id, or (an unsaved posting) its key or URL
    company: str
    title: str
    url: str | None
    location: str | None
    source: Literal["keyword", "gemini"]
    score: int | None
    analysis: Document | None
    keyword_hits: list[str]
    status: Literal["new"]


def as_posting(doc: Document) -> PostingRecord:
    """A document read from `postings` (the read boundary: no copy, no check)."""
    return cast(PostingRecord, doc)


def as_match(doc: Document) -> MatchRecord:
    """A document read from `matches` (the read boundary: no copy, no check)."""
    return cast(MatchRecord, doc)
