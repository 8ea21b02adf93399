"""ATS public feeds: detect a company's board from a URL or hint, fetch it, and key postings by the ATS's id.

Each vendor is one small module with a pure `parse` (JSON → PostingFound list) and an async `fetch`. Vendors in
`HOOKED` also own their URL rules: `detect(UrlParts)` (the board a URL points at), `posting_key(UrlParts)` (the key a
posting URL carries) and optionally `embedded(tree, page_url)` (boards named by a page's markup rather than a URL).
"""

from __future__ import annotations

import re
from types import ModuleType
from urllib.parse import parse_qs, urlsplit

from selectolax.lexbor import LexborHTMLParser

from scoutly.acquire.ats import (
    ashby,
    bamboohr,
    breezy,
    comeet,
    greenhouse,
    lever,
    personio,
    pinpoint,
    recruitee,
    rippling,
    smartrecruiters,
    teamtailor,
    workable,
    workday,
)
from scoutly.acquire.ats.base import AtsBoard, UrlParts
from scoutly.acquire.http import Http
from scoutly.acquire.models import Listing, PostingFound
from scoutly.acquire.urls import canonical_url

HOOKED: tuple[ModuleType, ...] = (recruitee, pinpoint, comeet, teamtailor, breezy, rippling)
VENDORS: dict[str, ModuleType] = {
    module.VENDOR: module
    for module in (greenhouse, lever, ashby, workday, smartrecruiters, workable, bamboohr, personio, *HOOKED)
}
_LOCALE = re.compile(r"^[a-z]{2}(-[A-Za-z]{2,4})?$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
_WORKDAY_REQ = re.compile(r"_([A-Za-z0-9][A-Za-z0-9-]*)/?$")
_RESERVED = {"embed", "v1", "api", "j", "jobs", "job", "wday", "en", "www", "apply", "careers", "search", ""}

__all__ = [
    "VENDORS",
    "AtsBoard",
    "ats_key_for_url",
    "board_from_hint",
    "boards_in_page",
    "describe",
    "describe_many",
    "detect_board",
    "fetch_board",
]


def _segments(path: str) -> list[str]:
    return [segment for segment in path.split("/") if segment]


def detect_board(url: str | None) -> AtsBoard | None:
    """The ATS board a careers URL, link, iframe or script src points at, or None."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    segments = _segments(parts.path)
    query = parse_qs(parts.query)
    first = segments[0] if segments else ""

    if host.endswith("greenhouse.io"):
        token = (query.get("for") or [""])[0]
        if not token and host.startswith("boards-api.") and len(segments) >= 3 and segments[:2] == ["v1", "boards"]:
            token = segments[2]
        if not token and first.lower() not in _RESERVED:
            token = first
        host_hint = host if ".eu." in host else None  # EU boards are served by the EU API
        return AtsBoard(greenhouse.VENDOR, token, host=host_hint) if token else None
    if host in ("jobs.lever.co", "jobs.eu.lever.co") and first:
        return AtsBoard(lever.VENDOR, first, host=host)
    if host in ("api.lever.co", "api.eu.lever.co") and len(segments) >= 3 and segments[:2] == ["v0", "postings"]:
        return AtsBoard(lever.VENDOR, segments[2], host=host)
    if host == "jobs.ashbyhq.com" and first and first.lower() not in _RESERVED:
        return AtsBoard(ashby.VENDOR, first)
    if host == "api.ashbyhq.com" and len(segments) >= 3 and segments[:2] == ["posting-api", "job-board"]:
        return AtsBoard(ashby.VENDOR, segments[2])
    if host.endswith(".myworkdayjobs.com"):
        locale = first if _LOCALE.match(first) else None
        rest = segments[1:] if locale else segments
        if rest and rest[0] == "wday" and len(rest) >= 4:  # /wday/cxs/<tenant>/<site>/…
            return AtsBoard(workday.VENDOR, host.split(".")[0], host=host, site=rest[3])
        if rest and rest[0].lower() not in _RESERVED:
            return AtsBoard(workday.VENDOR, host.split(".")[0], host=host, site=rest[0], locale=locale)
        return None
    if host in ("careers.smartrecruiters.com", "jobs.smartrecruiters.com") and first:
        return AtsBoard(smartrecruiters.VENDOR, first)
    if host == "api.smartrecruiters.com" and len(segments) >= 3 and segments[:2] == ["v1", "companies"]:
        return AtsBoard(smartrecruiters.VENDOR, segments[2])
    if host == "apply.workable.com":
        if first == "api" and "accounts" in segments:
            index = segments.index("accounts")
            return AtsBoard(workable.VENDOR, segments[index + 1]) if len(segments) > index + 1 else None
        return AtsBoard(workable.VENDOR, first) if first and first.lower() not in _RESERVED else None
    if re.fullmatch(r"[a-z0-9-]+\.jobs\.personio\.(de|com)", host):
        return AtsBoard(personio.VENDOR, host.split(".")[0], host=host)
    if host.endswith(".bamboohr.com") and host.count(".") == 2:
        account = host.split(".")[0]
        return AtsBoard(bamboohr.VENDOR, account) if account not in _RESERVED and account != "api" else None
    if host.endswith(".workable.com") and host.count(".") == 2:
        account = host.split(".")[0]
        return AtsBoard(workable.VENDOR, account) if account not in _RESERVED else None
    split = UrlParts(host, segments, query)
    for module in HOOKED:
        board = module.detect(split)
        if board is not None:
            return board
    return None


def board_from_hint(ats: str | None, token: str | None, careers_url: str | None) -> AtsBoard | None:
    """The board named by a company's `ats`/`ats_token` hint, else detected from its careers URL.

    For Workday the token is the board URL or "host/site" (e.g. "nvidia.wd5.myworkdayjobs.com/External").
    """
    vendor = (ats or "").strip().lower() or None
    if vendor and vendor not in VENDORS:
        vendor = None  # an ATS we have no feed for: the page strategies handle it
    if vendor and token:
        token = token.strip()
        if vendor == workday.VENDOR:
            return _workday_hint(token, careers_url)
        if hasattr(VENDORS[vendor], "from_hint"):
            return VENDORS[vendor].from_hint(token)
        return AtsBoard(vendor, token)
    board = detect_board(careers_url)
    if board and (vendor is None or board.vendor == vendor):
        return board
    return None


def _workday_hint(token: str, careers_url: str | None) -> AtsBoard | None:
    """A Workday board from a token that is a board URL, "host/site" or "tenant/site"."""
    first = token.split("/", 1)[0]
    if "://" in token or "." in first:
        board = detect_board(token if "://" in token else f"https://{token}")
        return board if board and board.vendor == workday.VENDOR else None
    tenant, _, site = token.partition("/")
    if not tenant or not site:
        return None
    page = detect_board(careers_url)
    if page and page.vendor == workday.VENDOR:
        return AtsBoard(workday.VENDOR, tenant, host=page.host, site=site, locale=page.locale)
    return AtsBoard(workday.VENDOR, tenant, site=site.strip("/"), page_url=careers_url)


def boards_in_page(
    html: str,
    base_url: str,
    frame_urls: list[str] | tuple[str, ...] = (),
    postings: list[PostingFound] | None = None,
) -> list[AtsBoard]:
    """The ATS boards that hold a page's postings, most likely first: the board the page itself is (a careers URL
    that redirected to a hosted board), boards the page embeds (iframes, scripts, vendor widgets), and boards it
    links to when most of the page's `postings` (if given) point at that board. A stray link to some other
    company's board is not enough."""
    tree = LexborHTMLParser(html or "")
    embedded: dict[AtsBoard, int] = {}
    linked: dict[AtsBoard, int] = {}
    sources = [(url, embedded) for url in frame_urls]
    sources += [(node.attributes.get("src"), embedded) for node in tree.css("iframe[src], script[src]")]
    sources += [(node.attributes.get("href"), linked) for node in tree.css("a[href]")]
    for href, counts in sources:
        board = detect_board(canonical_url(href, base_url) if href else None)
        if board is not None:
            counts[board] = counts.get(board, 0) + 1
    for module in HOOKED:
        for board in module.embedded(tree, base_url) if hasattr(module, "embedded") else ():
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


