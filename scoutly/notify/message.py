"""Building notification messages (pure): new matches grouped by company, best first, with reasons."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from scoutly.storage.types import Document

MAX_REASONS = 3


@dataclass(frozen=True)
class MatchItem:
    """One match as a notification shows it."""

    company: str
    title: str
    url: str
    score: int
    location: str | None = None
    reasons: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Message:
    title: str
    body: str


def reasons_of(analysis: Document | None) -> tuple[str, ...]:
    """The few reasons a match is worth a look, whatever stage produced it."""
    analysis = analysis or {}
    reasons = analysis.get("reasons")
    if isinstance(reasons, list) and reasons:
        return tuple(str(reason) for reason in reasons[:MAX_REASONS])
    reason = analysis.get("reason")
    if isinstance(reason, str) and reason:
        return (reason,)
    keywords = analysis.get("matched_keywords") or analysis.get("keywords")
    if isinstance(keywords, list) and keywords:
        return ("keywords: " + ", ".join(str(word) for word in keywords[:8]),)
    return ()


def build_message(user_name: str | None, items: Iterable[MatchItem], *, digest: bool = False) -> Message:
    """Title and plain-text body: companies ordered by their best score, matches by score."""
    items = list(items)
    by_company: dict[str, list[MatchItem]] = {}
    for item in items:
        by_company.setdefault(item.company, []).append(item)
    companies = sorted(by_company, key=lambda name: (-max(i.score for i in by_company[name]), name.lower()))
    count = len(items)
    noun = "match" if count == 1 else "matches"
    kind = "Scoutly digest" if digest else "Scoutly"
    title = f"{kind}: {count} new job {noun}" + (f" for {user_name}" if user_name else "")
    lines: list[str] = []
    for company in companies:
        lines.append(company)
        for item in sorted(by_company[company], key=lambda i: (-i.score, i.title.lower())):
            where = f" — {item.location}" if item.location else ""
            lines.append(f"  [{item.score}] {item.title}{where}")
            lines.append(f"      {item.url}")
            lines.extend(f"      · {reason}" for reason in item.reasons)
        lines.append("")
    return Message(title=title, body="\n".join(lines).rstrip() + "\n")
