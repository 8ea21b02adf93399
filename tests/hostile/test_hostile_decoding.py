"""A gzip bomb (issue 11): 1 MB on the wire, 1 GB inflated — refused at the byte budget, never inflated whole."""

from __future__ import annotations

import contextlib
import gzip
import zlib
from collections.abc import AsyncIterator

import httpx
import psutil
import pytest

from scoutly.acquire.decoding import BodyTooLarge, BoundedDecoder, DecodingFailed
from scoutly.acquire.http import FetchError, Http, HttpLimits
from scoutly.testing.hostile_pages import gzip_bomb, harmless
from scoutly.testing.http_server import HTML, LocalServer

PAGE = harmless().encode()


@contextlib.asynccontextmanager
async def http_client() -> AsyncIterator[Http]:
    """An `Http` over a fresh httpx client, as the Acquirer builds it."""
    async with httpx.AsyncClient() as client:
        yield Http(client, HttpLimits(delay_s=0, max_bytes=5 * 1024 * 1024, attempts=1))


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return gzip_bomb(1024 * 1024 * 1024)


def decode(encoding: str, data: bytes, limit: int = 1_000_000, chunk: int = 7) -> bytes:
    decoder = BoundedDecoder(encoding, limit)
    return b"".join(decoder.feed(data[i : i + chunk]) for i in range(0, len(data), chunk))


@pytest.mark.parametrize(
    ("encoding", "data"),
    [
        ("gzip", gzip.compress(PAGE)),
        ("x-gzip", gzip.compress(PAGE)),
        ("deflate", zlib.compress(PAGE)),
        ("deflate", zlib.compress(PAGE)[2:-4]),  # raw deflate, as some servers send it
        ("gzip", gzip.compress(PAGE[:100]) + gzip.compress(PAGE[100:])),  # two gzip members
        ("", PAGE),
        ("identity", PAGE),
        ("gzip, deflate", zlib.compress(gzip.compress(PAGE))),
    ],
)
def test_ordinary_encodings_decode_whole(encoding, data):
    assert decode(encoding, data) == PAGE


def test_bomb_stops_at_the_limit_holding_no_more_than_it(bomb):
    decoder = BoundedDecoder("gzip", 5 * 1024 * 1024)
    with pytest.raises(BodyTooLarge):
        for start in range(0, len(bomb), 64 * 1024):
            assert len(decoder.feed(bomb[start : start + 64 * 1024])) <= 5 * 1024 * 1024 + 1
    assert decoder.size <= 5 * 1024 * 1024 + 1


def test_unoffered_or_broken_encodings_are_refused():
    with pytest.raises(DecodingFailed, match="unsupported content encoding 'br'"):
        BoundedDecoder("br", 100)
    with pytest.raises(DecodingFailed, match="invalid gzip"):
        decode("gzip", b"not gzip at all")


async def test_a_served_gzip_bomb_is_refused_at_the_byte_budget(server: LocalServer, bomb):
    server.route("/careers", bomb, content_type=HTML, headers={"Content-Encoding": "gzip"})
    before = psutil.Process().memory_info().rss
    async with http_client() as http:
        with pytest.raises(FetchError, match="exceeds the 5242880 byte limit"):
            await http.get_html(server.url("/careers"))
    assert psutil.Process().memory_info().rss - before < 200 * 1024 * 1024  # the gigabyte was never inflated


async def test_a_served_gzip_page_is_read(server: LocalServer):
    server.route("/careers", gzip.compress(PAGE), content_type=HTML, headers={"Content-Encoding": "gzip"})
    async with http_client() as http:
        page = await http.get_html(server.url("/careers"))
    assert page.text == PAGE.decode()
