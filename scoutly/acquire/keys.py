"""Posting keys: the ATS's own id where the URL carries one, else the canonical URL."""

from __future__ import annotations

from scoutly.acquire.ats import ats_key_for_url
from scoutly.acquire.text import clean
from scoutly.acquire.urls import url_key


def posting_key(url: str | None, title: str, page_url: str, location: str | None = None) -> str:
    """ "greenhouse:123" for an ATS posting URL, else the URL's key; a posting shown without a link of its own is
    keyed by the page that lists it, its title and (when shown) its location."""
    if url:
        return ats_key_for_url(url) or url_key(url)
    where = f"@{clean(location).casefold()}" if location else ""
    return f"{url_key(page_url)}#title:{clean(title).casefold()}{where}"
