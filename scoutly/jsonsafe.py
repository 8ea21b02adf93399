"""JSON from untrusted sources (JSON-LD blocks, ATS feeds, seed files) with a nesting-depth limit.

`json.loads` recurses once per nesting level: 100k nested `[` raise `RecursionError` (not `ValueError`), which
escaped every `except ValueError` and failed whole scrapes; a document just under the interpreter's limit
then breaks any code that walks it recursively. `loads` measures the depth first, in one linear pass over the
text (strings skipped by a regex, then a running count of brackets), and refuses anything deeper than
`MAX_DEPTH` with a `JsonTooDeep` — a `ValueError`, so every existing "invalid JSON" handler covers it.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

MAX_DEPTH = 64  # real feeds and JSON-LD nest < 15 levels; 64 leaves room and keeps recursive walkers safe

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class JsonTooDeep(ValueError):
    """The document nests deeper than the limit; it is refused unparsed."""


def depth(text: str | bytes) -> int:
    """The deepest bracket nesting of a JSON text, brackets inside strings ignored (linear time)."""
    if isinstance(text, bytes | bytearray):
        text = text.decode("utf-8", errors="replace")
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if not brackets:
        return 0
    return max(0, max(accumulate(_STEP[char] for char in brackets)))


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH, strict: bool = True) -> Any:
    """`json.loads` that refuses documents nested deeper than `max_depth` (raises `JsonTooDeep`)."""
    found = depth(text)
    if found > max_depth:
        raise JsonTooDeep(f"JSON nested {found} levels deep (limit {max_depth}); refused")
    try:
        return json.loads(text, strict=strict)
    except RecursionError:  # not reachable under the limit above, kept so no caller ever sees one
        raise JsonTooDeep("JSON nested too deeply to parse") from None


def loads_or_reason(text: str | bytes, *, max_depth: int = MAX_DEPTH) -> tuple[Any, str | None]:
    """`(value, None)`, or `(None, why it is not valid JSON)`: for a worker process, whose exceptions would have
    to pickle (`JSONDecodeError` does not)."""
    try:
        return loads(text, max_depth=max_depth), None
    except ValueError as exc:
        return None, str(exc)


class Decoder(json.JSONDecoder):
    """A `json.JSONDecoder` for incremental reading (`raw_decode`) that reports runaway nesting as a decode error.

    Used where values are read one at a time from a larger text (seed files), so the whole-text depth check of
    `loads` does not apply; the interpreter's recursion guard then stops the parse and this turns it into the
    ordinary `JSONDecodeError` the caller already handles.
    """

    def raw_decode(self, s: str, idx: int = 0) -> tuple[Any, int]:
        try:
            return super().raw_decode(s, idx)
        except RecursionError:
            raise json.JSONDecodeError("nested too deeply", s, idx) from None
