"""Canonical posting URLs: resolved, without fragments, tracking parameters and session ids, so one posting has one
URL.

Built on w3lib (Scrapy's URL toolkit): `canonicalize_url` sorts and normalises the query and percent-encoding.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, url_query_cleaner

# Query parameters that only say where a click came from; they never identify a posting.
TRACKING_PARAMS = frozenset(
    {
        "gh_src", "lever-source", "lever-origin", "lever-via", "source", "src", "ref", "referrer", "referer",
        "trk", "trkinfo", "fbclid", "gclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid", "_hsenc", "_hsmi",
        "hsctatracking", "igshid", "si", "campaign", "cmp", "ss", "sc_cid", "icid", "_ga", "_gl", "ashby_jid_src",
    }
)  # fmt: skip
# Server session ids in a query ("?id=12&sessionid=A81F") or a path parameter ("/job/12;jsessionid=…"): they say
# who is browsing, never which posting; each visit gets another.
SESSION_PARAMS = frozenset({"sessionid", "session_id", "jsessionid", "phpsessid", "aspsessionid", "cfid", "cftoken"})
_PATH_SESSION = re.compile(r";(?:jsessionid|sessionid|phpsessid)=[^/?#;]*", re.IGNORECASE)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "ga_")
_WEB_SCHEMES = ("http", "https")
_ROUTE_FRAGMENT = re.compile(r"^#[!/]")  # "#/jobs/12" or "#!/jobs/12": the fragment is the page


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered in SESSION_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def canonical_url(href: str | None, base: str | None = None) -> str | None:
    """`href` resolved against `base`, without tracking parameters or (non-route) fragment; None when `href`
    is not a web link (mailto:, tel:, javascript:, a bare "#", empty) or no URL at all ("http://[::1", a port past
    65535: the URL parsers raise ValueError for those, and one such href must not fail a whole page or feed)."""
    if not href:
        return None
    href = href.strip()
    if not href or (href.startswith("#") and not _ROUTE_FRAGMENT.match(href)):
        return None
    try:
        return _canonical(urljoin(base, href) if base else href)
    except ValueError:
        return None


def _canonical(absolute: str) -> str | None:
    parts = urlsplit(absolute)
    if parts.scheme.lower() not in _WEB_SCHEMES or not parts.netloc:
        return None
    fragment = "#" + parts.fragment if parts.fragment and _ROUTE_FRAGMENT.match("#" + parts.fragment) else ""
    scheme = parts.scheme.lower()
    netloc = parts.netloc.lower()
    if (scheme == "http" and netloc.endswith(":80")) or (scheme == "https" and netloc.endswith(":443")):
        netloc = netloc.rsplit(":", 1)[0]
    path = _PATH_SESSION.sub("", parts.path) or "/"
    cleaned = urlunsplit((scheme, netloc, path, parts.query, ""))
    if parts.query:
        keep = [name for name in _query_names(parts.query) if not is_tracking_param(name)]
        cleaned = url_query_cleaner(cleaned, keep, unique=False)
    return canonicalize_url(cleaned) + fragment


def _query_names(query: str) -> list[str]:
    return [pair.split("=", 1)[0] for pair in query.split("&") if pair]


def url_key(url: str) -> str:
    """The key for a posting known only by its URL: the canonical URL without a trailing slash."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))


def same_site(url: str, other: str) -> bool:
    """True when both URLs are on the same registrable-looking host (www. ignored)."""
    return _host(url) == _host(other)


def _host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def domain(url: str) -> str:
    """The host of `url` (for per-domain politeness)."""
    return urlsplit(url).hostname or ""


def document_base(tree: Any, page_url: str) -> str:
    """The URL a parsed page's relative links resolve against: its `<base href>` if any, else `page_url`."""
    node = tree.css_first("base[href]")
    href = node.attributes.get("href") if node is not None else None
    return (canonical_url(href, page_url) or page_url) if href else page_url
