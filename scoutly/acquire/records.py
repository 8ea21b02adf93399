"""The repeated records of a listing page, found from the DOM itself (pure, selectolax).

The idea of data-record mining (MDR/DEPTA: Liu, Grossman & Zhai 2003; Zhai & Liu 2005): a listing is a run of
sibling subtrees with the same structure — cards, rows, list items — each holding one posting. Here a record is
the largest element around a link that holds no link to another item; records are grouped by their structural
signature (tag and base class of the record and its two parents, numbers removed), so one list whose URLs differ
in shape stays one list and a list split by department headings is joined again. A group is judged as a whole:
job-like URLs, role-like titles, job fields (location, employment type, date) and repetition are signals, none
of them the grouping key. A lone link needs strong evidence. Items under a heading that says they are closed or
not jobs ("Closed vacancies", "Student projects") are left out.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from selectolax.lexbor import LexborNode

from scoutly.acquire.links import LINK_SELECTOR, LinkCandidate, is_document, url_shape
from scoutly.acquire.record_fields import (
    RecordFields,
    anchor_title,
    fields_of,
    generic,
    record_title,
    role_like,
    tidy_title,
    title_from_document,
)
from scoutly.acquire.visible import text_of
from scoutly.acquire.vocabulary import (
    ABOUT_TEXT,
    CLOSED_SECTION,
    EXCLUDED_TEXT,
    ID_PARAMS,
    JOB_SECTION,
    NAV_TEXT,
    OPEN_APPLICATION,
)

_DIGITS = re.compile(r"\d")
_STOP = frozenset({"body", "html", "main", "-undef", "#document"})
_SECTION_HEADINGS = frozenset({"h1", "h2", "h3", "h4"})
MAX_DEPTH = 14


@dataclass
class Record:
    node: LexborNode
    url: str | None
    title: str = ""
    title_rank: int = 0
    strength: int = 0
    fields: RecordFields = field(default_factory=RecordFields)
    group: str = ""
    link: LexborNode | None = None  # the record's first link


def link_records(links: list[LinkCandidate]) -> list[Record]:
    """The postings among `links`, one record per posting, in page order."""
    chains, owners = _ownership(links)
    job_owners = _ownership([link for link in links if link.strength >= 1])[1]
    tops = [_top(chain, owners) for chain in chains]
    signature = _Signatures()
    shared = Counter(signature.path(chains[i][tops[i]]) for i in range(len(links)))
    records: dict[int, Record] = {}
    order: list[int] = []
    for index, link in enumerate(links):
        node = _record_node(chains[index], tops[index], shared, signature)
        if link.strength >= 1:
            node = _widened(chains[index], node, shared, signature, job_owners)
        record = records.get(node.mem_id)
        if record is None:
            record = records[node.mem_id] = Record(node=node, url=link.url, link=link.node)
            record.group = signature.path(node)
            order.append(node.mem_id)
        record.strength = max(record.strength, link.strength)
        title, rank = anchor_title(link.node)
        if rank > record.title_rank:
            record.title, record.title_rank = title, rank
    found = [records[key] for key in order]
    _drop_repeated_link_texts(found)
    for record in found:
        if record.title_rank == 0:
            record.title, from_heading = record_title(record.node)
            record.title_rank = 2 if from_heading else 1
            if not record.title:
                record.title = _heading_before(record.node)
        if not record.title and record.url is not None and is_document(record.url):
            record.title, record.title_rank = title_from_document(record.url), 1
        record.title, employment = tidy_title(record.title)
        record.fields = fields_of(record.node, record.title)
        record.fields.employment_type = record.fields.employment_type or employment
    _variants_of_a_heading(found)
    return _judged(found)


def _variants_of_a_heading(records: list[Record]) -> None:
    """One posting offered in several places, one link each ("Dental Nurse" with links "Leeds", "York"): a record
    whose title is no role, inside a card whose one heading is a role shared with another record, takes the
    heading as its title and its own text as its location."""
    by_heading: dict[int, list[tuple[Record, str]]] = defaultdict(list)
    for record in records:
        if record.strength < 1 or record.title_rank != 2 or len(record.title) > 40 or role_like(record.title):
            continue  # only job-like links whose short text names no role ("Leeds", "York")
        found = _card_heading(record.node)
        if found is not None:
            by_heading[found[0].mem_id].append((record, found[1]))
    for members in by_heading.values():
        if len(members) < 2 or len({r.group for r, _ in members}) > 1:
            continue  # variants: links of one list
        for record, heading in members:
            record.fields.location = record.fields.location or record.title or None
            record.title, record.title_rank = heading, 2


def _card_heading(node: LexborNode) -> tuple[LexborNode, str] | None:
    """The one role-like heading of the smallest card (a few levels up) holding a heading outside `node`."""
    parent = node.parent
    for _ in range(4):
        if parent is None or parent.tag in _STOP:
            return None
        headings = parent.css("h1, h2, h3, h4, h5, h6")
        if headings:
            if len(headings) != 1:
                return None
            if headings[0].css_first(LINK_SELECTOR) is not None:
                return None  # a linked heading is a record of its own
            text = tidy_title(text_of(headings[0]))[0]
            return (headings[0], text) if role_like(text) else None
        parent = parent.parent
    return None


def _action_text(text: str) -> str:
    """A link text without its numbers and brackets: "Job description (PDF, 184 KB)" is the same call to action on
    every card whatever the file's size."""
    return " ".join(_NUMBERS_AND_BRACKETS.sub(" ", text).split()).casefold()


