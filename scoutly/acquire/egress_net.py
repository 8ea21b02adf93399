"""The egress policy on the wire: resolve a host, check every address, connect to a checked address.

Checking a name and then letting the HTTP library resolve it again would leave a window for DNS rebinding (a name
that answers with a public address to the check and with 127.0.0.1 to the connect). So `EgressBackend`, an httpcore
network backend, does both in one place: it resolves, checks, and opens the TCP connection to the checked address;
TLS still uses the name (SNI and certificate check) and the Host header is unchanged. `egress_transport()` puts it
under an httpx client.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Awaitable, Callable, Iterable
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import TYPE_CHECKING, Any

import httpcore
import httpx

from scoutly.acquire.egress import EgressPolicy, EgressRefused, IPAddress, Target, parse_ip

if TYPE_CHECKING:
    from scoutly.config import Settings

Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]
CACHE_SECONDS = 30.0  # a checked answer is reused this long (we connect to it, so reuse opens no rebinding window)
CACHE_SIZE = 256


async def system_resolve(host: str, port: int) -> list[IPAddress]:
    """The addresses of `host` from the system resolver (getaddrinfo), in its preferred order, without repeats."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = parse_ip(str(sockaddr[0]))
        if address is not None and address not in found:
            found.append(address)
    return found


class Egress:
    """The policy plus a resolver: the one check every fetch goes through (HTTP hops, Chromium requests, seeds)."""

    def __init__(self, policy: EgressPolicy, resolver: Resolver = system_resolve) -> None:
        self.policy = policy
        self.resolver = resolver
        self.lookups = 0  # resolver calls (bench/egress.py)
        self.lookup_seconds = 0.0
        self._cache: dict[tuple[str, int], tuple[float, list[IPAddress]]] = {}

    async def addresses(self, host: str, port: int) -> list[IPAddress]:
        """Checked addresses to connect to for host:port; raises EgressRefused (or OSError when DNS fails)."""
        literal = parse_ip(host)
        if literal is not None:
            reason = self.policy.refusal_for_address(literal)
            if reason is not None:
                raise EgressRefused(reason)
            return [literal]
        key = (host.lower(), port)
        cached = self._cache.get(key)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        started = time.perf_counter()
        try:
            found = await self.resolver(host, port)
        finally:
            self.lookups += 1
            self.lookup_seconds += time.perf_counter() - started
        reason = self.policy.refusal_for_addresses(host, found)
        if reason is not None:
            raise EgressRefused(reason)
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        self._cache[key] = (time.monotonic() + CACHE_SECONDS, found)
        return found

    async def check_url(self, url: str) -> Target:
        """Refuse `url` (EgressRefused) unless its scheme is http(s) and every address its host resolves to is
        allowed. A host that does not resolve raises OSError (a network problem, not a policy decision)."""
        target = self.policy.target(url)
        try:
            await self.addresses(target.host, target.port)
        except EgressRefused as exc:
            raise EgressRefused(f"{url}: {exc}") from None
        return target


class EgressBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend that connects only to addresses the egress policy allows (see module doc)."""

    def __init__(self, egress: Egress, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self.egress = egress
        self.inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's backend interface)
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                addresses = await self.egress.addresses(host, port)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from None
        except OSError as exc:
            raise httpcore.ConnectError(f"resolving {host} failed ({exc})") from None
        failure: Exception | None = None
        for address in addresses:  # the checked addresses, in the resolver's order
            try:
                return await self.inner.connect_tcp(
                    str(address), port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None  # addresses() never returns an empty list
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's backend interface)
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise EgressRefused(f"unix socket {path}: not an internet address")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class EgressTransport(httpx.AsyncHTTPTransport):
    """httpx's default transport with its connection pool on an `EgressBackend`.

    httpx 0.28 has no public option for the network backend (encode/httpx#3749 adds one), so the pool the
    constructor built is replaced by an equal one on our backend; `tests/test_egress_policy.py` proves every
    connection goes through it."""

    def __init__(self, egress: Egress, *, limits: httpx.Limits | None = None, verify: bool = True) -> None:
        limits = limits or httpx.Limits()
        super().__init__(limits=limits, verify=verify, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=EgressBackend(egress),
        )


def checked_client(settings: Settings, egress: Egress, *, keep_cookies: bool = True) -> httpx.AsyncClient:
    """Acquisition's httpx client: connects only to addresses `egress` allows, uses no environment proxy (it would
    resolve names itself, unchecked) and follows no redirect (`Http` follows them hop by hop, checking each).
    Without `keep_cookies` it stores none (the browser's documents carry the browser context's own)."""
    limits = httpx.Limits(max_connections=20, max_keepalive_connections=10)
    jar = None if keep_cookies else CookieJar(DefaultCookiePolicy(allowed_domains=[]))
    return httpx.AsyncClient(
        cookies=jar,
        transport=EgressTransport(egress, limits=limits),
        trust_env=False,
        follow_redirects=False,
        timeout=httpx.Timeout(settings.fetch_timeout_s, connect=min(10.0, settings.fetch_timeout_s)),
        headers={
            "User-Agent": settings.user_agent,
            "Accept": "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8",
            "Accept-Language": "en-US,en;q=0.8",
        },
    )
