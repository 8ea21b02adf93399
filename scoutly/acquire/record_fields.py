"""The fields inside one listing record (a card, row or list item): its title and, when shown, location,
department, employment type and date (pure, selectolax).

The title is the record's primary text — a heading, a title-like element, or its first text block — never the
concatenation of the record's parts, so "Backend Engineer · Berlin · Full-time" yields the title "Backend
Engineer" with the rest in their own fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborNode

from scoutly.acquire.visible import blocks, clean_text, text_of
from scoutly.acquire.vocabulary import (
    BADGE_TEXT,
    DATE_TEXT,
    DEPARTMENT_CLASS,
    DEPARTMENT_NAME,
    DOC_ADVERT,
    EMPLOYMENT_TEXT,
    FIELD_LABEL,
    GENDER_RE,
    GENERIC_TEXT,
    HEADINGS,
    LOCATION_CLASS,
    MAX_TITLE,
    ROLE_RE,
    TITLE_CLASS,
    TRAILING_EMPLOYMENT,
    TRAILING_NOISE,
)


@dataclass
class RecordFields:
    title: str = ""
    location: str | None = None
    department: str | None = None
    employment_type: str | None = None
    date: str | None = None

    @property
    def described(self) -> int:
        """How many job-record fields besides the title the record shows (0–3)."""
        return sum(bool(x) for x in (self.location, self.employment_type, self.date))


def role_like(title: str) -> bool:
    if not title or len(title) > MAX_TITLE or len(title.split()) > 30 or DEPARTMENT_NAME.match(title):
        return False
    return bool(ROLE_RE.search(title) or GENDER_RE.search(title))


def generic(text: str) -> bool:
    return bool(GENERIC_TEXT.match(text))


def heading_in(node: LexborNode) -> str:
    """Text of the first non-empty heading (h1–h6, role=heading, an accordion's `<summary>`) or title-like element
    inside `node`."""
    for heading in node.css(HEADINGS + ", [role=heading], summary"):
        text = text_of(heading)
        if text and not generic(text):
            return text
    return title_class_in(node)


def title_class_in(node: LexborNode) -> str:
    for child in node.css("[class]"):
        if any(TITLE_CLASS.search(c) for c in (child.attributes.get("class") or "").split()):
            if len(blocks(child, limit=3)) > 2:
                continue  # a container named like a title (".position" around a whole advert)
            text = text_of(child)
            if text and not generic(text) and len(text) <= MAX_TITLE:
                return text
    return ""


def _class_text(node: LexborNode, pattern: re.Pattern[str]) -> str | None:
    for child in node.css("[class]"):
        if any(pattern.search(c) for c in (child.attributes.get("class") or "").split()):
            text = text_of(child).strip(",;·|–- ")
            if text[:1] + text[-1:] in ("()", "[]"):  # "(United States)" → "United States"
                text = text[1:-1].strip()
            if text and len(text) <= 120:
                return text
    return None


def location_in(node: LexborNode) -> str | None:
    """Text of the first element inside `node` whose class names a location (`.location`, `.job-location`…)."""
    return _class_text(node, LOCATION_CLASS)


def _primary_block(parts: list[str], node: LexborNode | None = None) -> str:
    """The block that names the role: the first role-like one, else the first that is not metadata (a date, an
    employment type, a badge, a "Sales · Berlin" line, the text of a location or department element)."""
    known = {location_in(node), _class_text(node, DEPARTMENT_CLASS)} - {None} if node is not None else set()
    usable = [p for p in parts if len(p) <= MAX_TITLE and not generic(p) and p not in known and not _metadata(p)]
    for part in usable:
        if role_like(part):
            return part
    return usable[0] if usable else ""


def _metadata(text: str) -> bool:
    return (
        bool(DATE_TEXT.search(text) or EMPLOYMENT_TEXT.fullmatch(text) or BADGE_TEXT.match(text))
        or bool(FIELD_LABEL.match(text))
        or bool(_SEPARATED.search(text))
        or len(text) < 2
    )


_SEPARATED = re.compile(r"\S\s+[·•|]\s+\S")


def anchor_title(anchor: LexborNode) -> tuple[str, int]:
    """(title, rank) from a link itself: 3 a heading inside it, 2 its text (a card's primary block when the link
    wraps a whole card), 1 an attribute or image alt; ("", 0) when the link text is generic or empty."""
    inner = heading_in(anchor)
    if inner:
        return inner, 3
    parts = blocks(anchor)
    if len(parts) == 1 and not generic(parts[0]) and len(parts[0]) <= MAX_TITLE:
        return parts[0], 2
    if len(parts) > 1:
        primary = _primary_block(parts, anchor)
        if primary:
            return primary, 2
    if not parts:
        for attr in ("aria-label", "title"):
            value = clean_text(anchor.attributes.get(attr))
            if value and not generic(value):
                return value, 1
        image = anchor.css_first("img[alt]")
        if image is not None:
            alt = clean_text(image.attributes.get("alt"))
            if alt and not generic(alt):
                return alt, 1
    return "", 0


def record_title(record: LexborNode) -> tuple[str, bool]:
    """(title, from a heading) of a record without a usable link text."""
    heading = heading_in(record)
    if heading:
        return heading, True
    return _primary_block(blocks(record), record), False


def fields_of(record: LexborNode, title: str) -> RecordFields:
    """Location, department, employment type and date shown in the record beside `title`."""
    fields = RecordFields(title=title)
    fields.location = location_in(record)
    fields.department = _class_text(record, DEPARTMENT_CLASS)
    for part in blocks(record, limit=25):
        if part == title:
            continue
        if fields.employment_type is None and len(part) <= 60:
            found = EMPLOYMENT_TEXT.search(part)
            if found:
                fields.employment_type = found.group(0)
        if fields.date is None and len(part) <= 60 and DATE_TEXT.search(part):
            fields.date = part
    return fields


def tidy_title(title: str) -> tuple[str, str | None]:
    """(title, employment type cut from its end): trailing arrows, "Apply now", "New" and a trailing contract word
    ("… (H/F) CDI") removed."""
    title = clean_text(title)
    previous = None
    while previous != title:
        previous = title
        title = TRAILING_NOISE.sub("", title).strip()
    employment = None
    found = TRAILING_EMPLOYMENT.search(title)
    if found and found.start() > 0 and not _PREPOSITION_END.search(title[: found.start()]):
        employment = found.group("kind")
        title = title[: found.start()].rstrip(" ,;·|–-")
    return title[:MAX_TITLE], employment


# "… in Teilzeit", "… en CDI", "… Voll- oder Teilzeit": after a preposition or a conjunction the contract word is
# part of the title's phrase.
_PREPOSITION_END = re.compile(
    r"(?<!\w)(in|im|als|auf|en|à|a|for|on|op|in der|na|w|på|i|de|oder|or|und|and|ou|et|o|y|of)$", re.IGNORECASE
)


def title_from_document(url: str) -> str:
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
            return clean_text(" ".join(kept))
    return ""
