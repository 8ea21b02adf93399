"""What every ATS module shares: the board address (`AtsBoard`), a split URL (`UrlParts`), the error a feed of the
wrong shape raises (`FeedFormatError`) and small parsing helpers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from scoutly.acquire.http import FetchError
from scoutly.acquire.text import cap, clean, html_to_text, tidy

# Path segments and subdomains that name no board ("/embed/…", "www.", "/api/…"): shared by the vendors' URL rules.
RESERVED = frozenset({"embed", "v1", "api", "j", "jobs", "job", "wday", "en", "www", "apply", "careers", "search", ""})
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)


class FeedFormatError(FetchError):
    """A feed answered, but not in the shape its vendor's reader expects (broken XML, a list where an object was
    expected, a field of the wrong type). Like any failed feed, the page strategies are tried next."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url, reason)
        self.reason = reason


@dataclass(frozen=True)
class AtsBoard:
    """One company's board on one ATS. `token` is the board token / org / account / company identifier;
    Workday also needs `site` and either `host` (tenant.wdN.myworkdayjobs.com, optional `locale`) or `page_url`
    (the public board page, when the board lives elsewhere, e.g. behind a proxy). `secret` is a public-but-private
    read token some vendors want (Comeet's careers token): never shown by repr, `describe` or error messages."""

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
