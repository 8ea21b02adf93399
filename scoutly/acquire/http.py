"""Polite, bounded HTTP for acquisition (httpx, async).

- one request at a time per domain, with a delay between them (politeness);
- realistic user agent (settings.user_agent);
- the egress policy on every hop: redirects are followed here, one at a time, and each target is checked (scheme,
  literal address, local-network name) before it is requested; the client's `EgressTransport` checks what names
  resolve to and connects to the checked address (see `egress`, `egress_net`);
- bounded size (streamed; a body over the limit — counted decoded, inflated with a bound — is refused, never
  held whole) and bounded total time;
- content type checked (an HTML fetch refuses PDFs, images, …);
- tenacity retries on 429/5xx and connection errors, honouring `Retry-After`; never on other 4xx or timeouts.

Politeness and retry waits go through a `scoutly.clock.Clock` (its monotonic reading and its sleep), so tests can
see the waits asked for without spending them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import httpx
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt

from scoutly import jsonsafe
from scoutly.acquire import parsepool
from scoutly.acquire.decoding import BodyTooLarge, BoundedDecoder, DecodingFailed
from scoutly.acquire.egress import EgressPolicy, EgressRefused, parse_networks
from scoutly.acquire.urls import domain
from scoutly.clock import SYSTEM_CLOCK, Clock

HTML_TYPES = ("text/html", "application/xhtml+xml")
OFFLOAD_JSON_CHARS = 1_000_000  # larger JSON documents are parsed in a parse worker, off the event loop
JSON_TYPES = ("application/json", "text/json", "+json", "text/javascript", "text/plain")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


MAX_REDIRECTS = 10
T = TypeVar("T")


class FetchError(Exception):
    """A fetch that failed; `retryable` says whether trying again later may help."""

    def __init__(
        self,
        url: str,
        message: str,
        *,
        status: int | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{url}: {message}")
        self.url = url
        self.status = status
        self.retryable = retryable
        self.retry_after = retry_after


@dataclass
class Fetched:
    """A successful response: final URL after redirects, status, content type and decoded text."""

    url: str
    status: int
    content_type: str
    text: str

    def json(self) -> Any:
        try:
            return jsonsafe.loads(self.text)  # depth-limited: a hostile feed cannot raise RecursionError
        except ValueError as exc:
            raise FetchError(self.url, f"invalid JSON ({exc})") from None


@dataclass
class Answer:
    """A response as a browser would take it: final URL, status, headers and the (decoded) body."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes


@dataclass
class HttpLimits:
    """Politeness and resource bounds of one `Http`."""

    delay_s: float = 1.0  # between two requests to the same domain
    max_bytes: int = 5 * 1024 * 1024  # an HTML page
    max_json_bytes: int = 20 * 1024 * 1024  # an ATS feed (a big board's JSON is larger than any page)
    timeout_s: float = 20.0  # total time of one request, body included
    attempts: int = 3
    backoff_s: float = 1.0  # first retry wait without Retry-After; doubles each time
    max_retry_after_s: float = 60.0


def policy_from_environment() -> EgressPolicy:
    """The egress policy with the allow list of `SCOUTLY_ALLOW_NETWORKS` (for an `Http` made without settings)."""
    return EgressPolicy(parse_networks(os.environ.get("SCOUTLY_ALLOW_NETWORKS", "")))


