"""Lever postings API (api.lever.co/v0/postings/<token>?mode=json); also reads the v1 `{data: [...]}` shape."""

from __future__ import annotations

from typing import Any

from scoutly.acquire.ats.base import (
    UUID,
    AtsBoard,
    UrlParts,
    link,
    listed,
    looks_remote,
    objects,
    optional_list,
    optional_object,
    optional_text,
    text_or_none,
)
from scoutly.acquire.ats.vendor import AtsVendor
from scoutly.acquire.http import FetchError, Http
from scoutly.acquire.models import Listing, PostingFound, dedupe
from scoutly.acquire.text import cap, html_to_text, tidy

VENDOR = "lever"
DEFAULT_API = "https://api.lever.co"
EU_API = "https://api.eu.lever.co"
BOARD_HOSTS = ("jobs.lever.co", "jobs.eu.lever.co")
API_HOSTS = ("api.lever.co", "api.eu.lever.co")


def parse(data: Any) -> list[PostingFound]:
    """Postings from a v0 array or a v1 `{data: [...]}` response (unpublished v1 postings skipped)."""
    postings = []
    for item in listed(data, "data", VENDOR):
        if not item.get("text") or not item.get("id") or item.get("state", "published") != "published":
            continue
        postings.append(_posting(item))
    return dedupe(postings)


def _posting(item: dict[str, Any]) -> PostingFound:
    categories = optional_object(item.get("categories"), "a posting's `categories` as an object", VENDOR)
    location = text_or_none(categories.get("location"))
    workplace = (_text(item, "workplaceType") or "").lower()
    remote = True if workplace == "remote" else False if workplace in ("onsite", "on-site") else None
    urls = optional_object(item.get("urls"), "a posting's `urls` as an object", VENDOR)
    url = _text(item, "hostedUrl") or _text(urls, "show")  # the first one given, even when it is not a web link
    return PostingFound(
        key=f"{VENDOR}:{item['id']}",
        title=text_or_none(item["text"]) or "",
        url=link(url, "a posting's URL", VENDOR),
        location=location,
        department=text_or_none(categories.get("team")) or text_or_none(categories.get("department")),
        employment_type=text_or_none(categories.get("commitment")),
        remote=remote if remote is not None else looks_remote(location, text_or_none(item["text"])),
        description=_description(item) or None,
        source=VENDOR,
    )


def _text(item: dict[str, Any], name: str) -> str | None:
    """A string field (a URL, HTML, a word compared): None when missing, FeedFormatError when not a string."""
    return optional_text(item.get(name), f"a posting's `{name}` as a string", VENDOR)


def _description(item: dict[str, Any]) -> str:
    content = optional_object(item.get("content"), "a posting's `content` as an object", VENDOR)
    parts = [
        _text(item, "descriptionPlain") or html_to_text(_text(item, "description") or _text(content, "descriptionHtml"))
    ]
    lists = optional_list(item.get("lists"), "a posting's `lists` as a list", VENDOR)
    for section in objects(lists or optional_list(content.get("lists"), "`content.lists` as a list", VENDOR)):
        parts.append(f"{section.get('text') or ''}\n{html_to_text(_text(section, 'content'))}")
    parts.append(
        _text(item, "additionalPlain") or html_to_text(_text(item, "additional") or _text(content, "closingHtml"))
    )
    return cap(tidy("\n\n".join(part for part in parts if part)))


class Lever(AtsVendor):
    """jobs[.eu].lever.co/<token> (or the API's /v0/postings/<token>); a posting's key is its UUID."""

    name = VENDOR

    def detect(self, url: UrlParts) -> AtsBoard | None:
        segments = url.segments
        if url.host in BOARD_HOSTS and segments:
            return AtsBoard(VENDOR, segments[0], host=url.host)
        if url.host in API_HOSTS and len(segments) >= 3 and segments[:2] == ["v0", "postings"]:
            return AtsBoard(VENDOR, segments[2], host=url.host)
        return None

    def posting_key(self, url: UrlParts) -> str | None:
        if url.host in BOARD_HOSTS and len(url.segments) >= 2 and UUID.match(url.segments[1]):
            return f"{VENDOR}:{url.segments[1].lower()}"
        return None

    async def fetch(self, http: Http, board: AtsBoard) -> Listing:
        """The board's postings; a board unknown to the global API is looked up on the EU one."""
        eu = bool(board.host and ".eu." in board.host)
        base = self.base(EU_API if eu else DEFAULT_API)
        try:
            data = await http.get_json(f"{base}/v0/postings/{board.token}", params={"mode": "json"})
        except FetchError as exc:
            if exc.status != 404 or eu or self.api:
                raise
            data = await http.get_json(f"{EU_API}/v0/postings/{board.token}", params={"mode": "json"})
        return Listing(strategy=VENDOR, postings=parse(data))
