"""What every ATS module shares: the board address (`AtsBoard`), a split URL (`UrlParts`), the error a feed of the
wrong shape raises (`FeedFormatError`), the shape readers that raise it, and small parsing helpers.

A parser reads JSON of any shape through the shape readers: `expect_object`/`expect_list` for what must be there
(the answer), `listed` for the items of an answer (a list of them, or an object holding them under one key),
`optional_object`/`optional_list`/`optional_text` for fields that may be missing but, when present, must be of
their type (an object read with `.get`, a list iterated, a URL or HTML string), and `objects` for a list's items.
Per-item junk is skipped, as before: an item that is not an object, or lacks its title or id. What cannot be read
raises `FeedFormatError("<vendor>", "answer not in the expected shape: expected <what>, got <type>")`, never a
ValueError/KeyError/TypeError/AttributeError/IndexError. `mapping` and `text_or_none` read fields a parser
tolerates in any type (a wrong one counts as missing)."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from scoutly.acquire.http import FetchError
from scoutly.acquire.text import cap, clean, html_to_text, tidy
from scoutly.acquire.urls import canonical_url

# Path segments and subdomains that name no board ("/embed/…", "www.", "/api/…"): shared by the vendors' URL rules.
RESERVED = frozenset({"embed", "v1", "api", "j", "jobs", "job", "wday", "en", "www", "apply", "careers", "search", ""})
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)


class FeedFormatError(FetchError):
    """A feed answered, but not in the shape its vendor's reader expects (broken XML, a list where an object was
    expected, a field of the wrong type). Like any failed feed, the page strategies are tried next."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url, reason)
        self.reason = reason


_JSON_TYPES: tuple[tuple[type, str], ...] = (
    (bool, "a boolean"),  # before int: a bool is an int
    (int, "a number"),
    (float, "a number"),
    (str, "a string"),
    (list, "a list"),
    (dict, "an object"),
)


def json_type(value: Any) -> str:
    """What a JSON value is, in words ("an object", "a list", "null", …), for error messages."""
    if value is None:
        return "null"
    return next((name for kind, name in _JSON_TYPES if isinstance(value, kind)), type(value).__name__)


def shape_error(vendor: str, what: str, value: Any) -> FeedFormatError:
    """The error for `value` found where `what` was expected."""
    return FeedFormatError(vendor, f"answer not in the expected shape: expected {what}, got {json_type(value)}")


def expect_object(value: Any, what: str, vendor: str) -> dict[str, Any]:
    """`value`, which must be a JSON object (`what` names it in the error: "the answer as an object")."""
    if isinstance(value, dict):
        return value
    raise shape_error(vendor, what, value)


def expect_list(value: Any, what: str, vendor: str) -> list[Any]:
    """`value`, which must be a JSON list."""
    if isinstance(value, list):
        return value
    raise shape_error(vendor, what, value)


def expect_text(value: Any, what: str, vendor: str) -> str:
    """`value`, which must be a string."""
    if isinstance(value, str):
        return value
    raise shape_error(vendor, what, value)


_INTEGER = re.compile(r"\s*[+-]?\d+\s*")


def count(value: Any, what: str, vendor: str) -> int:
    """A count (a page's total) given as a number or a string of digits, 0 when missing; FeedFormatError for
    anything else."""
    if not value:
        return 0
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return int(value)
    if isinstance(value, str) and _INTEGER.fullmatch(value):
        return int(value)
    raise shape_error(vendor, what, value)


def optional_object(value: Any, what: str, vendor: str) -> dict[str, Any]:
    """An object field that may be missing or empty ({}), else must be an object."""
    return expect_object(value, what, vendor) if value else {}


def optional_list(value: Any, what: str, vendor: str) -> list[Any]:
    """A list field that may be missing or empty ([]), else must be a list."""
    return expect_list(value, what, vendor) if value else []


def optional_text(value: Any, what: str, vendor: str) -> str | None:
    """A string field (a URL, HTML, a word compared or lower-cased) that may be missing or empty (None), else must
    be a string."""
    if not value:
        return None
    if isinstance(value, str):
        return value
    raise shape_error(vendor, what, value)


def link(value: Any, what: str, vendor: str, base: str | None = None) -> str | None:
    """A feed's link field as a canonical URL; None when missing, not a web link or no URL at all ("http://[::1"),
    FeedFormatError when not a string."""
    return canonical_url(optional_text(value, what, vendor), base)


def objects(items: list[Any]) -> list[dict[str, Any]]:
    """The items of a list that are objects; others are skipped."""
    return [item for item in items if isinstance(item, dict)]


