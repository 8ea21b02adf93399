"""Postings from a careers page's HTML — general rules, no per-site code (pure: no I/O).

Signals, strongest first:
1. schema.org `JobPosting` JSON-LD (also inside `@graph` / `ItemList`);
2. the company's CSS selector override (`selectors["job_link"]`), which replaces link finding when given;
3. links, scored by job-like URLs (ATS posting URLs, `/jobs/<slug>`, `?jid=`), job-like link texts (role nouns in
   several languages, "(m/w/d)"), and repetition: links in the same repeated structure (cards, rows, list items)
   with the same URL shape are judged together, so a list of postings is taken whole and a lone
   "Careers" link is not. Navigation, header/footer, social, login, blog, legal and "initiative application"
   links are excluded. Titles come from the link, or from the card's heading when the link text is generic
   ("View role details →").

What counts as job-like lives in `vocabulary`; JSON-LD in `jsonld`; keys in `keys`; next pages in `pagination`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs, unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from scoutly.acquire.ats import ats_key_for_url
from scoutly.acquire.jsonld import jsonld_postings
from scoutly.acquire.keys import posting_key
from scoutly.acquire.models import PostingFound
from scoutly.acquire.text import clean
from scoutly.acquire.urls import canonical_url, document_base, url_key
from scoutly.acquire.vocabulary import (
    ATS_HOSTS,
    CARD_TAGS,
    DOC_ADVERT,
    EXCLUDED_HOSTS,
    EXCLUDED_PATH,
    EXCLUDED_TEXT,
    GENDER_RE,
    GENERIC_TEXT,
    HEADINGS,
    ID_PARAMS,
    JOB_SEGMENT,
    LOCATION_CLASS,
    MAX_TITLE,
    NAV_TAGS,
    NAV_TEXT,
    NAV_TOKENS,
    NOT_JOB_SECTION,
    ROLE_RE,
    TITLE_CLASS,
    TRAILING_NOISE,
)
from scoutly.errors import InputError

SOURCE = "static"
_DIGITS = re.compile(r"\d+")


@dataclass
class _Link:
    node: LexborNode
    url: str | None
    group: tuple
    url_strength: int  # 0 none, 1 job-ish path, 2 posting-shaped URL (id/slug after a job segment, ATS posting)
    titled: bool  # the title we would use looks like a role
    title: str
    title_rank: int = 0  # 3 heading inside the link, 2 link text or card heading, 1 image alt / attribute / file


# --- entry point ----------------------------------------------------------------------------------------------
def extract_postings(html: str, base_url: str, *, selectors: dict | None = None) -> list[PostingFound]:
    """Every posting a careers page lists: (title, URL) plus what JSON-LD tells. Pure function."""
    tree = LexborHTMLParser(html or "")
    base = document_base(tree, base_url)
    found: dict[str, PostingFound] = {}
    for posting in jsonld_postings(tree, base):
        found.setdefault(posting.key, posting)
    selector = (selectors or {}).get("job_link")
    links = _override_links(tree, base, selector) if selector else _scored_links(tree, base)
    for posting in links:
        if posting.key not in found:
            found[posting.key] = posting
    return list(found.values())


@dataclass
class PageExtraction:
    """What one listing page yields: its postings and the number of postings it says it lists (if it says)."""

    postings: list[PostingFound]
    stated_count: int | None = None


def extract_page(
    html: str, page_url: str, company: str | None = None, *, selectors: dict | None = None
) -> PageExtraction:
    """The postings of one listing page and its stated count. Pure function; the result pickles."""
    return PageExtraction(extract_postings(html, page_url, selectors=selectors))


# --- selector override ----------------------------------------------------------------------------------------
def _override_links(tree: LexborHTMLParser, base: str, selector: str) -> list[PostingFound]:
    """Every element matched by the company's `job_link` selector is a posting (no scoring)."""
    try:
        nodes = tree.css(selector)
    except SelectolaxError:
        raise InputError(f"selectors.job_link: {selector!r} is not a valid CSS selector") from None
    anchors = [node if node.tag == "a" else (node.css_first("a[href]") or node) for node in nodes]
    urls = {canonical_url(anchor.attributes.get("href"), base) for anchor in anchors} - {None}
    postings: dict[str, PostingFound] = {}
    for node, anchor in zip(nodes, anchors, strict=True):
        url = canonical_url(anchor.attributes.get("href"), base)
        title = _tidy_title(_title_for(anchor, url, urls, base)[0] or _text(node))
        if not title:
            continue
        location = _card_location(anchor, url, urls, base)
        posting = PostingFound(
            key=posting_key(url, title, base), title=title, url=url, location=location, source=SOURCE
        )
        postings.setdefault(posting.key, posting)
    return list(postings.values())


