"""ATS public feeds: detect a company's board from a URL or hint, fetch it, and key postings by the ATS's id.

Each vendor is one module defining an `AtsVendor` (see `vendor`): its URL rules (`detect`, `posting_key`,
`from_hint`, `embedded`), its feed reader (`fetch`, with a pure `parse` beside it) and, where the vendor has one,
its detail API (`describe`, `describe_many`). `AtsVendors` holds one configured instance of each, in the order
their URL rules are asked; `VENDORS` is the registry with every vendor's public API, which the URL functions
below use (URL rules need no configuration). Adding a vendor: a module with its `AtsVendor` subclass, listed in
`VENDOR_TYPES` (and in `scoutly.seeding.models.AtsVendorName`, the hints a seed file may name).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from selectolax.lexbor import LexborHTMLParser

from scoutly.acquire.ats.ashby import Ashby
from scoutly.acquire.ats.bamboohr import BambooHR
from scoutly.acquire.ats.base import AtsBoard, FeedFormatError, UrlParts
from scoutly.acquire.ats.breezy import Breezy
from scoutly.acquire.ats.comeet import Comeet
from scoutly.acquire.ats.greenhouse import Greenhouse
from scoutly.acquire.ats.lever import Lever
from scoutly.acquire.ats.personio import Personio
from scoutly.acquire.ats.pinpoint import Pinpoint
from scoutly.acquire.ats.recruitee import Recruitee
from scoutly.acquire.ats.rippling import Rippling
from scoutly.acquire.ats.smartrecruiters import SmartRecruiters
from scoutly.acquire.ats.teamtailor import Teamtailor
from scoutly.acquire.ats.vendor import AtsVendor
from scoutly.acquire.ats.workable import Workable
from scoutly.acquire.ats.workday import Workday
from scoutly.acquire.http import Http
from scoutly.acquire.models import Listing, PostingFound
from scoutly.acquire.urls import canonical_url

__all__ = [
    "VENDORS",
    "VENDOR_TYPES",
    "AtsBoard",
    "AtsVendor",
    "AtsVendors",
    "FeedFormatError",
    "ats_key_for_url",
    "board_from_hint",
    "boards_in_page",
    "detect_board",
]

# The order URL rules are asked in (the first vendor that claims a URL wins): Greenhouse first, so a `gh_jid`
# query names a Greenhouse posting on any host.
VENDOR_TYPES: tuple[type[AtsVendor], ...] = (
    Greenhouse,
    Lever,
    Ashby,
    Workday,
    SmartRecruiters,
    Workable,
    Personio,
    BambooHR,
    Recruitee,
    Pinpoint,
    Comeet,
    Teamtailor,
    Breezy,
    Rippling,
)


class AtsVendors(Mapping[str, AtsVendor]):
    """One instance of each vendor (by name, in URL-rule order), each reading its feed from its API base: the
    public one, or the override configured for it (`Settings.ats_api_overrides`, `SCOUTLY_ATS_API_OVERRIDES`:
    tests, proxies, `scoutly try`). Build it once (the `Acquirer` does, from its settings) and read feeds through
    it."""

    def __init__(self, api_overrides: Mapping[str, str] | None = None) -> None:
        overrides = api_overrides or {}
        self._vendors = {kind.name: kind(overrides.get(kind.name)) for kind in VENDOR_TYPES}

    def __getitem__(self, name: str) -> AtsVendor:
        return self._vendors[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._vendors)

    def __len__(self) -> int:
        return len(self._vendors)

    async def fetch(self, http: Http, board: AtsBoard) -> Listing:
        """Every posting on `board`: FetchError when the feed cannot be read, FeedFormatError when it is not in
        the vendor's shape (each vendor's reader checks the shapes it reads, see `base`)."""
        listing = await self[board.vendor].fetch(http, board)
        listing.board = listing.board or board
        return listing

    async def describe(self, http: Http, board: AtsBoard, posting: PostingFound) -> PostingFound | None:
        """Fill a posting's details from the vendor's detail API, or None when the vendor has none."""
        return await self[board.vendor].describe(http, board, posting)

    async def describe_many(self, http: Http, board: AtsBoard, postings: list[PostingFound]) -> int | None:
        """Fill many postings with one request where the vendor allows it; None when it does not."""
        return await self[board.vendor].describe_many(http, board, postings)


VENDORS = AtsVendors()


def detect_board(url: str | None) -> AtsBoard | None:
    """The ATS board a careers URL, link, iframe or script src points at, or None."""
    if not url:
        return None
    parts = UrlParts.of(url)
    return next((board for vendor in VENDORS.values() if (board := vendor.detect(parts)) is not None), None)


def ats_key_for_url(url: str | None) -> str | None:
    """The ATS posting key ("greenhouse:123", "lever:<uuid>", …) a posting URL carries, so a posting found in a
    page and in its ATS feed gets the same key. None for other URLs."""
    if not url:
        return None
    parts = UrlParts.of(url)
    return next((key for vendor in VENDORS.values() if (key := vendor.posting_key(parts)) is not None), None)


def board_from_hint(ats: str | None, token: str | None, careers_url: str | None) -> AtsBoard | None:
    """The board named by a company's `ats`/`ats_token` hint, else detected from its careers URL.

    For Workday the token is the board URL or "host/site" (e.g. "nvidia.wd5.myworkdayjobs.com/External").
    """
    name = (ats or "").strip().lower() or None
    if name and name not in VENDORS:
        name = None  # an ATS we have no feed for: the page strategies handle it
    if name and token:
        return VENDORS[name].from_hint(token.strip(), careers_url)
    board = detect_board(careers_url)
    if board and (name is None or board.vendor == name):
        return board
    return None


def boards_in_page(
    html: str,
    base_url: str,
    frame_urls: Sequence[str] = (),
    postings: list[PostingFound] | None = None,
) -> list[AtsBoard]:
    """The ATS boards that hold a page's postings, most likely first: the board the page itself is (a careers URL
    that redirected to a hosted board), boards the page embeds (iframes, scripts, vendor widgets), and boards it
    links to when most of the page's `postings` (if given) point at that board. A stray link to some other
    company's board is not enough."""
    tree = LexborHTMLParser(html or "")
    embedded: dict[AtsBoard, int] = {}
    linked: dict[AtsBoard, int] = {}
    sources: list[tuple[str | None, dict[AtsBoard, int]]] = [(url, embedded) for url in frame_urls]
    sources += [(node.attributes.get("src"), embedded) for node in tree.css("iframe[src], script[src]")]
    sources += [(node.attributes.get("href"), linked) for node in tree.css("a[href]")]
    for href, counts in sources:
        board = detect_board(canonical_url(href, base_url) if href else None)
        if board is not None:
            counts[board] = counts.get(board, 0) + 1
    for vendor in VENDORS.values():
        for board in vendor.embedded(tree, base_url):
            embedded[board] = embedded.get(board, 0) + 1
    itself = detect_board(base_url)
    boards = ([itself] if itself else []) + [b for b in sorted(embedded, key=lambda b: -embedded[b]) if b != itself]
    for board in sorted(linked, key=lambda board: -linked[board]):
        if board in boards:
            continue
        if postings:
            on_board = sum(1 for posting in postings if detect_board(posting.url) == board)
            if on_board * 2 < len(postings):
                continue
        boards.append(board)
    return boards
