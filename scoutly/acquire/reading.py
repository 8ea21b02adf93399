"""Reading one fetched page into what acquisition needs — run in a parse worker (`parsepool`), never on the loop.

Each function takes the page's text and returns plain picklable results: the markup is bounded first
(`markup.cap_markup`: depth flattened, element count capped, saying why), then the extraction functions read it.
Nothing here does I/O, so a runaway page costs a worker process its deadline, not the event loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from scoutly.acquire.ats import AtsBoard, boards_in_page
from scoutly.acquire.details import PostingDetails, extract_details
from scoutly.acquire.extract import extract_page
from scoutly.acquire.markup import cap_markup
from scoutly.acquire.models import PostingFound, Selectors
from scoutly.acquire.pagination import next_page_url


@dataclass
class ListingPage:
    """What one listing page gives: its postings, the ATS boards it points at, its "next" page, and notes on bounds
    that changed the page (`truncated`: part of the page was not read, so the listing is partial)."""

    postings: list[PostingFound]
    boards: list[AtsBoard]
    next_url: str | None = None
    notes: list[str] = field(default_factory=list)
    truncated: bool = False
    stated_count: int | None = None  # how many postings the page says it lists, when it says


@dataclass
class DetailPage:
    """What one posting's own page gives."""

    details: PostingDetails
    notes: list[str] = field(default_factory=list)


def read_listing_page(
    html: str,
    url: str,
    *,
    company: str | None = None,
    selectors: Selectors | None = None,
    frame_urls: Sequence[str] = (),
    want_next: bool = True,
) -> ListingPage:
    """Postings, boards and (with `want_next`) the next page's URL of one listing page."""
    bounded = cap_markup(html or "")
    extraction = extract_page(bounded.html, url, company, selectors=selectors)
    postings = with_page_url(extraction.postings, url)
    boards = boards_in_page(bounded.html, url, list(frame_urls), postings=postings)
    following = next_page_url(bounded.html, url, selectors=selectors) if want_next else None
    return ListingPage(postings, boards, following, bounded.notes, bounded.truncated, extraction.stated_count)


def read_detail_page(html: str, *, max_chars: int) -> DetailPage:
    """The details of one posting's page."""
    bounded = cap_markup(html or "")
    return DetailPage(extract_details(bounded.html, max_chars=max_chars), bounded.notes)


def with_page_url(postings: list[PostingFound], page_url: str) -> list[PostingFound]:
    """A posting shown without a link of its own (opens in a modal) points at the page that lists it."""
    for posting in postings:
        if posting.url is None:
            posting.url = page_url
    return postings
