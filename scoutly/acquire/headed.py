"""Postings shown without a link: adverts written out under a jobs heading (pure, selectolax).

Small sites often list their openings as sections — "Open positions", then one heading per role (or one
accordion toggle, `<details>` summary) with its description and an e-mail address to apply to. Those records have
no link of their own: a posting is a heading of the jobs section (the rank the role-like headings use there)
followed by its text. A section ends at a heading of higher rank, at navigation or the footer, or at a closing
call to action ("Not found the right job?"). Headings are only read on pages where no record was found from links.
"""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from scoutly.acquire.links import in_navigation
from scoutly.acquire.record_fields import RecordFields, fields_of, generic, role_like, tidy_title
from scoutly.acquire.visible import text_of
from scoutly.acquire.vocabulary import (
    ABOUT_TEXT,
    CLOSED_SECTION,
    DEPARTMENT_NAME,
    EXCLUDED_TEXT,
    JOB_SECTION,
    NAV_TEXT,
    OPEN_APPLICATION,
    SECTION_END,
)

_LEVELS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
TOGGLE_LEVEL = 7
MIN_DESCRIPTION = 40  # characters of text under a heading for it to be an advert rather than a label


@dataclass
class _Heading:
    node: LexborNode
    level: int
    text: str
    after: int = 0  # characters of text between this heading and the next one
    navigation: bool = False


@dataclass
class HeadedRecord:
    node: LexborNode
    title: str
    fields: RecordFields


def headed_records(body: LexborNode | None) -> list[HeadedRecord]:
    """Linkless postings under jobs headings."""
    if body is None:
        return []
    headings = _outline(body)
    found: list[HeadedRecord] = []
    seen: set[int] = set()
    for index, section in enumerate(headings):
        if section.navigation or not JOB_SECTION.search(section.text) or CLOSED_SECTION.search(section.text):
            continue
        members = _section(headings, index)
        for heading in _postings(members):
            if heading.node.mem_id in seen:
                continue
            seen.add(heading.node.mem_id)
            title = tidy_title(heading.text)[0]
            found.append(HeadedRecord(heading.node, title, _fields(heading, title)))
    return found


def _outline(body: LexborNode) -> list[_Heading]:
    """The page's headings in document order, with the amount of text after each."""
    headings: list[_Heading] = []
    current: _Heading | None = None
    for node in body.traverse(include_text=True):
        tag = node.tag
        if tag == "-text":
            if current is not None:
                current.after += len((node.text_content or "").strip())
            continue
        if tag is None:
            continue
        level = _LEVELS.get(tag) or _toggle_level(node, tag)
        if level:
            text = text_of(node)
            if not text:
                continue
            current = _Heading(node, level, text, navigation=in_navigation(node))
            current.after = -len(text)
            headings.append(current)
    return headings


def _toggle_level(node: LexborNode, tag: str) -> int:
    """Collapsed adverts (an accordion's toggles, `<details><summary>`) head their text like the lowest heading."""
    if tag == "summary" or (tag == "button" and "aria-expanded" in node.attributes):
        return TOGGLE_LEVEL
    return 0


def _section(headings: list[_Heading], start: int) -> list[_Heading]:
    section = headings[start]
    members = []
    for heading in headings[start + 1 :]:
        if heading.navigation or heading.level < section.level:
            break
        if SECTION_END.search(heading.text) and not role_like(heading.text):
            break  # "Contact", "Follow us" close the adverts; "Contact Centre Agent" is one
        if heading.level == section.level and JOB_SECTION.search(heading.text) and not role_like(heading.text):
            break  # the next jobs section starts
        members.append(heading)
    return members


def _postings(members: list[_Heading]) -> list[_Heading]:
    under = {}  # text under each heading, its sub-sections included
    for index, heading in enumerate(members):
        total = max(heading.after, 0)
        for sub in members[index + 1 :]:
            if sub.level <= heading.level:
                break
            total += max(sub.after, 0) + len(sub.text)
        under[id(heading)] = total
    usable = [
        h
        for h in members
        if not generic(h.text)
        and not NAV_TEXT.match(h.text)
        and not EXCLUDED_TEXT.search(h.text)
        and not OPEN_APPLICATION.search(h.text)
        and not ABOUT_TEXT.match(h.text)
        and not DEPARTMENT_NAME.match(h.text)
        and not h.text.rstrip().endswith(("?", "!", ":"))
    ]
    roles = [h for h in usable if role_like(h.text)]
    if not roles:
        return []
    level = min(h.level for h in roles)
    chosen = [h for h in usable if h.level == level and (role_like(h.text) or under[id(h)] >= MIN_DESCRIPTION)]
    described = [h for h in chosen if under[id(h)] >= MIN_DESCRIPTION]
    if len(described) * 2 < len(chosen) or sum(role_like(h.text) for h in chosen) * 2 < len(chosen):
        return []
    return chosen


def _fields(heading: _Heading, title: str) -> RecordFields:
    container, tag = heading.node.parent, heading.node.tag
    if container is not None and tag is not None and container.tag not in ("body", "main") \
            and len(container.css(tag)) == 1:
        return fields_of(container, title)
    return RecordFields(title=title)
