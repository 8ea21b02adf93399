"""schema.org `JobPosting` in JSON-LD: the objects of a page, their locations, and the postings they describe."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from scoutly.acquire.keys import posting_key
from scoutly.acquire.models import PostingFound
from scoutly.acquire.text import clean, html_to_text
from scoutly.acquire.urls import canonical_url
from scoutly.jsonsafe import loads as json_loads

SOURCE = "static"


def jsonld_objects(tree: LexborHTMLParser) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object of the page, flattened out of lists, @graph and ItemList elements."""
    for script in tree.css('script[type="application/ld+json"]'):
        try:
            data = json_loads(script.text(deep=True) or "null", strict=False)  # depth-limited
        except ValueError:
            continue
        yield from _flatten(data)


def _flatten(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _flatten(item)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "itemListElement", "item", "mainEntity"):
            if key in data:
                yield from _flatten(data[key])


def is_job_posting(obj: dict[str, Any]) -> bool:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.lower() == "jobposting" for k in kinds)


def jsonld_location(obj: dict[str, Any]) -> str | None:
    """ "City, Region, Country" of a JobPosting's jobLocation(s); "Remote" for TELECOMMUTE."""
    places = obj.get("jobLocation")
    places = places if isinstance(places, list) else [places]
    names = []
    for place in places:
        if not isinstance(place, dict):
            continue
        address = place.get("address") or {}
        if isinstance(address, str):
            parts: list[Any] = [address]
        else:
            country = address.get("addressCountry")
            if isinstance(country, dict):
                country = country.get("name")
            parts = [address.get("addressLocality"), address.get("addressRegion"), country]
        name = ", ".join(clean(str(p)) for p in parts if p and clean(str(p)))
        if name and name not in names:
            names.append(name)
    if str(obj.get("jobLocationType", "")).upper() == "TELECOMMUTE":
        names.append("Remote")
    return "; ".join(names) or None


def jsonld_postings(tree: LexborHTMLParser, base: str) -> list[PostingFound]:
    """Postings from schema.org JobPosting JSON-LD."""
    postings = []
    objects = [obj for obj in jsonld_objects(tree) if is_job_posting(obj) and obj.get("title")]
    for obj in objects:
        title = clean(html_to_text(str(obj["title"])))
        url = canonical_url(str(obj.get("url") or obj.get("sameAs") or "") or None, base)
        if url is None and len(objects) == 1:
            url = canonical_url(base)  # a page with one JobPosting and no URL in it is that posting's page
        kind = obj.get("employmentType")
        location = jsonld_location(obj)
        department = obj.get("department") or obj.get("occupationalCategory")
        postings.append(
            PostingFound(
                key=posting_key(url, title, base),
                title=title,
                url=url,
                location=location,
                department=clean(str(department)) if isinstance(department, str) else None,
                employment_type=", ".join(kind) if isinstance(kind, list) else (clean(str(kind)) if kind else None),
                remote=True if str(obj.get("jobLocationType", "")).upper() == "TELECOMMUTE" else None,
                description=html_to_text(str(obj.get("description"))) if obj.get("description") else None,
                source=SOURCE,
            )
        )
    return postings
