"""Bounds on a page's markup, applied BEFORE any HTML parser sees it (pure, linear time).

Tree building is quadratic in nesting depth: every start tag checks the stack of open elements, so 50k nested
`<div>`s cost Lexbor 17 s and 200k cost minutes. Browsers cap the depth themselves (Chromium nests at most 512
levels and makes deeper elements siblings); `cap_markup` does the same on the text with one tokenising pass —
a start tag at `MAX_DEPTH` first closes the deepest open element (its own end tag is then dropped), so elements,
text and links all survive and only the excess nesting is flattened. Past
`MAX_ELEMENTS` start tags the rest of the document is cut off, because no careers page has that many elements
and extraction time grows with them. Either way `MarkupBounds.notes` says what was done and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

MAX_DEPTH = 512  # Chromium's own limit on nesting (HTMLParser's kMaxElementDepth)
MAX_ELEMENTS = 300_000  # a long real careers page has < 20k; 300k bounds extraction to seconds on a Pi

# Tokens that can open or close elements. Comments, doctype/CDATA and raw-text elements (script, style,
# textarea, title, xmp, iframe, noembed, noframes, noscript-as-text) are single tokens: tags inside them do not count.
_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<![^>]*>?"
    r"|<(script|style|textarea|title|xmp|iframe|noembed|noframes|plaintext)\b[^>]*>.*?(?:</\1\s*>|\Z)"
    r"|</([a-zA-Z][^\s/>]*)[^>]*>"
    r"|<([a-zA-Z][^\s/>]*)(?:[^>\"']|\"[^\"]*\"|'[^']*')*>",
    re.DOTALL | re.IGNORECASE,
)
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "basefont",
        "bgsound",
        "frame",
        "keygen",
    ]
)
_CLOSE_SEARCH = 32  # an end tag closes one of the innermost open elements; searching deeper is a lost cause


@dataclass
class MarkupBounds:
    """The (possibly changed) markup and what was changed."""

    html: str
    elements: int = 0
    max_depth: int = 0
    flattened: int = 0  # start tags dropped for being nested too deep
    truncated: bool = False
    notes: list[str] = field(default_factory=list)


def cap_markup(html: str, *, max_depth: int = MAX_DEPTH, max_elements: int = MAX_ELEMENTS) -> MarkupBounds:
    """`html` with nesting capped at `max_depth` and at most `max_elements` elements (see module doc)."""
    if html.count("<") <= max_depth:  # too few tags to break either bound: nothing to do
        return MarkupBounds(html)
    out: list[str] = []
    stack: list[list[Any]] = []  # [tag name, still open in the output?]; closed-early entries wait for their end tag
    depth = position = elements = deepest = flattened = 0
    truncated = False
    for match in _TOKEN.finditer(html):
        opened, closed = match.group(3), match.group(2)
        if opened is not None:
            elements += 1
            if elements > max_elements:
                out.append(html[position : match.start()])
                position, truncated = len(html), True
                break
            name = opened.lower()
            if name in _VOID or match.group(0).endswith("/>"):
                continue
            if depth >= max_depth:  # close the deepest open element first: the new one becomes its sibling
                deepest_open = next(entry for entry in reversed(stack) if entry[1])
                deepest_open[1] = False
                out.append(html[position : match.start()] + f"</{deepest_open[0]}>")
                position = match.start()
                flattened += 1
                depth -= 1
            stack.append([name, True])
            depth += 1
            deepest = max(deepest, depth)
        elif closed is not None:
            name = closed.lower()
            for index in range(len(stack) - 1, max(-1, len(stack) - 1 - _CLOSE_SEARCH), -1):
                if stack[index][0] != name:
                    continue
                if stack[index][1]:  # the parser closes it and everything opened inside it
                    depth -= sum(1 for entry in stack[index:] if entry[1])
                    del stack[index:]
                else:  # already closed when it was flattened: drop this end tag
                    del stack[index]
                    out.append(html[position : match.start()])
                    position = match.end()
                break
    out.append(html[position:])
    result = MarkupBounds("".join(out), elements=min(elements, max_elements), max_depth=deepest)
    result.flattened, result.truncated = flattened, truncated
    if flattened:
        result.notes.append(
            f"page nests elements deeper than {max_depth} levels: {flattened} deeper elements flattened into "
            "siblings (as a browser does) before reading it"
        )
    if truncated:
        result.notes.append(f"page has more than {max_elements} elements: read only the first {max_elements}")
    return result
