"""The next page of a paginated listing (pure)."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, SelectolaxError

from scoutly.acquire.models import Selectors
from scoutly.acquire.text import clean
from scoutly.acquire.urls import canonical_url, document_base, url_key
from scoutly.errors import InputError

_NEXT_TEXT = re.compile(r"^(next|next page|weiter|nächste( seite)?|nästa|suivant|siguiente|›|»|>|→)\s*[›»>→]?$", re.I)


def next_page_url(html: str, base_url: str, *, selectors: Selectors | None = None) -> str | None:
    """The listing's next page: the company's `next_page` selector, else `rel="next"`, else a "Next" link."""
    tree = LexborHTMLParser(html or "")
    base = document_base(tree, base_url)
    selector = (selectors or {}).get("next_page")
    try:
        candidates = tree.css(selector) if selector else tree.css('link[rel~="next"], a[rel~="next"]')
    except SelectolaxError:
        raise InputError(f"selectors.next_page: {selector!r} is not a valid CSS selector") from None
    if not selector and not candidates:
        candidates = [a for a in tree.css("a[href]") if _NEXT_TEXT.match(clean(a.text(deep=True)))]
    for node in candidates:
        anchor = node if node.attributes.get("href") else node.css_first("a[href]")
        url = canonical_url(anchor.attributes.get("href"), base) if anchor is not None else None
        if url and url_key(url) != url_key(canonical_url(base_url) or base_url):
            return url
    return None