_NUMBERS_AND_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]|\d+")


def _heading_before(node: LexborNode) -> str:
    """The heading that introduces a record without a title of its own, in a flat layout (rich text: a heading,
    a paragraph or two, then a paragraph holding only "Read more" or a document link): the nearest heading among
    the record's previous siblings, when no other link stands between them."""
    sibling = node.prev
    for _ in range(12):
        if sibling is None:
            return ""
        tag = sibling.tag
        if tag in _SECTION_HEADINGS or tag in ("h5", "h6"):
            text = text_of(sibling)
            return "" if generic(text) else text
        if tag == "a" or (tag not in ("-text", "-comment") and sibling.css_first(LINK_SELECTOR) is not None):
            return ""  # another record's link comes first: this one has no heading of its own
        sibling = sibling.prev
    return ""


def _drop_repeated_link_texts(records: list[Record]) -> None:
    """A link text shared by every record of a group ("Apply for this role", in any language) is a call to action,
    not a title: those records take their title from the record itself."""
    groups: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        groups[record.group].append(record)
    for members in groups.values():
        texts = [_action_text(r.title) for r in members if r.title_rank == 2]
        if len(texts) >= 2 and len(set(texts)) == 1 and len({r.url for r in members}) >= 2:
            for record in members:
                record.title, record.title_rank = "", 0


def _ownership(links: list[LinkCandidate]) -> tuple[list[list[LexborNode]], dict[int, set[str]]]:
    """Each link's ancestor chain (the link first) and, per element, the items (URLs) linked inside it."""
    chains: list[list[LexborNode]] = []
    owners: dict[int, set[str]] = defaultdict(set)
    for link in links:
        item = link.url or f"#link-{link.node.mem_id}"
        chain = [link.node]
        owners[link.node.mem_id].add(item)
        node = link.node.parent
        while node is not None and node.tag not in _STOP and len(chain) < MAX_DEPTH:
            owners[node.mem_id].add(item)
            chain.append(node)
            node = node.parent
        chains.append(chain)
    return chains, owners


def _top(chain: list[LexborNode], owners: dict[int, set[str]]) -> int:
    """Index in `chain` of the largest element that holds this item only."""
    top = 0
    for index, node in enumerate(chain):
        if len(owners[node.mem_id]) != 1:
            break
        top = index
    return top


def _record_node(chain: list[LexborNode], top: int, shared: Counter[str], signature: _Signatures) -> LexborNode:
    """The record element: the largest single-item ancestor, unless that one is unique on the page while a smaller
    one has the signature of other records (a department list holding one posting)."""
    if shared[signature.path(chain[top])] >= 2:
        return chain[top]
    for index in range(top - 1, -1, -1):
        if shared[signature.path(chain[index])] >= 2:
            return chain[index]
    return chain[top]


def _widened(
    chain: list[LexborNode],
    node: LexborNode,
    shared: Counter[str],
    signature: _Signatures,
    job_owners: dict[int, set[str]],
) -> LexborNode:
    """A job link whose card also holds unrelated links (a description linking to the blog) stops below the card;
    the card is the largest ancestor (a few levels up) with the signature of other records and no other job link."""
    start = next(i for i, n in enumerate(chain) if n.mem_id == node.mem_id)
    chosen = node
    for candidate in chain[start + 1 : start + 6]:
        if len(job_owners.get(candidate.mem_id, ())) > 1:
            break
        if shared[signature.path(candidate)] >= 2:
            chosen = candidate
    return chosen


class _Signatures:
    """Structural signatures, cached per element: tag plus first class (numbers dropped), for three levels."""

    def __init__(self) -> None:
        self._own: dict[int, str] = {}
        self._path: dict[int, str] = {}

    def own(self, node: LexborNode) -> str:
        key = node.mem_id
        if key not in self._own:
            classes = [c for c in (node.attributes.get("class") or "").split() if not _DIGITS.search(c)]
            self._own[key] = (node.tag or "") + (f".{classes[0]}" if classes else "")
        return self._own[key]

    def path(self, node: LexborNode) -> str:
        key = node.mem_id
        if key not in self._path:
            parts = [self.own(node)]
            parent = node.parent
            for _ in range(2):
                if parent is None:
                    break
                parts.append(self.own(parent))
                parent = parent.parent
            self._path[key] = "<".join(parts)
        return self._path[key]


