"""Content-Encoding decoding with an output bound (pure): a gzip bomb is refused before it is inflated.

httpx inflates each received chunk whole, so a 64 KB chunk of a 1000:1 gzip stream becomes 64 MB in memory before
any size check sees it. `BoundedDecoder` inflates with zlib's `max_length`, never producing more than the bytes
still allowed (+1 to notice the excess), and raises `BodyTooLarge` as soon as the decoded body passes the limit.
Supports what our client offers (`gzip`, `deflate`, identity); any other encoding is refused.
"""

from __future__ import annotations

import zlib


class BodyTooLarge(Exception):
    """The decoded body passed the byte limit."""


class DecodingFailed(Exception):
    """The body is not valid for its Content-Encoding, or uses an encoding we did not offer."""


class _Inflate:
    """One zlib stream stage (gzip, or zlib/raw deflate), multi-member gzip included."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._new()

    def _new(self) -> None:
        bits = 16 + zlib.MAX_WBITS if self.encoding == "gzip" else zlib.MAX_WBITS
        self.stream = zlib.decompressobj(bits)
        self.raw_deflate_checked = self.encoding == "gzip"

    def feed(self, data: bytes, room: int) -> bytes:
        """Inflate `data`, producing at most `room + 1` bytes (more than `room` means over the limit)."""
        out = bytearray()
        while data:
            try:
                piece = self.stream.decompress(data, room + 1 - len(out))
            except zlib.error as exc:
                if not self.raw_deflate_checked:  # "deflate" is often sent without the zlib header
                    self.stream, self.raw_deflate_checked = zlib.decompressobj(-zlib.MAX_WBITS), True
                    continue
                raise DecodingFailed(f"invalid {self.encoding} data ({exc})") from None
            self.raw_deflate_checked = True
            out += piece
            if len(out) > room:
                return bytes(out)
            if self.stream.unconsumed_tail:
                data = self.stream.unconsumed_tail
            elif self.stream.eof and self.stream.unused_data and self.encoding == "gzip":
                data = self.stream.unused_data  # the next gzip member
                self._new()
            else:
                data = b""
        return bytes(out)


class BoundedDecoder:
    """Decodes a body chunk by chunk per its Content-Encoding header, at most `limit` bytes in all."""

    def __init__(self, content_encoding: str | None, limit: int) -> None:
        names = [part.strip().lower() for part in (content_encoding or "").split(",") if part.strip()]
        names = [name for name in names if name != "identity"]
        unknown = [name for name in names if name not in ("gzip", "x-gzip", "deflate")]
        if unknown:
            raise DecodingFailed(f"unsupported content encoding {unknown[0]!r}")
        # Encodings are listed in the order they were applied: undo them last first.
        self.stages = [_Inflate("gzip" if name == "x-gzip" else name) for name in reversed(names)]
        self.limit = limit
        self.size = 0

    def feed(self, data: bytes) -> bytes:
        """The decoded bytes of the next received chunk; raises BodyTooLarge past the limit."""
        room = self.limit - self.size
        for stage in self.stages:
            data = stage.feed(data, room)
        self.size += len(data)
        if self.size > self.limit:
            raise BodyTooLarge(f"body exceeds the {self.limit} byte limit once decoded")
        return data
