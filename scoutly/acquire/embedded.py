"""Postings carried only in a page's embedded data: a JSON object in a `<script>` (a hosted board's initial state,
a `__NEXT_DATA__`-like blob, `window.x = {...}`) while the DOM holds only an unrendered template (pure).

A generic walk: the best array of objects that have a title-like key, a URL-like key and a key only a
posting has (location, department, employment type, date…), most of whose titles are role-like, is taken as the
listing. Nothing vendor-specific. Items with an id but no URL are left to the rendered page, whose links give
the real addresses.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from scoutly.acquire.record_fields import role_like, tidy_title
from scoutly.acquire.urls import canonical_url

TITLE_KEYS = ("title", "jobTitle", "job_title", "positionName", "position", "name", "text", "postingTitle")
URL_KEYS = ("url", "absolute_url", "absoluteUrl", "hostedUrl", "applyUrl", "jobUrl", "job_url", "link", "href",
            "careersUrl", "publicUrl", "externalUrl", "canonicalUrl", "permalink", "detailUrl", "detailsUrl",
            "jobDetailsUrl", "postingUrl", "path", "jobPath", "externalPath", "careers_url", "public_url")  # fmt: skip
LOCATION_KEYS = ("location", "locationName", "city", "office", "locations")
DEPARTMENT_KEYS = ("department", "team", "category", "departmentName")
# Keys only a posting has (a navigation or product item has none of them).
POSTING_KEYS = frozenset(
    {*LOCATION_KEYS, *DEPARTMENT_KEYS, "employmentType", "employment_type", "commitment", "workplaceType", "remote",
     "isRemote", "datePosted", "postedAt", "publishedAt", "published_at", "createdAt", "created_at", "updated_at",
     "requisition_id", "jobType", "contractType", "seniority", "country", "region"}
)  # fmt: skip
MAX_SCRIPT_CHARS = 3_000_000
MAX_DEPTH = 14
_ASSIGNMENT = re.compile(r"(?:=|:|\()\s*(?=[\[{\"])")


@dataclass
class EmbeddedPosting:
    title: str
    url: str | None
    location: str | None = None
    department: str | None = None


def embedded_postings(tree: LexborHTMLParser, base: str) -> list[EmbeddedPosting]:
    """Postings from the page's script data (see module doc); [] when none looks like a listing."""
    best: list[dict[str, Any]] = []
    best_score = 0.0
    for data in _script_values(tree):
        for array in _arrays(data, 0):
            score = _score(array)
            if score > best_score:
                best, best_score = array, score
    found = []
    for item in best:
        title = tidy_title(_text(item, TITLE_KEYS) or "")[0]
        if not title or _closed(item):
            continue
        href = _text(item, URL_KEYS)
        url = canonical_url(href, base) if href else None
        found.append(EmbeddedPosting(title, url, _place(item), _named(item, DEPARTMENT_KEYS)))
    return found


def _closed(item: dict[str, Any]) -> bool:
    """An item the data marks as not open (closed, archived, draft, filled, expired, unpublished)."""
    for key in ("status", "state", "jobStatus", "postingStatus"):
        value = item.get(key)
        if isinstance(value, str) and value.strip().lower() in _NOT_OPEN:
            return True
    return item.get("isClosed") is True or item.get("closed") is True or item.get("published") is False


_NOT_OPEN = frozenset({"closed", "archived", "draft", "filled", "expired", "unpublished", "inactive", "deleted"})


def _script_values(tree: LexborHTMLParser) -> Iterator[Any]:
    for script in tree.css("script"):
        kind = (script.attributes.get("type") or "").lower()
        if kind == "application/ld+json" or script.attributes.get("src"):
            continue
        text = script.text(deep=True) or ""
        if len(text) < 20 or len(text) > MAX_SCRIPT_CHARS:
            continue
        stripped = text.strip()
        if kind.endswith("json") or stripped[:1] in "{[":
            try:
                yield json.loads(stripped)
                continue
            except (ValueError, RecursionError):
                pass
        yield from _literals(text)


def _literals(text: str) -> Iterator[Any]:
    """JSON values assigned or passed in a script: `x = {...}`, `f([...])`, `JSON.parse("...")`; a value found is
    not searched again inside (that would parse a large state object once per nested key)."""
    decoder = json.JSONDecoder()
    done = 0
    for match in _ASSIGNMENT.finditer(text):
        if match.start() < done:
            continue
        start = match.end()
        try:
            value, end = decoder.raw_decode(text, start)
            if isinstance(value, str) and text[match.start() : start].rstrip().endswith("("):
                value = json.loads(value)  # JSON.parse("{\"jobs\": …}")
        except (ValueError, RecursionError):
            continue
        done = end
        if isinstance(value, (dict, list)) and value:
            yield value


def _arrays(value: Any, depth: int) -> Iterator[list[dict[str, Any]]]:
    if depth > MAX_DEPTH:
        return
    if isinstance(value, list):
        objects = [item for item in value if isinstance(item, dict)]
        if objects:
            yield objects
        for item in value[:500]:
            if isinstance(item, (dict, list)):
                yield from _arrays(item, depth + 1)
    elif isinstance(value, dict):
        for item in list(value.values())[:500]:
            if isinstance(item, (dict, list)):
                yield from _arrays(item, depth + 1)


def _score(array: list[dict[str, Any]]) -> float:
    """How much an array looks like a listing: titled items with a URL or id, role-like titles, size."""
    titles = [_text(item, TITLE_KEYS) for item in array]
    titled = [t for t in titles if t and len(t) <= 300]
    if not titled or len(titled) * 2 < len(array):
        return 0.0
    keyed = sum(1 for item in array if _text(item, URL_KEYS))  # an id alone gives no address to store
    posting_like = sum(1 for item in array if POSTING_KEYS.intersection(item))
    if keyed * 2 < len(array) or posting_like * 2 < len(array):
        return 0.0
    roles = sum(role_like(t) for t in titled) / len(titled)
    if roles < 0.5 and len(titled) < 3:
        return 0.0
    if roles < 0.3:
        return 0.0
    return roles * len(titled)


def _text(item: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return None


def _named(item: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, dict):
            name = value.get("name") or value.get("title") or value.get("label")
            if isinstance(name, str) and name.strip():
                return name.strip()
    return None


def _place(item: dict[str, Any]) -> str | None:
    value = item.get("locations")
    if isinstance(value, list) and value:
        names = [v if isinstance(v, str) else _named({"x": v}, ("x",)) for v in value]
        return ", ".join(n for n in names if n) or None
    return _named(item, LOCATION_KEYS)
