"""Postings from a careers page's HTML — general rules, no per-site code (pure: no I/O).

Signals, strongest first:
1. schema.org `JobPosting` JSON-LD (also inside `@graph` / `ItemList`) and microdata (`itemprop` fields);
2. the company's CSS selector override (`selectors["job_link"]`), which replaces record finding when given;
3. the page's repeated records (`records`): cards, rows or list items around links, judged as whole lists by
   job-like URLs, role-like titles, job fields and repetition; titles are each record's primary text
   (`record_fields`), never the whole card's text;
4. on a page without such records: adverts written out under a jobs heading (`headed`);
5. postings in the page's embedded script data (`embedded`): when the DOM holds only a template, or beside
   the DOM's postings when the data holds all of them and more.

Invisible helpers (SVG titles, aria-hidden icons, screen-reader-only text, zero-width characters) are removed
first (`visible`). What counts as job-like lives in `vocabulary`; links in `links`; JSON-LD in `jsonld`; keys in
`keys`; next pages in `pagination`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from scoutly.acquire.embedded import EmbeddedPosting, embedded_postings
from scoutly.acquire.headed import HeadedRecord, headed_records
from scoutly.acquire.jsonld import jsonld_postings
from scoutly.acquire.keys import posting_key
from scoutly.acquire.links import LINK_SELECTOR, candidate_links
from scoutly.acquire.models import PostingFound, Selectors
from scoutly.acquire.page_count import stated_count
from scoutly.acquire.record_fields import anchor_title, location_in, record_title, tidy_title
from scoutly.acquire.records import Record, link_records
from scoutly.acquire.urls import canonical_url, document_base, url_key
from scoutly.acquire.visible import clean_text, strip_invisible
from scoutly.errors import InputError

__all__ = ["PageExtraction", "extract_page", "extract_postings", "location_in"]

SOURCE = "static"


@dataclass
class PageExtraction:
    """What one listing page yields: its postings and the number of postings it says it lists (if it says).
    Plain data, so it pickles (extraction may run in another process)."""

    postings: list[PostingFound] = field(default_factory=list)
    stated_count: int | None = None


def extract_postings(html: str, base_url: str, *, selectors: Selectors | None = None) -> list[PostingFound]:
    """Every posting a careers page lists: (title, URL) plus what JSON-LD and the records tell. Pure function."""
    return extract_page(html, base_url, selectors=selectors).postings


def extract_page(
    html: str, page_url: str, company: str | None = None, *, selectors: Selectors | None = None
) -> PageExtraction:
    """The postings of one listing page and the count it states. Pure function of its arguments; `company` (the
    company's id or name) is part of the key of postings shown without a link of their own."""
    tree = LexborHTMLParser(html or "")
    base = document_base(tree, page_url)
    structured = jsonld_postings(tree, base)
    strip_invisible(tree)
    stated = stated_count(tree.body)
    selector = (selectors or {}).get("job_link")
    if selector:
        shown = _override_postings(tree, base, selector)
    else:
        records = link_records(candidate_links(tree.css(LINK_SELECTOR), base, page_url))
        shown = _postings(records, page_url, company)
        if not records:  # adverts written out under headings: only on pages that list nothing by links
            shown = _headed_postings(headed_records(tree.body), page_url, company)
        shown = _with_embedded(shown, bool(structured), _embedded(embedded_postings(tree, base), page_url, company))
    return PageExtraction(_merged(structured, shown, page_url), stated)


def _with_embedded(shown: list[PostingFound], structured: bool, data: list[PostingFound]) -> list[PostingFound]:
    """The page's script data: the listing when the DOM holds only a template; beside the DOM's postings when it
    holds all of them and more (the DOM shows the first few, "load more" fetches the rest)."""
    if not data:
        return shown
    if not shown:
        return [] if structured else data
    keys = {p.key for p in shown if p.url}
    in_data = {p.key for p in data}
    if keys and len(keys & in_data) * 5 >= len(keys) * 4 and len(data) > len(shown):
        return shown + [p for p in data if p.key not in keys]
    return shown


def _embedded(found: list[EmbeddedPosting], page_url: str, company: str | None) -> list[PostingFound]:
    postings: dict[str, PostingFound] = {}
    for item in found:
        key = posting_key(item.url, _keyed_title(item.title, company), page_url, None if item.url else item.location)
        postings.setdefault(
            key,
            PostingFound(
                key=key,
                title=item.title,
                url=item.url,
                location=item.location,
                department=item.department,
                source=SOURCE,
            ),
        )
    return list(postings.values())


def _headed_postings(records: list[HeadedRecord], page_url: str, company: str | None) -> list[PostingFound]:
    postings = []
    for record in records:
        location = record.fields.location
        postings.append(
            PostingFound(
                key=posting_key(None, _keyed_title(record.title, company), page_url, location),
                title=record.title,
                url=None,
                location=location,
                department=record.fields.department,
                employment_type=record.fields.employment_type,
                source=SOURCE,
            )
        )
    return postings


def _postings(records: list[Record], page_url: str, company: str | None) -> list[PostingFound]:
    best: dict[str, tuple[Record, PostingFound]] = {}
    for record in records:
        location = record.fields.location
        url = record.url
        key = posting_key(url, _keyed_title(record.title, company), page_url, location)
        posting = PostingFound(
            key=key,
            title=record.title,
            url=url,
            location=location,
            department=record.fields.department,
            employment_type=record.fields.employment_type,
            source=SOURCE,
        )
        current = best.get(key)
        if current is None or record.title_rank > current[0].title_rank:
            best[key] = (record, posting)
    return [posting for _, posting in best.values()]


def _keyed_title(title: str, company: str | None) -> str:
    return f"{company}: {title}" if company else title


def _merged(structured: list[PostingFound], shown: list[PostingFound], page_url: str) -> list[PostingFound]:
    """JSON-LD postings first, then the records; a JSON-LD posting whose URL the page does not link, while exactly
    one record with its title does, takes the record's URL (the address the page itself serves). A JSON-LD
    "posting" that is the listing page itself (its URL, a title no record has) is a summary when records exist."""
    linked = {p.url for p in shown if p.url}
    page = url_key(canonical_url(page_url) or page_url)
    titles = {clean_text(p.title).casefold() for p in shown}
    if shown:
        structured = [
            p for p in structured if clean_text(p.title).casefold() in titles or (p.url and url_key(p.url) != page)
        ]
    by_title: dict[str, list[PostingFound]] = {}
    for posting in shown:
        by_title.setdefault(clean_text(posting.title).casefold(), []).append(posting)
    found: dict[str, PostingFound] = {}
    taken: set[int] = set()
    for posting in structured:
        same = by_title.get(clean_text(posting.title).casefold(), [])
        if posting.url not in linked and len(same) == 1 and same[0].url:
            record = same[0]
            taken.add(id(record))
            posting.key, posting.url = record.key, record.url
            posting.location = posting.location or record.location
        found.setdefault(posting.key, posting)
    for posting in shown:
        if id(posting) not in taken:
            found.setdefault(posting.key, posting)
    return list(found.values())


# --- selector override ----------------------------------------------------------------------------------------
def _override_postings(tree: LexborHTMLParser, base: str, selector: str) -> list[PostingFound]:
    """Every element matched by the company's `job_link` selector is a posting (no judging)."""
    try:
        nodes = tree.css(selector)
    except SelectolaxError:
        raise InputError(f"selectors.job_link: {selector!r} is not a valid CSS selector") from None
    postings: dict[str, PostingFound] = {}
    for node in nodes:
        anchor = node if node.tag == "a" else (node.css_first("a[href]") or node)
        url = canonical_url(anchor.attributes.get("href"), base)
        card = _card(node, selector)
        title, rank = anchor_title(anchor)
        if rank == 0:
            title = record_title(card)[0]
        title = tidy_title(title)[0]
        if not title:
            continue
        location = location_in(card)
        posting = PostingFound(
            key=posting_key(url, title, base, None if url else location),
            title=title,
            url=url,
            location=location,
            source=SOURCE,
        )
        postings.setdefault(posting.key, posting)
    return list(postings.values())


def _card(node: LexborNode, selector: str) -> LexborNode:
    """The largest ancestor of a matched element (a few levels up) holding no other match: its card."""
    card = node
    parent = node.parent
    for _ in range(5):
        if parent is None or parent.tag in ("body", "html", "main") or len(parent.css(selector)) > 1:
            break
        card, parent = parent, parent.parent
    return card
