"""Readable plain text from HTML fragments (selectolax), for descriptions and titles."""

from __future__ import annotations

import html
import re

from selectolax.lexbor import LexborHTMLParser

_SPACES = re.compile(r"[ \t\u00a0\u200b]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_BLOCK_TAGS = ("p", "div", "li", "ul", "ol", "br", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
               "article", "header", "footer", "blockquote", "pre", "table", "dt", "dd")  # fmt: skip
DEFAULT_MAX_CHARS = 20_000


def clean(text: str | None) -> str:
    """Collapse whitespace to single spaces and strip."""
    if not text:
        return ""
    return " ".join(text.split())


def html_to_text(fragment: str | None, *, max_chars: int = DEFAULT_MAX_CHARS, unescape: bool = False) -> str:
    """Plain text of an HTML fragment with paragraphs/list items on their own lines, capped at `max_chars`.

    `unescape=True` first decodes HTML-escaped HTML (Greenhouse's `content`).
    """
    if not fragment:
        return ""
    if unescape:
        fragment = html.unescape(fragment)
    tree = LexborHTMLParser(fragment)
    for node in tree.css("script, style, noscript, template, svg"):
        node.decompose()
    for tag in _BLOCK_TAGS:
        for node in tree.css(tag):
            node.insert_before("\n")
            node.insert_after("\n")
    root = tree.body or tree.root
    text = root.text(separator="", deep=True) if root is not None else ""
    return cap(tidy(text), max_chars)


def tidy(text: str) -> str:
    """Normalise spaces within lines and blank lines between them."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    joined = "\n".join(lines)
    return _BLANK_LINES.sub("\n\n", joined).strip()


def cap(text: str, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """`text` cut to at most `max_chars` characters (at a word boundary when possible)."""
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars]
    space = cut.rfind(" ", max_chars - 200)
    return (cut[:space] if space > 0 else cut).rstrip() + " …"
