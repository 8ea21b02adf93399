"""Details of one posting from its own page (pure): title, location, employment type and full description.

schema.org `JobPosting` JSON-LD first; else the page's main readable text (the `main`/`article` region, or the
body without navigation, header, footer, forms and scripts). The description is capped in length.
"""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scoutly.acquire.extract import location_in
from scoutly.acquire.jsonld import is_job_posting, jsonld_location, jsonld_objects
from scoutly.acquire.text import DEFAULT_MAX_CHARS, cap, clean, html_to_text

_BOILERPLATE = (
    "script, style, noscript, template, svg, nav, header, footer, aside, form, button, iframe, "
    '[role="navigation"], [role="banner"], [role="contentinfo"], [aria-hidden="true"], [hidden]'
)
_MAIN = ("main article", "article", "main", '[role="main"]', "#content", ".content", "#main")
_MIN_MAIN_CHARS = 200


_LABELS = {
    "location": {"location", "locations", "job location", "work location", "office", "city", "standort",
                 "arbeitsort", "einsatzort", "ort", "plats", "placering", "ort/plats", "lieu", "ubicación", "sede"},
    "department": {"department", "team", "division", "business unit", "abteilung", "bereich", "avdelning",
                   "fachbereich", "département", "departamento"},
    "employment_type": {"employment type", "type", "job type", "contract", "contract type", "employment",
                        "schedule", "working hours", "vertragsart", "anstellungsart", "beschäftigungsart",
                        "arbeitszeit", "anställningsform", "omfattning", "type de contrat"},
}  # fmt: skip


@dataclass
class PostingDetails:
    title: str | None
    location: str | None
    employment_type: str | None
    description: str | None
    remote: bool | None = None
    department: str | None = None


def extract_details(html: str, *, max_chars: int = DEFAULT_MAX_CHARS) -> PostingDetails:
    """The details a posting's page gives (see module doc). Fields it does not give are None."""
    tree = LexborHTMLParser(html or "")
    posting = next((obj for obj in jsonld_objects(tree) if is_job_posting(obj)), None)
    if posting is not None:
        raw = str(posting.get("description") or "")
        description = html_to_text(raw, max_chars=max_chars, unescape="&lt;" in raw)
        kind = posting.get("employmentType")
        remote = str(posting.get("jobLocationType", "")).upper() == "TELECOMMUTE"
        return PostingDetails(
            title=clean(html_to_text(str(posting.get("title") or ""))) or _page_title(tree),
            location=jsonld_location(posting),
            employment_type=", ".join(map(str, kind)) if isinstance(kind, list) else (clean(str(kind)) or None),
            description=description or _main_text(tree, max_chars) or None,
            remote=True if remote else None,
        )
    title = _page_title(tree)
    region = _main_region(tree)
    fields = labelled_fields(region) if region is not None else {}
    location = fields.get("location") or (location_in(region) if region is not None else None)
    return PostingDetails(
        title=title,
        location=location,
        employment_type=fields.get("employment_type"),
        description=_main_text(tree, max_chars) or None,
        department=fields.get("department"),
    )


def labelled_fields(region: LexborNode) -> dict[str, str]:
    """Location / department / employment type from label–value pairs: `<dt>Location</dt><dd>…</dd>`,
    `<th>Location</th><td>…</td>`, or `<strong>Location:</strong> …`."""
    found: dict[str, str] = {}

    def offer(label: str, value: str) -> None:
        field = _field_for(label)
        value = clean(value).strip(":·|– ")
        if field and value and len(value) <= 120 and field not in found:
            found[field] = value

    for term in region.css("dt, th"):
        value_node = term.next
        while value_node is not None and value_node.tag in ("-text", "#text") and not clean(value_node.text()):
            value_node = value_node.next
        if value_node is not None and value_node.tag in ("dd", "td"):
            offer(term.text(deep=True, separator=" "), value_node.text(deep=True, separator=" "))
    for label in region.css("strong, b, label, span"):
        text = clean(label.text(deep=True, separator=" "))
        if text.endswith(":") and label.next is not None and label.next.tag in ("-text", "#text"):
            offer(text.rstrip(":"), label.next.text())
    return found


def _field_for(label: str) -> str | None:
    label = clean(label).rstrip(":").casefold()
    for field, names in _LABELS.items():
        if label in names:
            return field
    return None


def _page_title(tree: LexborHTMLParser) -> str | None:
    for selector in ("main h1", "article h1", "h1"):
        node = tree.css_first(selector)
        if node is not None and clean(node.text(deep=True, separator=" ")):
            return clean(node.text(deep=True, separator=" "))
    meta = tree.css_first('meta[property="og:title"]')
    if meta is not None and clean(meta.attributes.get("content")):
        return clean(meta.attributes.get("content"))
    title = tree.css_first("title")
    return clean(title.text()) if title is not None and clean(title.text()) else None


def _main_text(tree: LexborHTMLParser, max_chars: int) -> str:
    for node in tree.css(_BOILERPLATE):
        node.decompose()
    region = _main_region(tree)
    if region is None:
        return ""
    return cap(html_to_text(region.html or "", max_chars=max_chars * 2), max_chars)


def _main_region(tree: LexborHTMLParser) -> LexborNode | None:
    """The largest main/article region with real text, else the body."""
    best: LexborNode | None = None
    best_size = 0
    for selector in _MAIN:
        for node in tree.css(selector):
            size = len(clean(node.text(deep=True, separator=" ")))
            if size > best_size:
                best, best_size = node, size
    if best is not None and best_size >= _MIN_MAIN_CHARS:
        return best
    return tree.body