class Http:
    """Acquisition's HTTP client: wraps one `httpx.AsyncClient` (owned by the caller; production clients use an
    `egress_net.EgressTransport`, so resolved addresses are checked at connect time too)."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        limits: HttpLimits | None = None,
        *,
        policy: EgressPolicy | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.client = client
        self.limits = limits or HttpLimits()
        self.policy = policy if policy is not None else policy_from_environment()
        self.clock = clock  # politeness and retry waits (the time limit of a request is the event loop's)
        self._locks: dict[str, asyncio.Lock] = {}
        self._last: dict[str, float] = {}

    async def get_html(self, url: str) -> Fetched:
        """GET an HTML page (non-HTML content is refused)."""
        return await self.request("GET", url, accept=HTML_TYPES)

    async def get_json(self, url: str, *, params: dict[str, Any] | None = None) -> Any:
        """GET and parse a JSON document."""
        return await _json_of(await self.request("GET", url, params=params, accept=JSON_TYPES))

    async def post_json(self, url: str, payload: Any) -> Any:
        """POST a JSON payload and parse the JSON answer."""
        return await _json_of(await self.request("POST", url, json_body=payload, accept=JSON_TYPES))

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        accept: tuple[str, ...] = HTML_TYPES,
    ) -> Fetched:
        """One request with retries (see module doc); raises `FetchError`."""
        limits = self.limits

        def _wait(state: Any) -> float:
            error = state.outcome.exception() if state.outcome else None
            if isinstance(error, FetchError) and error.retry_after is not None:
                return min(error.retry_after, limits.max_retry_after_s)
            return float(limits.backoff_s * 2 ** (state.attempt_number - 1))

        retrying = AsyncRetrying(
            stop=stop_after_attempt(max(1, limits.attempts)),
            wait=_wait,
            sleep=self.clock.sleep,
            retry=retry_if_exception(lambda exc: isinstance(exc, FetchError) and exc.retryable),
            reraise=True,
        )
        self._check(url)
        async for attempt in retrying:
            with attempt:
                return await self._once(method, url, params, json_body, accept)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _once(
        self, method: str, url: str, params: dict[str, Any] | None, json_body: Any, accept: tuple[str, ...]
    ) -> Fetched:
        async def read(response: httpx.Response) -> Fetched:
            return await self._read(response, accept)

        return await self._guarded(url, lambda: self._stream(method, url, read, params=params, json_body=json_body))

    async def answer(self, url: str, *, headers: dict[str, str] | None = None) -> Answer:
        """One GET answered as a browser sees it: redirects followed hop by hop (each checked), any status and
        content type, the body bounded by `max_bytes` (decoded); no retry, no politeness wait. For Chromium's loads."""

        async def read(response: httpx.Response) -> Answer:
            final = str(response.url)
            body = await _read_body(response, self.limits.max_bytes, final)
            return Answer(final, response.status_code, response.headers, body)

        return await self._guarded(url, lambda: self._stream("GET", url, read, headers=headers), polite=False)

    async def _guarded(self, url: str, work: Callable[[], Awaitable[T]], *, polite: bool = True) -> T:
        """Run one request's work within the time limit, politely spaced per host, errors as `FetchError`."""
        host = domain(url)
        lock = self._locks.setdefault(host, asyncio.Lock()) if polite else contextlib.nullcontext()
        async with lock:
            wait = self._last.get(host, 0.0) + self.limits.delay_s - self.clock.monotonic() if polite else 0
            if wait > 0:
                await self.clock.sleep(wait)
            try:
                async with asyncio.timeout(self.limits.timeout_s):
                    return await work()  # started here, after the wait: nothing left unawaited if cancelled
            except TimeoutError:
                raise FetchError(url, f"no complete answer within {self.limits.timeout_s:g}s") from None
            except httpx.TimeoutException:
                raise FetchError(url, "timed out") from None
            except EgressRefused as exc:  # found by the transport: a name resolving to a refused address
                raise FetchError(url, f"refused by the egress policy: {exc}") from None
            except httpx.TransportError as exc:
                raise FetchError(url, f"connection failed ({type(exc).__name__})", retryable=True) from None
            finally:
                if polite:
                    self._last[host] = self.clock.monotonic()

    def _check(self, url: str, *, redirected_from: str | None = None) -> None:
        try:
            self.policy.check_url(url)
        except EgressRefused as exc:
            via = f"redirected to {url}: " if redirected_from else ""
            raise FetchError(redirected_from or url, f"{via}refused by the egress policy: {exc}") from None

    async def _stream(
        self,
        method: str,
        url: str,
        read: Callable[[httpx.Response], Awaitable[T]],
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> T:
        """Send the request and follow redirects hop by hop, each hop checked before it is requested."""
        request = self.client.build_request(method, url, params=params, json=json_body, headers=headers)
        for hop in range(MAX_REDIRECTS + 1):
            self._check(str(request.url), redirected_from=url if hop else None)
            response = await self.client.send(request, stream=True, follow_redirects=False)
            try:
                if response.next_request is None:
                    return await read(response)
                request = response.next_request
            finally:
                await response.aclose()
        raise FetchError(url, f"more than {MAX_REDIRECTS} redirects")

    async def _read(self, response: httpx.Response, accept: tuple[str, ...]) -> Fetched:
        final = str(response.url)
        status = response.status_code
        if status >= 400:
            retryable = status == 429 or (status >= 500 and status != 501)
            raise FetchError(
                final,
                f"HTTP {status}",
                status=status,
                retryable=retryable,
                retry_after=_retry_after(response.headers.get("retry-after")),
            )
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type and not any(kind in content_type for kind in accept):
            raise FetchError(final, f"unexpected content type {content_type!r}", status=status)
        limit = self.limits.max_bytes if accept is HTML_TYPES else self.limits.max_json_bytes  # feeds: larger
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise FetchError(final, f"body of {int(declared)} bytes exceeds the {limit} limit", status=status)
        body = await _read_body(response, limit, final)
        if not content_type and b"\x00" in body[:1024]:  # no type declared and not text (a PDF, an image…)
            raise FetchError(final, "binary content without a content type", status=status)
        return Fetched(final, status, content_type, _decode(body, response.charset_encoding))


async def _json_of(fetched: Fetched) -> Any:
    """The document's JSON; a big feed is parsed in a parse worker (a 20 MB feed costs the event loop ~1 s)."""
    if len(fetched.text) < OFFLOAD_JSON_CHARS:
        return fetched.json()
    try:
        value, problem = await parsepool.run(jsonsafe.loads_or_reason, fetched.text)
    except (parsepool.ParseTimeout, parsepool.ParseCrashed) as exc:
        raise FetchError(fetched.url, f"JSON {exc}") from None
    if problem is not None:
        raise FetchError(fetched.url, f"invalid JSON ({problem})")
    return value


async def _read_body(response: httpx.Response, limit: int, url: str) -> bytes:
    """The response body, decoded per Content-Encoding, refused as soon as it passes `limit` bytes — decoded
    bytes count, and inflating is bounded too (`decoding`), so a gzip bomb is never held in memory."""
    chunks: list[bytes] = []
    try:
        decoder = BoundedDecoder(response.headers.get("content-encoding"), limit)
        async for raw in response.aiter_raw():
            chunks.append(decoder.feed(raw))
    except BodyTooLarge:
        raise FetchError(url, f"body exceeds the {limit} byte limit; refused", status=response.status_code) from None
    except DecodingFailed as exc:
        raise FetchError(url, str(exc), status=response.status_code) from None
    return b"".join(chunks)


def _decode(body: bytes, charset: str | None) -> str:
    if not charset:
        match = _META_CHARSET.search(body[:4096])
        charset = match.group(1).decode("ascii") if match else "utf-8"
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
