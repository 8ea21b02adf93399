"""The number of postings a listing page says it lists ("Displaying 35 positions", "1–20 of 100", "12 open roles",
"35 offene Stellen", "12 offres", "8 lediga jobb", "35件") — pure.

Only short text blocks that are mostly the count are read, so "over 500 jobs created" in running text is not a
count. When the page states different totals, a range's total ("… of 100") wins; otherwise none is trusted.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from scoutly.acquire.visible import blocks

_NOUNS = (
    r"(?:open |current |available |offene |aktuelle |lediga |offres d'|ofertas de )?"
    r"(?:jobs?|positions?|roles?|openings?|vacanc(?:y|ies)|opportunit(?:y|ies)|postings?|results?|"
    r"stellen(?:angebote|anzeigen)?|jobangebote|offres?(?: d'emploi)?|postes?|emplois?|"
    r"ofertas?(?: de (?:empleo|trabajo))?|"
    r"vacantes|empleos|puestos|jobb|tjänster|anställningar|vacatures|ofert(?:y)?(?: pracy)?|posizioni|annunci)"
)
_PREFIX = (
    r"(?:showing|displaying|there are|we have|we're hiring for|currently|all|zeige|es gibt|wir haben|visar|"
    r"nous avons|mostrando|hay|wyświetlono|totalt|total:?|alle)?"
)
_SUFFIX = (
    r"(?:found|available|open|listed|gefunden|verfügbar|trouvée?s?|disponibles?|encontrad[ao]s|hittades|"
    r"at [\w .&-]{1,40}|in total|insgesamt|au total|en total|totalt)?"
)
_COUNT = re.compile(rf"^\W*{_PREFIX}\s*(\d{{1,5}})\s+{_NOUNS}\s*{_SUFFIX}\W*$", re.IGNORECASE)
_RANGE = re.compile(
    r"^\W*(?:showing|displaying|results|jobs|zeige|visar|affichage|mostrando)?\s*\d{1,5}\s*(?:[-–—]|to|bis|à|a|till)\s*"
    r"\d{1,5}\s+(?:of|von|de|av|sur|z|di)\s+(\d{1,5})\b.{0,30}$",
    re.IGNORECASE,
)
_IN_PARENS = re.compile(rf"^\W*{_PREFIX}\s*{_NOUNS}\s*[(\[]\s*(\d{{1,5}})\s*[)\]]\W*$", re.IGNORECASE)
_JAPANESE = re.compile(r"^\D{0,12}?(\d{1,5})\s*件\D{0,12}$")
MAX_BLOCK = 80


def stated_count(root: LexborNode | None) -> int | None:
    """The total the page states, or None when it states none (or contradicts itself)."""
    if root is None:
        return None
    totals: set[int] = set()
    counts: set[int] = set()
    for text in blocks(root, limit=5000):
        if len(text) > MAX_BLOCK or not any(ch.isdigit() for ch in text):
            continue
        found = _RANGE.match(text)
        if found:
            totals.add(int(found.group(1)))
            continue
        found = _COUNT.match(text) or _IN_PARENS.match(text) or _JAPANESE.match(text)
        if found:
            counts.add(int(found.group(1)))
    if len(totals) == 1:
        return totals.pop()
    if not totals and len(counts) == 1:
        return counts.pop()
    return None


def count_disagreement(stated: int | None, found: int) -> str | None:
    """A sentence for the log and `scoutly scrape` when the page's stated count and the extraction differ."""
    if stated is None or stated == found:
        return None
    return f"the page says it lists {stated} postings but {found} were read; the listing is treated as partial"
