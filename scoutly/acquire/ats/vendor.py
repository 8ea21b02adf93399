"""The interface every ATS vendor implements (`AtsVendor`) and the one pagination loop paginated feeds share
(`paginate`). A reader that finds a feed of the wrong shape raises `FeedFormatError` (from `base`).

A vendor is a class in its own module; `scoutly.acquire.ats.AtsVendors` makes one instance of each, configured
with its API base (the public one, or an override from `SCOUTLY_ATS_API_OVERRIDES`: tests, proxies,
`scoutly try`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from selectolax.lexbor import LexborHTMLParser

from scoutly.acquire.ats.base import AtsBoard, FeedFormatError, UrlParts
from scoutly.acquire.http import Http
from scoutly.acquire.models import Listing, PostingFound

Cursor = TypeVar("Cursor")

__all__ = ["AtsVendor", "FeedFormatError", "Page", "paginate"]


class AtsVendor:
    """One ATS vendor: its URL rules (which board a URL names, which posting key a posting URL carries), its feed
    reader and, where the vendor has one, its detail API. Subclasses set `name` and implement `fetch`; the other
    hooks have "nothing here" defaults.

    `api` is the configured base URL of the vendor's feed (an override), or None for the vendor's public one:
    readers ask `self.base(default)`."""

    name: ClassVar[str]

    def __init__(self, api: str | None = None) -> None:
        self.api = api.rstrip("/") if api else None

    def base(self, default: str) -> str:
        """The feed's base URL: the configured override, else `default` (the vendor's public API or site)."""
        return self.api or default.rstrip("/")

    # --- URL rules (pure) ------------------------------------------------------------------------------------
    def detect(self, url: UrlParts) -> AtsBoard | None:
        """The board a careers URL, link, iframe or script src on this vendor points at."""
        return None

    def posting_key(self, url: UrlParts) -> str | None:
        """The posting key ("<vendor>:<id>") a posting URL of this vendor carries."""
        return None

    def from_hint(self, token: str, careers_url: str | None) -> AtsBoard | None:
        """The board named by a company's `ats_token` hint (`careers_url` for vendors that need the page too)."""
        return AtsBoard(self.name, token)

    def embedded(self, tree: LexborHTMLParser, page_url: str) -> list[AtsBoard]:
        """Boards named by a page's markup rather than by a URL (vendor widgets)."""
        return []

    # --- feeds ---------------------------------------------------------------------------------------------
    async def fetch(self, http: Http, board: AtsBoard) -> Listing:
        """Every posting on `board`: FetchError when the feed cannot be read, FeedFormatError when it is not what
        this vendor serves."""
        raise NotImplementedError

    async def describe(self, http: Http, board: AtsBoard, posting: PostingFound) -> PostingFound | None:
        """Fill one posting's details from the vendor's detail API; None: the vendor has none."""
        return None

    async def describe_many(self, http: Http, board: AtsBoard, postings: list[PostingFound]) -> int | None:
        """Fill many postings with one request, returning how many got a description; None: the vendor cannot."""
        return None


@dataclass
class Page(Generic[Cursor]):
    """One page of a paginated feed: its postings and the cursor of the page after it (None: the last page)."""

    postings: list[PostingFound]
    next: Cursor | None = None


async def paginate(
    board: AtsBoard,
    read_page: Callable[[Cursor], Awaitable[Page[Cursor]]],
    first: Cursor,
    *,
    max_pages: int,
    merge: Callable[[PostingFound, PostingFound], None] | None = None,
) -> Listing:
    """Every page of a feed from `first` on, at most `max_pages`; a feed still offering pages after that is a
    partial listing, saying so. A posting already listed on an earlier page is dropped, or `merge`d into the first
    one (e.g. a job listed once per location)."""
    listing = Listing(strategy=board.vendor, board=board)
    seen: dict[str, PostingFound] = {}
    cursor = first
    for _ in range(max_pages):
        page = await read_page(cursor)
        for posting in page.postings:
            known = seen.get(posting.key)
            if known is None:
                seen[posting.key] = posting
                listing.postings.append(posting)
            elif merge is not None:
                merge(known, posting)
        if page.next is None:
            return listing
        cursor = page.next
    listing.complete = False
    listing.errors.append(f"{board.label()}: stopped after {max_pages} feed pages (more were offered)")
    return listing