# --- scored links ---------------------------------------------------------------------------------------------
def _scored_links(tree: LexborHTMLParser, base: str) -> list[PostingFound]:
    page_key = url_key(canonical_url(base) or base)
    candidates = [link for anchor in tree.css("a") if (link := _candidate(anchor, base, page_key))]
    urls = {link.url for link in candidates if link.url}
    groups: dict[tuple, list[_Link]] = defaultdict(list)
    for link in candidates:
        if link.url:
            link.title, link.title_rank = _title_for(link.node, link.url, urls, base)
        else:
            link.title, link.title_rank = _first_heading(link.node) or _card_heading(link.node, None, urls, base), 2
        link.title = _tidy_title(link.title)
        link.titled = _role_like(link.title)
        groups[link.group].append(link)

    lists: list[_Link] = []
    singles: list[_Link] = []
    for members in groups.values():
        chosen = _judge_group(members)
        (lists if len({m.url or m.title for m in chosen}) >= 2 else singles).extend(chosen)
    # A lone link beside a clear job list is only a posting when it has the list's URL shape.
    list_shapes = {link.group[1] for link in lists}
    accepted = lists + [s for s in singles if not lists or s.group[1] in list_shapes]
    order = {id(link): index for index, link in enumerate(candidates)}
    accepted.sort(key=lambda link: order[id(link)])

    best: dict[str, _Link] = {}
    for link in accepted:
        key = posting_key(link.url, link.title, base)
        current = best.get(key)
        if current is None or (link.title_rank, link.titled) > (current.title_rank, current.titled):
            best[key] = link
    return [
        PostingFound(
            key=key,
            title=link.title,
            url=link.url,
            location=_card_location(link.node, link.url, urls, base),
            source=SOURCE,
        )
        for key, link in best.items()
    ]


def _judge_group(members: list[_Link]) -> list[_Link]:
    """Accept a repeated structure whole when it looks like a job list; a lone link only on strong evidence."""
    usable = [m for m in members if m.title and not EXCLUDED_TEXT.search(m.title) and not NAV_TEXT.match(m.title)]
    if not usable:
        return []
    distinct = {m.url or m.title for m in usable}
    titled = sum(1 for m in usable if m.titled) / len(usable)
    strong_url = sum(1 for m in usable if m.url_strength >= 2) / len(usable)
    any_url = sum(1 for m in usable if m.url_strength >= 1) / len(usable)
    if len(distinct) >= 2:
        if titled >= 0.5 and (any_url >= 0.5 or titled >= 0.8):
            return usable
        if strong_url >= 0.8 and titled >= 0.3:
            return usable
        return [m for m in usable if m.titled and m.url_strength >= 2]
    return [m for m in usable if m.titled and m.url_strength >= 1]


def _candidate(anchor: LexborNode, base: str, page_key: str) -> _Link | None:
    href = (anchor.attributes.get("href") or "").strip()
    chain = list(_ancestors(anchor))
    if _in_navigation(chain):
        return None
    url = canonical_url(href, base)
    if url is None:
        if href not in ("", "#") and not href.lower().startswith("javascript:"):
            return None  # mailto:, tel:, in-page anchors
        strength = 0
    else:
        if url_key(url) == page_key or _excluded_url(url):
            return None
        strength = _url_strength(url)
        if strength < 0 or (strength < 2 and NOT_JOB_SECTION.search(urlsplit(url).path)):
            return None
    return _Link(
        node=anchor,
        url=url,
        group=(_signature(anchor, chain), _url_shape(url)),
        url_strength=strength,
        titled=False,
        title="",
    )


