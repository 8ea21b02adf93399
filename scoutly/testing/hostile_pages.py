"""Hostile pages the project writes itself (issue 11): each stresses one bound of acquisition.

Used by `tests/hostile/` and `bench/hostile.py`. Every generator returns the page as text (or bytes), built in
memory; none is stored in the repository.
"""

from __future__ import annotations

import struct
import zlib

POSTINGS = """
<h2>Open positions</h2>
<ul class="jobs">
  <li><a href="/jobs/backend-engineer">Backend Engineer</a> <span>Berlin</span></li>
  <li><a href="/jobs/data-analyst">Data Analyst</a> <span>Remote</span></li>
  <li><a href="/jobs/product-designer">Product Designer</a> <span>Lisbon</span></li>
</ul>
"""


def page(body: str, *, head: str = "") -> str:
    return f"<!doctype html><html><head><title>Careers</title>{head}</head><body>{body}</body></html>"


def harmless() -> str:
    """An ordinary careers page with three postings."""
    return page(POSTINGS)


def nested_divs(depth: int) -> str:
    """`depth` nested `<div>`s (parsing cost grows with nesting) around an ordinary list of postings."""
    return page("<div>" * depth + POSTINGS + "</div>" * depth)


def deep_json_ld(depth: int = 100_000) -> str:
    """An ordinary page whose JSON-LD block nests `depth` arrays."""
    script = '<script type="application/ld+json">' + "[" * depth + "]" * depth + "</script>"
    return page(POSTINGS, head=script)


def many_links(count: int = 100_000) -> str:
    """A page listing `count` job links (a listing nobody can have)."""
    items = "".join(f'<li><a href="/jobs/opening-{n}">Software Engineer {n}</a></li>' for n in range(count))
    return page(f"<h2>Open positions</h2><ul>{items}</ul>")


def gzip_bomb(expanded_bytes: int) -> bytes:
    """A gzip stream of `expanded_bytes` of HTML-ish filler that compresses ~1000:1.

    Built without compressing the filler over and over: after a full flush the compressor starts afresh, so every
    megabyte of spaces compresses to the same bytes, which are repeated (a tenth of a second instead of two for a
    gigabyte); the trailer's CRC-32 and length are those of the whole expanded page."""
    head, tail = page("").encode()[:-14], b"</body></html>"
    chunk = b" " * (1024 * 1024)
    count = expanded_bytes // len(chunk)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate; the gzip wrapper is written below
    parts = [deflate.compress(head), deflate.flush(zlib.Z_FULL_FLUSH)]
    block = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH) if count else b""
    parts.append(block * count)
    parts += [deflate.compress(tail), deflate.flush(zlib.Z_FINISH)]
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + count * len(chunk) + len(tail)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # gzip, deflate, no name, no time, best compression
    return header + b"".join(parts) + struct.pack("<II", crc, size & 0xFFFFFFFF)
