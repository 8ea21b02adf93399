"""Hostile pages the project writes itself (issue 11): each stresses one bound of acquisition.

Used by `tests/hostile/` and `bench/hostile.py`. Every generator returns the page as text (or bytes), built in
memory; none is stored in the repository.
"""

from __future__ import annotations

import gzip
import io

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
    """A gzip stream of `expanded_bytes` of HTML-ish filler that compresses ~1000:1."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as stream:
        stream.write(page("").encode()[:-14])
        chunk = b" " * (1024 * 1024)
        for _ in range(expanded_bytes // len(chunk)):
            stream.write(chunk)
        stream.write(b"</body></html>")
    return buffer.getvalue()