def listed(data: Any, key: str, vendor: str) -> list[dict[str, Any]]:
    """The items of an answer that is a list of them, or an object holding them under `key` (none when missing or
    empty); items that are not objects are skipped. Any other answer, or a `key` that is not a list, is a
    FeedFormatError."""
    if isinstance(data, dict):
        return objects(optional_list(data.get(key), f"`{key}` as a list", vendor))
    return objects(expect_list(data, "the answer as an object or a list", vendor))


@dataclass(frozen=True)
class AtsBoard:
    """One company's board on one ATS. `token` is the board token / org / account / company identifier;
    Workday also needs `site` and either `host` (tenant.wdN.myworkdayjobs.com, optional `locale`) or `page_url`
    (the public board page, when the board lives elsewhere, e.g. behind a proxy). `secret` is a public-but-private
    read token some vendors want (Comeet's careers token): never shown by repr, `label` or error messages."""

    vendor: str
    token: str
    host: str | None = None
    site: str | None = None
    locale: str | None = None
    page_url: str | None = None
    secret: str | None = field(default=None, repr=False)

    def label(self) -> str:
        return f"{self.vendor}:{self.token}" + (f"/{self.site}" if self.site else "")


def text_or_none(value: Any) -> str | None:
    """A cleaned string, or None for empty/missing values."""
    if value is None:
        return None
    cleaned = clean(str(value))
    return cleaned or None


def mapping(value: Any) -> dict[str, Any]:
    """A JSON object field as a dict; {} when it is missing or not an object."""
    return value if isinstance(value, dict) else {}


def join_names(values: Any, key: str = "name") -> str | None:
    """ "A, B" from a list of dicts (or strings), skipping blanks and duplicates."""
    names: list[str] = []
    for value in values or []:
        name = text_or_none(value.get(key) if isinstance(value, dict) else value)
        if name and name not in names:
            names.append(name)
    return ", ".join(names) or None


def looks_remote(*texts: str | None) -> bool | None:
    """True when a location/title text says remote; None when it says nothing either way."""
    for text in texts:
        if text and "remote" in text.lower():
            return True
    return None


@dataclass(frozen=True)
class UrlParts:
    """A URL split the way vendor `detect`/`posting_key` hooks read it: lower-case host, path segments, query."""

    host: str
    segments: list[str]
    query: dict[str, list[str]]

    @classmethod
    def of(cls, url: str) -> UrlParts:
        parts = urlsplit(url.strip())
        return cls(
            (parts.hostname or "").lower(),
            [segment for segment in parts.path.split("/") if segment],
            parse_qs(parts.query),
        )

    def subdomain_of(self, domain: str) -> str | None:
        """ "acme" for acme.<domain> (one label only, never "www"/"api"), else None."""
        suffix = "." + domain
        if not self.host.endswith(suffix):
            return None
        label = self.host[: -len(suffix)]
        return label if label and "." not in label and label not in ("www", "api", "app") else None


def joined(*values: str | None, sep: str = ", ") -> str | None:
    """The non-empty cleaned values joined (duplicates dropped), or None."""
    kept: list[str] = []
    for value in values:
        text = text_or_none(value)
        if text and text not in kept:
            kept.append(text)
    return sep.join(kept) or None


def sections(*pairs: tuple[str | None, str | None]) -> str | None:
    """A description from (heading, HTML) pairs: each section's heading on its own line, then its text."""
    parts = []
    for heading, html in pairs:
        body = html_to_text(html)
        if body:
            parts.append(f"{text_or_none(heading)}\n{body}" if text_or_none(heading) else body)
    return cap(tidy("\n\n".join(parts))) or None


def parse_xml(text: str, vendor: str, url: str | None = None) -> ET.Element:
    """The root of a feed's XML; documents with a DTD or entities, or broken XML, are refused (FeedFormatError,
    naming `url` when given)."""
    where = url or f"{vendor} feed"
    if "<!DOCTYPE" in text[:4096].upper() or "<!ENTITY" in text.upper():
        raise FeedFormatError(where, f"{vendor} feed with a DTD or entities refused")
    try:
        return ET.fromstring(text)
    except ET.ParseError as exc:
        raise FeedFormatError(where, f"{vendor} feed is not valid XML ({exc})") from None


def child_text(element: ET.Element, name: str) -> str | None:
    """Cleaned text of the first direct child whose tag, namespace aside, is `name`."""
    for child in element:
        if child.tag.rsplit("}", 1)[-1] == name:
            return text_or_none(child.text)
    return None


def children(element: ET.Element, name: str) -> list[ET.Element]:
    """Every descendant whose tag, namespace aside, is `name`."""
    return [node for node in element.iter() if node.tag.rsplit("}", 1)[-1] == name]