# --- judging groups -------------------------------------------------------------------------------------------
def _judged(records: list[Record]) -> list[Record]:
    groups: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        groups[record.group].append(record)
    lists: list[Record] = []
    singles: list[Record] = []
    rejected: list[Record] = []
    sections = _SectionHeadings()
    for members in groups.values():
        jobs_section = bool(JOB_SECTION.search(sections.above(members[0].node)))
        if len(members) == 1 and not jobs_section and members[0].link is not None:
            # a lone record may be the whole content column: the heading above its link names its section
            jobs_section = bool(JOB_SECTION.search(sections.above(members[0].link)))
        chosen = _judge_group(members, jobs_section)
        (lists if len({r.url or r.title for r in chosen}) >= 2 else singles).extend(chosen)
        if not chosen:
            rejected.extend(members)
    list_shapes = {url_shape(r.url) for r in lists}
    accepted = {id(r) for r in lists}
    accepted |= {id(r) for r in singles if not lists or url_shape(r.url) in list_shapes}
    # a described record linked like the page's listed postings is one, though its title names no role
    # ("Rights of priority for re-employment" with its deadline and scope, under a heading of its own)
    accepted |= {
        id(r)
        for r in rejected
        if r.url and r.strength >= 1 and r.fields.described and url_shape(r.url) in list_shapes and _listable(r)
    }
    return [r for r in records if id(r) in accepted and not CLOSED_SECTION.search(sections.above(r.node))]


def _judge_group(members: list[Record], jobs_section: bool = False) -> list[Record]:
    """A repeated structure is taken whole when it looks like a job list; a lone record only on strong evidence.
    Under a jobs heading ("Vacancies", "Open positions") role-like titles are enough."""
    usable = [r for r in members if _listable(r)]
    if not usable:
        return []
    count = len(usable)
    titled = sum(role_like(r.title) for r in usable) / count
    strong = sum(r.strength >= 2 for r in usable) / count
    job_url = sum(r.strength >= 1 for r in usable) / count
    described = sum(r.fields.described >= 1 for r in usable) / count
    if len({r.url or r.title for r in usable}) >= 2:
        if job_url >= 0.5 or described >= 0.5:
            # one list holding a few unrelated links (a product or "about" link among the cards): those go
            usable = [r for r in usable if r.strength >= 1 or r.fields.described or role_like(r.title)]
            count = len(usable)
            if count == 0:
                return []
            titled = sum(role_like(r.title) for r in usable) / count
            strong = sum(r.strength >= 2 for r in usable) / count
            job_url = sum(r.strength >= 1 for r in usable) / count
            described = sum(r.fields.described >= 1 for r in usable) / count
        if titled >= 0.5 and (job_url >= 0.5 or titled >= 0.8 or described >= 0.5 or jobs_section):
            return usable
        if strong >= 0.8:  # posting-shaped URLs (an id or slug after a jobs segment, an ATS) in a repeated list
            return usable
        if described >= 0.8 and job_url >= 0.5 and titled >= 0.2:
            return usable
        return [r for r in usable if role_like(r.title) and r.strength >= 2]
    # a lone record: a job-ish URL, or under a jobs heading ("Offene Stellen": a small company's one opening)
    return [r for r in usable if role_like(r.title) and (r.strength >= 1 or jobs_section)]


def _listable(record: Record) -> bool:
    """A record with a title that is no exclusion, open application, page name or "about" text."""
    title = record.title
    return (
        bool(title)
        and not EXCLUDED_TEXT.search(title)
        and not (OPEN_APPLICATION.search(title) and not _requisition(record.url))
        and not NAV_TEXT.match(title)
        and not ABOUT_TEXT.match(title)
    )


def _requisition(url: str | None) -> bool:
    """True for a URL that names a requisition by id (a number in its last path part, or an id parameter)."""
    if not url:
        return False
    parts = urlsplit(url)
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    return bool(_REQUISITION_ID.search(last)) or bool(set(parse_qs(parts.query)) & ID_PARAMS)


_REQUISITION_ID = re.compile(r"\d{3,}")


class _SectionHeadings:
    """The nearest heading before an element (outside it): the title of the section that lists it."""

    def __init__(self) -> None:
        self._cache: dict[int, str] = {}

    def above(self, node: LexborNode) -> str:
        current = node
        visited: list[int] = []
        for _ in range(8):
            key = current.mem_id
            if key in self._cache:
                found = self._cache[key]
                break
            visited.append(key)
            before = self._before(current)
            if before is not None:
                found = before
                break
            parent = current.parent
            if parent is None or parent.tag in _STOP:
                found = ""
                break
            current = parent
        else:
            found = ""
        for key in visited:
            self._cache[key] = found
        return found

    @staticmethod
    def _before(node: LexborNode) -> str | None:
        sibling = node.prev
        for _ in range(40):
            if sibling is None:
                return None
            if sibling.tag == node.tag and sibling.attributes.get("class") == node.attributes.get("class"):
                sibling = sibling.prev  # a peer record, not a section title
                continue
            if sibling.tag in _SECTION_HEADINGS:
                return text_of(sibling)
            if sibling.tag not in ("-text", "-comment") and sibling.tag in ("div", "section", "header"):
                inner = sibling.css("h1, h2, h3, h4")
                if inner and len(inner) == 1:
                    return text_of(inner[-1])
            sibling = sibling.prev
        return None
