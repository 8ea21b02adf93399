"""`scrape(db, acquirer, company)`: one look at a company the way the processor takes it (tests' shorthand)."""

from __future__ import annotations

from typing import Any

from scoutly.acquire import Acquirer
from scoutly.postings.observe import ScrapeOutcome, observe


async def scrape(db: Any, acquirer: Acquirer, company: dict, **options: Any) -> ScrapeOutcome:
    """`observe` with the acquirer's own setting for confirming removals from page listings."""
    return await observe(
        db, acquirer, company, removal_confirmations=acquirer.settings.removal_confirmations, **options
    )
