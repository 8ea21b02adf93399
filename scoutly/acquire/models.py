"""What acquisition finds: one `PostingFound` per posting on a listing, plus a `Listing` (all postings of one
strategy run, and whether the listing is complete enough to close postings that disappeared)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from scoutly.acquire.ats.base import AtsBoard

# A company's CSS overrides for a custom careers page, as stored: `job_link`, `next_page`, `load_more` (all optional).
Selectors: TypeAlias = Mapping[str, str | None]


@dataclass
class PostingFound:
    """A posting as read from a feed or page. `key` is the ATS's own id ("greenhouse:123") or the canonical URL."""

    key: str
    title: str
    url: str | None
    location: str | None = None
    department: str | None = None
    employment_type: str | None = None
    remote: bool | None = None
    description: str | None = None
    source: str | None = None  # strategy/vendor that found it: "greenhouse", "static", "rendered", …

    def fields(self) -> dict[str, Any]:
        """The posting's fields as a dict (for persistence)."""
        return asdict(self)


@dataclass
class Listing:
    """The postings one strategy found for a company.

    `complete` is True only when the whole listing was read (every page of a paginated feed, no refused or
    failed page); only a complete listing may close postings that are missing from it.
    """

    strategy: str
    postings: list[PostingFound] = field(default_factory=list)
    complete: bool = True
    errors: list[str] = field(default_factory=list)  # why the listing is incomplete
    notes: list[str] = field(default_factory=list)  # what failed on the way (e.g. a cheaper strategy before this one)
    final_url: str | None = None
    board: AtsBoard | None = None  # the ATS board a feed listing came from, for its detail API


def dedupe(postings: list[PostingFound]) -> list[PostingFound]:
    """Keep the first posting per key, in order."""
    seen: set[str] = set()
    unique = []
    for posting in postings:
        if posting.key not in seen:
            seen.add(posting.key)
            unique.append(posting)
    return unique
