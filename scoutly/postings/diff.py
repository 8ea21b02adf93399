"""What changed since the last look (pure): new, still open, reopened, missing and removed postings.

Removal is only decided from a COMPLETE listing: a failed, partial or bounded scrape never closes anything.
With `confirm_after=2` (page strategies, whose "complete" can be wrong when a page half-loads) an open posting
is closed only when it is missing from two complete listings in a row; the first time it is only `missing`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from scoutly.acquire.models import PostingFound
from scoutly.acquire.urls import url_key


@dataclass
class PostingDiff:
    new: list[PostingFound] = field(default_factory=list)  # never seen before
    still_open: list[PostingFound] = field(default_factory=list)  # known, open, found again
    reopened: list[PostingFound] = field(default_factory=list)  # known but closed, found again
    removed: list[str] = field(default_factory=list)  # keys of open postings missing from a complete listing
    missing: dict[str, int] = field(default_factory=dict)  # key → consecutive misses, not closed yet


def diff_postings(
    found: list[PostingFound],
    known: dict[str, bool],
    *,
    complete: bool,
    known_urls: dict[str, str] | None = None,
    missed: dict[str, int] | None = None,
    confirm_after: int = 1,
) -> PostingDiff:
    """Compare a listing with the known postings (`key → is open`). Duplicate keys in `found` count once.

    `known_urls` (canonical URL key → posting key) recognises a known posting found under another key — e.g.
    read from the company's page after its ATS feed failed — so it is neither new nor removed; it keeps its key.
    `missed` holds how many complete listings in a row already lacked an open posting (see module doc).
    """
    result = PostingDiff()
    seen: set[str] = set()
    for posting in found:
        if posting.key not in known and known_urls and posting.url:
            same = known_urls.get(url_key(posting.url))
            if same is not None and same not in seen:
                posting = replace(posting, key=same)  # a copy: the caller's listing is left as it was
        if posting.key in seen:
            continue
        seen.add(posting.key)
        if posting.key not in known:
            result.new.append(posting)
        elif known[posting.key]:
            result.still_open.append(posting)
        else:
            result.reopened.append(posting)
    if complete:
        for key, is_open in known.items():
            if not is_open or key in seen:
                continue
            misses = (missed or {}).get(key, 0) + 1
            if misses >= confirm_after:
                result.removed.append(key)
            else:
                result.missing[key] = misses
    return result