def _ancestors(node: LexborNode) -> Iterator[LexborNode]:
    parent = node.parent
    while parent is not None and parent.tag not in ("html", "-undef", "#document"):
        yield parent
        parent = parent.parent


def _in_navigation(chain: list[LexborNode]) -> bool:
    inside_card = False
    for node in chain:
        if node.tag in CARD_TAGS or node.tag == "main":
            inside_card = True
        if node.tag in NAV_TAGS and not (inside_card and node.tag in ("header", "footer")):
            return True
        if node.tag in ("body", "main"):
            continue
        attrs = node.attributes
        if (attrs.get("role") or "").lower() in ("navigation", "banner", "contentinfo", "menu", "menubar"):
            return True
        tokens = [*(attrs.get("class") or "").split(), attrs.get("id") or ""]
        if any(NAV_TOKENS.match(token) for token in tokens if token):
            return True
    return False


def _excluded_url(url: str) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if any(host == h or host.endswith("." + h) or (h.endswith(".") and h in host) for h in EXCLUDED_HOSTS):
        return True
    return bool(EXCLUDED_PATH.search(parts.path))


def _url_strength(url: str) -> int:
    """2: posting-shaped URL; 1: job-ish URL; 0: nothing special; -1: never a posting (images, archives…)."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    lowered = path.lower()
    if lowered.endswith((".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".zip", ".mp4", ".css", ".js")):
        return -1
    if lowered.endswith((".pdf", ".doc", ".docx")):
        return 2 if DOC_ADVERT.search(path.rsplit("/", 1)[-1]) else -1
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
    return 0


def _posting_like_segment(segment: str) -> bool:
    """An id or a title slug (several words)."""
    return bool(_DIGITS.search(segment)) or segment.count("-") >= 1 or segment.count("_") >= 1 or ":" in segment


def _url_shape(url: str | None) -> str:
    if not url:
        return "#"
    """Host and path without the last part ("/jobs/<slug>" → "/jobs"); when a query parameter identifies the
    posting ("/job/?jid=1"), the whole path plus the parameter names."""
    parts = urlsplit(url)
    segments = [_DIGITS.sub("9", s) for s in parts.path.split("/") if s]
    names = sorted(name for name in parse_qs(parts.query) if name in ID_PARAMS)
    if names:
        return f"{parts.hostname}/{'/'.join(segments)}?{'&'.join(names)}"
    return f"{parts.hostname}/{'/'.join(segments[:-1])}"


def _signature(anchor: LexborNode, chain: list[LexborNode]) -> str:
    """Tag and class path of the anchor's nearest ancestors (numbers removed), identical across a list's items."""
    parts = [_node_sig(anchor)]
    for node in chain[:4]:
        parts.append(_node_sig(node))
    return ">".join(reversed(parts))


def _node_sig(node: LexborNode) -> str:
    """Tag plus the first class: the base class of a component; later ones are often per-item modifiers
    (WordPress `category-…`, `post-123`, BEM `--featured`)."""
    classes = [c for c in (node.attributes.get("class") or "").split() if not _DIGITS.search(c)]
    return node.tag + (f".{classes[0]}" if classes else "")


def _text(node: LexborNode) -> str:
    text = clean(node.text(deep=True, separator=" "))
    if not text:
        for attr in ("aria-label", "title"):
            if node.attributes.get(attr):
                return clean(node.attributes[attr])
        image = node.css_first("img[alt]")
        if image is not None:
            return clean(image.attributes.get("alt"))
    return text


# --- titles ---------------------------------------------------------------------------------------------------
def _role_like(title: str) -> bool:
    if not title or len(title) > MAX_TITLE or len(title.split()) > 25:
        return False
    return bool(ROLE_RE.search(title) or GENDER_RE.search(title))


def _title_for(anchor: LexborNode, url: str | None, urls: set[str | None], base: str) -> tuple[str, int]:
    """(title, rank) for a link: a heading inside it, its own text, or its card's heading when the text is
    generic; the rank says how good the source is (see `_Link.title_rank`)."""
    inner = _first_heading(anchor)
    if inner:
        return inner, 3
    own = clean(anchor.text(deep=True, separator=" "))
    if own and not GENERIC_TEXT.match(own) and len(own) <= MAX_TITLE:
        return own, 2
    heading = _card_heading(anchor, url, urls, base)
    if heading:
        return heading, 2
    if own and len(own) > MAX_TITLE:
        first = _first_block(anchor)
        if first:
            return first, 2
    text = _text(anchor)  # attributes / image alt
    if text and not GENERIC_TEXT.match(text):
        return text, 1
    if url and url.lower().endswith((".pdf", ".doc", ".docx")):
        return _title_from_document(url), 1
    return "", 0


def _first_heading(node: LexborNode) -> str:
    for heading in node.css(HEADINGS):
        text = clean(heading.text(deep=True, separator=" "))
        if text:
            return text
    for child in node.css("[class]"):
        if any(TITLE_CLASS.search(c) for c in (child.attributes.get("class") or "").split()):
            text = clean(child.text(deep=True, separator=" "))
            if text:
                return text
    return ""


def _card_heading(anchor: LexborNode, own: str | None, urls: set[str | None], base: str) -> str:
    """The heading of the smallest ancestor ("card") that holds a heading and no link to another posting."""
    node = anchor
    for _ in range(6):
        node = node.parent
        if node is None or node.tag in ("body", "html", "main"):
            return ""
        if _links_elsewhere(node, own, urls, base):
            return ""
        heading = _first_heading(node)
        if heading:
            return heading
    return ""


def location_in(node: LexborNode) -> str | None:
    """Text of the first element inside `node` whose class names a location (`.location`, `.job-location`…)."""
    for child in node.css("[class]"):
        if any(LOCATION_CLASS.search(c) for c in (child.attributes.get("class") or "").split()):
            text = clean(child.text(deep=True, separator=" ")).strip(",;·|–- ")
            if text[:1] + text[-1:] in ("()", "[]"):  # "(United States)" → "United States"
                text = text[1:-1].strip()
            if text and len(text) <= 120:
                return text
    return None


def _card_location(anchor: LexborNode, own: str | None, urls: set[str | None], base: str) -> str | None:
    """The location shown in the posting's card (the smallest ancestor without links to other postings)."""
    found = location_in(anchor)
    node = anchor
    for _ in range(4):
        if found:
            return found
        node = node.parent
        if node is None or node.tag in ("body", "html", "main", "ul", "ol", "table", "tbody"):
            return None
        if _links_elsewhere(node, own, urls, base):
            return None
        found = location_in(node)
    return found


