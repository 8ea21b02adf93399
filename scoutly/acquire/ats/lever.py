"""Lever postings API (api.lever.co/v0/postings/<token>?mode=json); also reads the v1 `{data: [...]}` shape."""

from __future__ import annotations

from typing import Any

from scoutly.acquire.ats.base import UUID, AtsBoard, UrlParts, looks_remote, text_or_none
from scoutly.acquire.ats.vendor import AtsVendor
from scoutly.acquire.http import FetchError, Http
from scoutly.acquire.models import Listing, PostingFound, dedupe
from scoutly.acquire.text import cap, html_to_text, tidy
from scoutly.acquire.urls import canonical_url

VENDOR = "lever"
DEFAULT_API = "https://api.lever.co"
EU_API = "https://api.eu.lever.co"
BOARD_HOSTS = ("jobs.lever.co", "jobs.eu.lever.co")
API_HOSTS = ("api.lever.co", "api.eu.lever.co")


def parse(data: Any) -> list[PostingFound]:
    """Postings from a v0 array or a v1 `{data: [...]}` response (unpublished v1 postings skipped)."""
    items = data.get("data", []) if isinstance(data, dict) else data
    postings = []
    for item in items or []:
        if not isinstance(item, dict) or not item.get("text") or item.get("state", "published") != "published":
            continue
        postings.append(_posting(item))
    return dedupe(postings)


def _posting(item: dict[str, Any]) -> PostingFound:
    categories = item.get("categories") or {}
    location = text_or_none(categories.get("location"))
    workplace = (item.get("workplaceType") or "").lower()
    remote = True if workplace == "remote" else False if workplace in ("onsite", "on-site") else None
    url = item.get("hostedUrl") or (item.get("urls") or {}).get("show")
    return PostingFound(
        key=f"{VENDOR}:{item['id']}",
        title=text_or_none(item["text"]) or "",
        url=canonical_url(url),
        location=location,
        department=text_or_none(categories.get("team")) or text_or_none(categories.get("department")),
        employment_type=text_or_none(categories.get("commitment")),
        remote=remote if remote is not None else looks_remote(location, item.get("text")),
        description=_description(item) or None,
        source=VENDOR,
    )


def _description(item: dict[str, Any]) -> str:
    content = item.get("content") or {}
    parts = [item.get("descriptionPlain") or html_to_text(item.get("description") or content.get("descriptionHtml"))]
    for section in item.get("lists") or content.get("lists") or []:
        if isinstance(section, dict):
            parts.append(f"{section.get('text') or ''}\n{html_to_text(section.get('content'))}")
    parts.append(item.get("additionalPlain") or html_to_text(item.get("additional") or content.get("closingHtml")))
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