def ats_key_for_url(url: str | None) -> str | None:
    """The ATS posting key ("greenhouse:123", "lever:<uuid>", …) a posting URL carries, so a posting found in a
    page and in its ATS feed gets the same key. None for other URLs."""
    if not url:
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    segments = _segments(parts.path)
    query = parse_qs(parts.query)
    if "gh_jid" in query and query["gh_jid"][0].isdigit():
        return f"greenhouse:{query['gh_jid'][0]}"
    if host.endswith("greenhouse.io") and "jobs" in segments:
        index = segments.index("jobs")
        if len(segments) > index + 1 and segments[index + 1].isdigit():
            return f"greenhouse:{segments[index + 1]}"
    if host in ("jobs.lever.co", "jobs.eu.lever.co") and len(segments) >= 2 and _UUID.match(segments[1]):
        return f"lever:{segments[1].lower()}"
    if host == "jobs.ashbyhq.com" and len(segments) >= 2 and _UUID.match(segments[1]):
        return f"ashby:{segments[1].lower()}"
    if host.endswith(".myworkdayjobs.com") and "job" in segments:
        match = _WORKDAY_REQ.search(parts.path)
        return f"workday:{match.group(1)}" if match else None
    if host in ("jobs.smartrecruiters.com", "careers.smartrecruiters.com") and len(segments) >= 2:
        digits = re.match(r"^(\d{6,})", segments[1])
        return f"smartrecruiters:{digits.group(1)}" if digits else None
    if host == "apply.workable.com" and len(segments) >= 3 and segments[1] == "j":
        return f"workable:{segments[2]}"
    if host.endswith((".jobs.personio.de", ".jobs.personio.com")) and len(segments) >= 2 and segments[0] == "job":
        return f"personio:{segments[1]}" if segments[1].isdigit() else None
    if host.endswith(".bamboohr.com") and len(segments) >= 2 and segments[0] == "careers" and segments[1].isdigit():
        return f"bamboohr:{segments[1]}"
    split = UrlParts(host, segments, query)
    for module in HOOKED:
        key = module.posting_key(split)
        if key is not None:
            return key
    return None


async def fetch_board(http: Http, board: AtsBoard, overrides: dict[str, str] | None = None) -> Listing:
    """Every posting on `board` (raises FetchError when the feed cannot be read)."""
    listing = await VENDORS[board.vendor].fetch(http, board, overrides)
    listing.board = listing.board or board
    return listing


async def describe(
    http: Http, board: AtsBoard, posting: PostingFound, overrides: dict[str, str] | None = None
) -> PostingFound | None:
    """Fill a posting's details from the vendor's detail API, or None when the vendor has none."""
    module = VENDORS[board.vendor]
    if not hasattr(module, "describe"):
        return None
    return await module.describe(http, board, posting, overrides)


async def describe_many(
    http: Http, board: AtsBoard, postings: list[PostingFound], overrides: dict[str, str] | None = None
) -> int | None:
    """Fill many postings with one request where the vendor allows it; None when it does not."""
    module = VENDORS[board.vendor]
    if not hasattr(module, "describe_many"):
        return None
    return await module.describe_many(http, board, postings, overrides)
