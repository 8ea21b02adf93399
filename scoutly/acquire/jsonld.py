"""schema.org `JobPosting` in JSON-LD and in microdata (`itemscope itemtype=".../JobPosting"` with `itemprop`
fields, read into the same shape as JSON-LD): the objects of a page, their locations, and the postings they
describe."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

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


def microdata_objects(tree: LexborHTMLParser) -> Iterator[dict[str, Any]]:
    """Every microdata `JobPosting` item of the page (also one inside a list item) as a JSON-LD-like object
    (`@type` the itemtype's last part, each `itemprop` a key; nested items are objects, a repeated property keeps
    its first value)."""
    for node in tree.css("[itemscope][itemtype]"):
        if "jobposting" in (node.attributes.get("itemtype") or "").lower():
            yield _microdata_item(node, 0)


_MICRODATA_URL_TAGS = {"a": "href", "link": "href", "area": "href", "img": "src", "iframe": "src", "source": "src"}
_MICRODATA_DEPTH = 6


def _microdata_item(node: LexborNode, depth: int) -> dict[str, Any]:
    kind = (node.attributes.get("itemtype") or "").split()
    item: dict[str, Any] = {"@type": kind[0].rstrip("/").rsplit("/", 1)[-1] if kind else ""}
    for prop in node.css("[itemprop]"):
        owner = _item_of(prop)
        if owner is None or owner.mem_id != node.mem_id:
            continue  # a property of an item nested inside this one
        for name in (prop.attributes.get("itemprop") or "").split():
            if name in item:
                continue
            if "itemscope" in prop.attributes:
                item[name] = _microdata_item(prop, depth + 1) if depth < _MICRODATA_DEPTH else {}
            else:
                item[name] = _microdata_value(prop)
    return item


def _item_of(prop: LexborNode) -> LexborNode | None:
    """The item a property belongs to: its nearest ancestor with `itemscope`."""
    parent = prop.parent
    while parent is not None and "itemscope" not in parent.attributes:
        parent = parent.parent
    return parent


def _microdata_value(prop: LexborNode) -> str:
    attrs = prop.attributes
    url_attr = _MICRODATA_URL_TAGS.get(prop.tag or "")
    if url_attr:
        return attrs.get(url_attr) or ""
    for attr in ("content", "datetime", "value"):
        value = attrs.get(attr)
        if value is not None and (attr == "content" or prop.tag in ("time", "data", "meter")):
            return value
    return clean(prop.text(deep=True) or "")


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
        if isinstance(place, str) and clean(place):  # microdata: `<p itemprop="jobLocation">Eindhoven</p>`
            place = {"address": place}
        if not isinstance(place, dict):
            continue
        address = place.get("address") or {}
        if not isinstance(address, (str, dict)):
            continue
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
    """Postings from schema.org JobPosting JSON-LD and microdata."""
    postings = []
    every = [*jsonld_objects(tree), *microdata_objects(tree)]
    objects = [obj for obj in every if is_job_posting(obj) and obj.get("title")]
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
