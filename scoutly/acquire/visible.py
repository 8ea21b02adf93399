"""The text a reader sees in a parsed page: helpers removed, blocks kept apart (pure, selectolax).

`strip_invisible` removes what never shows as text on a careers page — inline SVG (and its `<title>`), styles,
templates, `aria-hidden` decorations and visually hidden screen-reader helpers — before records are read.
Collapsed content (`<details>`, `hidden` classes) stays: it is listed, only folded. HTML comments are never text.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

# Generic accessibility helper classes (CSS frameworks' and CMSs' names for "screen readers only").
_SR_ONLY = re.compile(
    r"^(sr-only|sr-only-focusable|screen-reader-text|screen-reader-only|visually-?hidden|show-for-sr|"
    r"a11y-hidden|hidden-visually|u-hidden-visually|assistive-text|element-invisible|offscreen)$",
    re.IGNORECASE,
)
_NOT_TEXT = frozenset({"script", "style", "noscript", "template"})
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
INLINE_TAGS = frozenset(
    {"a", "b", "strong", "em", "i", "u", "sup", "sub", "mark", "abbr", "code", "font", "bdi", "bdo", "q",
     "s", "cite", "time", "wbr", "-text", "big", "tt", "ins", "del"}
)  # fmt: skip


def strip_invisible(tree: LexborHTMLParser) -> None:
    """Remove invisible helpers from `tree` in place (see module doc)."""
    for node in tree.css("svg, style, template, [aria-hidden=true]"):
        node.decompose()
    for node in tree.css("[class]"):
        classes = (node.attributes.get("class") or "").split()
        if any(_SR_ONLY.match(name) for name in classes):
            node.decompose()


def clean_text(text: str | None) -> str:
    """Whitespace collapsed, zero-width characters and soft hyphens removed."""
    if not text:
        return ""
    return " ".join(_ZERO_WIDTH.sub("", text).split())


def text_of(node: LexborNode) -> str:
    return clean_text(node.text(deep=True, separator=" "))


def blocks(node: LexborNode, limit: int = 40) -> list[str]:
    """The node's text split into visual blocks (a paragraph, a heading, a span): inline markup stays joined."""
    found: list[str] = []
    current: list[str] = []
    current_block: int | None = None
    for child in node.traverse(include_text=True):
        if child.tag == "br":
            current_block = None  # a line break ends a block ("Backend Engineer<br>Berlin")
            continue
        if child.tag != "-text" or (child.parent is not None and child.parent.tag in _NOT_TEXT):
            continue
        text = child.text_content or ""
        if not text.strip():
            continue
        block = _block_of(child, node)
        if (block != current_block or current_block is None) and current:
            joined = clean_text(" ".join(current))
            if joined:
                found.append(joined)
                if len(found) >= limit:
                    return found
            current = []
        current_block = block
        current.append(text)
    if current:
        joined = clean_text(" ".join(current))
        if joined:
            found.append(joined)
    return found


def _block_of(text_node: LexborNode, root: LexborNode) -> int:
    node = text_node.parent
    while node is not None and node.tag in INLINE_TAGS and node.mem_id != root.mem_id:
        node = node.parent
    return node.mem_id if node is not None else 0