def _links_elsewhere(node: LexborNode, own: str | None, urls: set[str | None], base: str) -> bool:
    """True when `node` links to a posting other than `own` (so it is a list, not one posting's card)."""
    for anchor in node.css("a[href]"):
        url = _resolve(anchor.attributes.get("href") or "", base)
        if url is not None and url != own and url in urls:
            return True
    return False


@lru_cache(maxsize=8192)
def _resolve(href: str, base: str) -> str | None:
    return canonical_url(href, base)


def _first_block(anchor: LexborNode) -> str:
    for child in anchor.iter():
        text = clean(child.text(deep=True, separator=" "))
        if text:
            return text if len(text) <= MAX_TITLE else ""
    return ""


def _title_from_document(url: str) -> str:
    """A title from a job-advert document's file name: the parts after the advert word ("Stellenausschreibung",
    "job", …) up to a date or version part, e.g. "x_Stellenausschreibung_Sales-Manager_2025.pdf" → "Sales Manager"."""
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1]).rsplit(".", 1)[0]
    parts = re.split(r"_+", name)
    for index, part in enumerate(parts):
        if DOC_ADVERT.fullmatch(part):
            kept = []
            for rest in parts[index + 1 :]:
                if re.fullmatch(r"\d{4,}|v\d+|[A-Z]{1,3}|[a-z]{1,3}", rest):
                    break
                kept.append(rest.replace("-", " "))
            return clean(" ".join(kept))
    return ""


def _tidy_title(title: str) -> str:
    title = clean(title)
    previous = None
    while previous != title:
        previous = title
        title = TRAILING_NOISE.sub("", title).strip()
    return title[:MAX_TITLE]
