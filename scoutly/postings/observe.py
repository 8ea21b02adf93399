"""One look at a company: its listing from acquisition, compared with what is recorded, details of what is new,
and the result saved. The completeness rules that decide whether a listing may close postings live here.

    outcome = await observe(db, acquirer, company)      # listing → diff → details of new postings → upserts

`db` may be None for a dry run of a page no one has recorded (`scrape --url`): nothing is known, nothing written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from loguru import logger

from scoutly.acquire import PAGE_STRATEGIES
from scoutly.acquire.ats import VENDORS
from scoutly.acquire.models import Listing, PostingFound
from scoutly.clock import SYSTEM_CLOCK, Clock
from scoutly.postings.diff import diff_postings
from scoutly.postings.store import KnownState, known_state, new_posting_doc, record_listing
from scoutly.storage.records import PostingRecord
from scoutly.storage.types import Database, Document


class ListingSource(Protocol):
    """Where listings come from (the `Acquirer`; scripted doubles in tests)."""

    async def listing(self, company: Document) -> Listing:
        """The company's current listing; raises `AcquisitionFailed` when no strategy could read it."""

    async def describe_new(self, listing: Listing, new: list[PostingFound]) -> list[str]:
        """Fill details of the `new` postings in place; returns notes for the ones that failed."""


@dataclass
class ScrapeOutcome:
    """One look at one company (see docs/ARCHITECTURE.md)."""

    strategy: str | None
    complete: bool
    found: int
    new: list[PostingRecord] = field(default_factory=list)  # posting documents (with _id unless dry_run)
    removed: int = 0
    baseline: bool = False
    errors: list[str] = field(default_factory=list)  # what made the listing incomplete
    notes: list[str] = field(default_factory=list)  # warnings that did not (e.g. a detail page that failed)
    postings: list[PostingFound] = field(default_factory=list)  # the whole listing
    still_open: int = 0
    reopened: int = 0
    missing: int = 0  # open postings absent from this page listing, not closed yet (settings.removal_confirmations)
    removed_keys: list[str] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)  # seconds: listing, details, diff


def completeness(listing: Listing, company: Document, *, still_open: int) -> tuple[bool, list[str]]:
    """Whether `listing` may close postings, and why not (pure). An empty page while postings are open is more
    likely broken than a company with no jobs; a fallback source may see less than the usual one."""
    slug = company["_id"]
    complete, errors = listing.complete, list(listing.errors)
    remembered = company.get("strategy")
    if not listing.postings and still_open and listing.strategy in PAGE_STRATEGIES:
        complete = False
        errors.append(f"{slug}: the careers page shows no postings; keeping {still_open} open ones")
    elif complete and still_open and remembered and listing.strategy != remembered:
        complete = False
        errors.append(
            f"{slug}: read by {listing.strategy} instead of {remembered}; nothing closed on this change of source"
        )
    return complete, errors


async def observe(
    db: Database | None,
    source: ListingSource,
    company: Document,
    *,
    removal_confirmations: int,
    dry_run: bool = False,
    now: datetime | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> ScrapeOutcome:
    """Listing (cheapest strategy that works) → diff → details of NEW postings → postings upserts.

    `dry_run` reads the database (when there is one) but writes nothing. Raises `AcquisitionFailed` when no
    strategy could read the listing at all (the job is retried later); a partial listing gives `complete=False`.
    Page listings close a posting only after `removal_confirmations` complete listings in a row lacked it.
    """
    now = now or clock.now()
    monotonic = clock.monotonic
    slug = company["_id"]
    stages: dict[str, float] = {}
    started = monotonic()
    listing = await source.listing(company)
    stages["listing"] = monotonic() - started

    state = await known_state(db, slug) if db is not None else KnownState()
    baseline = not state.open and company.get("last_success_at") is None
    complete, errors = completeness(listing, company, still_open=sum(state.open.values()))
    diff = diff_postings(
        listing.postings,
        state.open,
        complete=complete,
        known_urls=state.urls,
        missed=state.missed,
        confirm_after=1 if listing.strategy in VENDORS else removal_confirmations,
    )

    started = monotonic()
    notes = list(listing.notes) + await source.describe_new(listing, diff.new)
    for note in notes:
        logger.info("{}: {}", slug, note)
    stages["details"] = monotonic() - started

    started = monotonic()
    if dry_run or db is None:
        new_docs = [new_posting_doc(slug, posting, baseline=baseline, now=now) for posting in diff.new]
        removed = len(diff.removed)
    else:
        recorded = await record_listing(db, slug, diff, baseline=baseline, now=now)
        new_docs, removed = recorded.new, recorded.removed
    stages["diff"] = monotonic() - started
    return ScrapeOutcome(
        strategy=listing.strategy,
        complete=complete,
        found=len(listing.postings),
        new=new_docs,
        removed=removed,
        baseline=baseline,
        errors=errors,
        notes=notes,
        postings=listing.postings,
        still_open=len(diff.still_open),
        reopened=len(diff.reopened),
        missing=len(diff.missing),
        removed_keys=list(diff.removed),
        stages=stages,
    )
