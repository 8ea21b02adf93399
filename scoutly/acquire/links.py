"""Links on a listing page that could lead to a posting, and how posting-like their URLs look (pure).

Navigation, header/footer, social, login, blog and legal links are left out. A posting's link may be a page,
a job-advert document (`.pdf`/`.doc`: the document URL is the posting URL) or an in-page anchor of a JavaScript
widget (`#item-3`: the page URL with that fragment); `href="#"`/`javascript:` links open a modal and give none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs, unquote, urlsplit

from selectolax.lexbor import LexborNode

from scoutly.acquire.ats import ats_key_for_url
from scoutly.acquire.urls import canonical_url, url_key
from scoutly.acquire.visible import INLINE_TAGS
from scoutly.acquire.vocabulary import (
    ATS_HOSTS,
    CARD_TAGS,
    DOC_ADVERT,
    EXCLUDED_HOSTS,
    EXCLUDED_PATH,
    FILTER_PARAMS,
    ID_PARAMS,
    JOB_SEGMENT,
    NAV_TAGS,
    NAV_TOKENS,
    NOT_JOB_SECTION,
    SHARED_DOCUMENT_HOSTS,
)

_DIGITS = re.compile(r"\d+")
DOCUMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".odt", ".rtf")
_NEVER = (".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".zip", ".mp4", ".css", ".js", ".ics", ".xml")
# Links, and rows or cards made clickable by script (`<tr onclick="location.href='/job/1'">`, `data-href`).
LINK_SELECTOR = "a, [data-href], [data-url], tr[onclick], li[onclick], div[onclick], article[onclick]"
_ONCLICK = re.compile(r"""(?:location(?:\.href)?\s*=|window\.open\(|location\.assign\()\s*['"]([^'"]+)['"]""")
_SKIP_FRAGMENTS = re.compile(
    r"^(top|main|content|main-content|maincontent|skip.*|page|header|footer|menu|nav.*)$", re.IGNORECASE
)


@dataclass
class LinkCandidate:
    node: LexborNode
    url: str | None  # None: a link that opens something in place (href="#", javascript:)
    strength: int  # 0 nothing special, 1 job-ish URL, 2 posting-shaped URL (id/slug after a job segment, ATS)
    in_page: bool = False  # an in-page anchor (#item-3): url is the page URL with the fragment


def candidate_links(anchors: list[LexborNode], base: str, page_url: str) -> list[LinkCandidate]:
    page = canonical_url(page_url) or page_url
    page_key = url_key(page)
    page_path = urlsplit(page).path.rstrip("/")
    found = []
    for anchor in anchors:
        candidate = _candidate(anchor, base, page, page_key, page_path)
        if candidate is not None:
            found.append(candidate)
    _shared_actions(found)
    return found


def _shared_actions(links: list[LinkCandidate]) -> None:
    """A URL every card links with the same call to action ("Apply" → one application form) is no posting's
    address: those links are treated as links without one, so each card stays its own record."""
    by_url: dict[str, list[LinkCandidate]] = {}
    for link in links:
        if link.url and not link.in_page:
            by_url.setdefault(link.url, []).append(link)
    for members in by_url.values():
        if len(members) < 3:
            continue
        texts = {" ".join(m.node.text(deep=True).split()).casefold() for m in members}
        if len(texts) == 1 and len({m.node.parent.mem_id for m in members if m.node.parent is not None}) >= 3:
            for link in members:
                link.url, link.strength = None, 0


def link_target(node: LexborNode) -> str:
    """Where an element links to: `href`, else `data-href`/`data-url`, else an `onclick` that sets the location."""
    attrs = node.attributes
    if node.tag == "a":
        return (attrs.get("href") or "").strip()
    target = attrs.get("data-href") or attrs.get("data-url")
    if target:
        return target.strip()
    found = _ONCLICK.search(attrs.get("onclick") or "")
    return found.group(1).strip() if found else "javascript:"


def _candidate(anchor: LexborNode, base: str, page: str, page_key: str, page_path: str) -> LinkCandidate | None:
    href = link_target(anchor)
    if "{{" in href or "${" in href or in_navigation(anchor):
        return None  # an unrendered template's placeholder, or navigation
    if href.startswith("#") and len(href) > 1 and not href.startswith(("#!", "#/")):
        fragment = href[1:]
        if _SKIP_FRAGMENTS.match(fragment):
            return None
        return LinkCandidate(anchor, f"{page}#{fragment}", 0, in_page=True)
    url = canonical_url(href, base)
    if url is None:
        if href not in ("", "#") and not href.lower().startswith("javascript:"):
            return None  # mailto:, tel:
        return LinkCandidate(anchor, None, 0)
    if url_key(url) == page_key or excluded_url(url) or _filter_of(url, page):
        return None
    strength = url_strength(url, page_path)
    if strength < 0 or (strength < 2 and NOT_JOB_SECTION.search(urlsplit(url).path)):
        return None
    if (strength == 0 or (strength == 1 and is_document(url))) and in_prose(anchor):
        return None  # a link in running text (a handbook "read our <a>volunteer handbook</a>") is no list item
    return LinkCandidate(anchor, url, strength)


def _filter_of(url: str, page: str) -> bool:
    """True for a link back to the listing page with a filter or sort parameter (`?team=sales`, `?page=2`), or
    for any link whose query only filters a list (`?department=…&location=…`)."""
    parts, own = urlsplit(url), urlsplit(page)
    query = parse_qs(parts.query, keep_blank_values=True)
    names = set(query)
    if not names or names & ID_PARAMS:
        return False
    if (parts.netloc, parts.path.rstrip("/")) == (own.netloc, own.path.rstrip("/")):
        # a page addressed by a query parameter (`/?page_id=57`): another value of it is another page
        own_query = parse_qs(own.query, keep_blank_values=True)
        return not any(
            query[name] != own_query[name] for name in names & set(own_query) if name.lower() not in FILTER_PARAMS
        )
    last = unquote(parts.path).rstrip("/").rsplit("/", 1)[-1]
    return {name.lower() for name in names} <= FILTER_PARAMS and not _posting_like_segment(last)


def in_prose(anchor: LexborNode) -> bool:
    """True for a link inside running text ("read about our culture <a>here</a>."): never a list item. Only the
    text right beside the link counts (cheap, and a card's other blocks are not running text)."""
    node = anchor
    while node.parent is not None and node.parent.tag in INLINE_TAGS:
        node = node.parent
    beside = 0
    for step in ("prev", "next"):
        sibling = getattr(node, step)
        for _ in range(4):
            if sibling is None:
                break
            if sibling.tag == "-text":
                beside += len((sibling.text_content or "").strip())
            elif sibling.tag in INLINE_TAGS:
                beside += len(sibling.text(deep=True).strip())
            else:
                break
            sibling = getattr(sibling, step)
    return beside > 25


def ancestors(node: LexborNode) -> Iterator[LexborNode]:
    parent = node.parent
    while parent is not None and parent.tag not in ("html", "-undef", "#document"):
        yield parent
        parent = parent.parent


def in_navigation(node: LexborNode) -> bool:
    """True inside nav/header/footer (a header or footer inside a card or the main content is not navigation) or a
    menu-like container."""
    chain = list(ancestors(node))
    # a header/footer holding cards (a card or main between it and the link), or a card's own header (an
    # `<article>`'s `<header class="entry-header">`: a card around it) is not the page's
    card_above = max((i for i, parent in enumerate(chain) if parent.tag in CARD_TAGS), default=-1)
    inside_card = False
    for index, parent in enumerate(chain):
        if parent.tag in CARD_TAGS or parent.tag == "main":
            inside_card = True
        card_header = parent.tag in ("header", "footer") and (inside_card or index < card_above)
        if parent.tag in NAV_TAGS and not card_header:
            return True
        if parent.tag in ("body", "main"):
            continue
        attrs = parent.attributes
        if (attrs.get("role") or "").lower() in ("navigation", "banner", "contentinfo", "menu", "menubar"):
            return True
        tokens = [*(attrs.get("class") or "").split(), attrs.get("id") or ""]
        if any(_nav_token(token) for token in tokens if token):
            return True
    return False


@lru_cache(maxsize=4096)
def _nav_token(token: str) -> bool:
    """A class or id naming navigation (cached: a page repeats its class names many times)."""
    return bool(NAV_TOKENS.match(token))


def excluded_url(url: str) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host in SHARED_DOCUMENT_HOSTS:
        return False  # a job description shared as a Google Doc or a Drive file is a posting's address
    if any(host == h or host.endswith("." + h) or (h.endswith(".") and h in host) for h in EXCLUDED_HOSTS):
        return True
    return bool(EXCLUDED_PATH.search(parts.path))


def is_document(url: str | None) -> bool:
    return url is not None and urlsplit(url).path.lower().endswith(DOCUMENT_SUFFIXES)


def url_strength(url: str, page_path: str = "") -> int:
    """2: posting-shaped URL; 1: job-ish URL; 0: nothing special; -1: never a posting (images, archives…)."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    lowered = path.lower()
    if lowered.endswith(_NEVER):
        return -1
    if lowered.endswith(DOCUMENT_SUFFIXES):
        return 2 if DOC_ADVERT.search(path.rsplit("/", 1)[-1]) else 1
    if ats_key_for_url(url):
        return 2
    host = (parts.hostname or "").lower()
    segments = [s for s in path.split("/") if s]
    query = parse_qs(parts.query)
    if ATS_HOSTS.search(host) and (segments or query):
        return 2
    for index, segment in enumerate(segments):
        if JOB_SEGMENT.match(segment) or "jobid:" in segment.lower() or segment.lower().startswith("job"):
            rest = segments[index + 1 :]
            if rest and any(_posting_like_segment(s) for s in rest):
                return 2
            if any(name in ID_PARAMS for name in query):
                return 2
            return 1
    if any(name in ID_PARAMS for name in query):
        return 1
    if page_path and len(page_path) > 1 and path.rstrip("/").startswith(page_path + "/"):
        return 1  # a page below the listing page itself (/vacatures/ → /vacatures/engineer/)
    return 0


def _posting_like_segment(segment: str) -> bool:
    """An id or a title slug (several words)."""
    return bool(_DIGITS.search(segment)) or segment.count("-") >= 1 or segment.count("_") >= 1 or ":" in segment


def url_shape(url: str | None) -> str:
    """Host and the path's fixed part: trailing ids and slugs dropped ("/jobs/listing/<slug>/<id>" →
    "/jobs/listing"), else the last part ("/openings/engineering/berlin" → "/openings/engineering"); with an id
    query parameter, the whole path plus the parameter names."""
    if not url:
        return "#"
    parts = urlsplit(url)
    segments = ["*" if _posting_like_segment(s) else s for s in parts.path.split("/") if s]
    names = sorted(name for name in parse_qs(parts.query) if name in ID_PARAMS)
    if names:
        return f"{parts.hostname}/{'/'.join(segments)}?{'&'.join(names)}"
    if segments and segments[-1] == "*":
        while segments and segments[-1] == "*":
            segments.pop()
    else:
        segments = segments[:-1]
    return f"{parts.hostname}/{'/'.join(segments)}"
