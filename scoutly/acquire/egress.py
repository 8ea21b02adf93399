"""The egress policy: which URLs and addresses acquisition may reach (pure logic, no I/O).

Scoutly runs inside someone's home network and fetches URLs that web pages give it, so every target is checked:
only http(s), and only public addresses — loopback, private, link-local (cloud metadata), CGNAT, multicast,
reserved and unspecified addresses are refused, however the address is spelled (`0x7f000001`, `2130706433`,
`0177.1`, `[::ffff:127.0.0.1]`, …) and whatever a host name resolves to. Names that only exist inside a home
network (`localhost`, `*.local`, `*.lan`, `*.internal`, `*.home.arpa`) are refused unless every address they resolve
to is in the allow list. The allow list (`SCOUTLY_ALLOW_NETWORKS`, CIDRs) lets users scrape an intranet, and the
trial and the tests reach their own 127.0.0.1 servers.

`EgressPolicy.refusal_for_url` checks what can be checked without DNS (scheme, literal addresses, internal names);
`EgressPolicy.refusal_for_addresses` checks what a name resolved to. `scoutly.acquire.egress_net` does the resolving
and connects to the checked address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from scoutly.config import Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

ALLOWED_SCHEMES = frozenset({"http", "https"})
INTERNAL_NAME_SUFFIXES = (".localhost", ".local", ".lan", ".internal", ".intranet", ".home.arpa", ".localdomain")
INTERNAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})

_CGNAT = ipaddress.IPv4Network("100.64.0.0/10")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")


class EgressRefused(Exception):
    """A target the egress policy refuses; the message says which and why (never retried)."""


def parse_ip(host: str) -> IPAddress | None:
    """The address a URL host denotes when it is an address literal, in any spelling a browser accepts (WHATWG
    IPv4: 1–4 dot-separated parts, each decimal, 0x-hex or 0-octal, the last one filling the remaining bytes);
    None for a host name."""
    host = host.strip().rstrip(".").lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            return None
    return _parse_ipv4(host)


def _parse_ipv4(host: str) -> ipaddress.IPv4Address | None:
    parts = host.split(".")
    if not host or len(parts) > 4:
        return None
    numbers: list[int] = []
    for part in parts:
        number = _ipv4_number(part)
        if number is None:
            return None
        numbers.append(number)
    *leading, last = numbers
    if any(number > 255 for number in leading) or last >= 256 ** (5 - len(numbers)):
        return None
    value = last
    for index, number in enumerate(leading):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def _ipv4_number(part: str) -> int | None:
    try:
        if part.startswith(("0x", "0X")):
            return int(part[2:] or "0", 16)
        if len(part) > 1 and part.startswith("0"):
            return int(part[1:], 8)
        return int(part, 10) if part.isdigit() else None
    except ValueError:
        return None


def address_class(address: IPAddress) -> str | None:
    """Why an address is not a public internet address ("loopback", "private", …), or None when it is one.
    IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4, Teredo) are judged by the embedded address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return address_class(embedded)
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if isinstance(address, ipaddress.IPv4Address) and address in _CGNAT:
        return "carrier-grade NAT (shared)"
    if isinstance(address, ipaddress.IPv6Address) and address in _NAT64_LOCAL:
        return "local-use NAT64"
    if address.is_reserved:
        return "reserved"
    if address.is_private:
        return "private"
    if not address.is_global:
        return "reserved"
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    return None


def is_internal_name(host: str) -> bool:
    """A name that only means something inside a local network (`localhost`, `printer.local`, `router.lan`)."""
    name = host.strip().rstrip(".").lower()
    return name in INTERNAL_NAMES or name.endswith(INTERNAL_NAME_SUFFIXES)


def parse_networks(value: str | Iterable[str]) -> tuple[IPNetwork, ...]:
    """CIDRs from "10.0.0.0/8, ::1/128" (or a list of such strings); raises ValueError naming a bad one."""
    items = value.split(",") if isinstance(value, str) else list(value)
    networks: list[IPNetwork] = []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise ValueError(f"{text!r} is not an address or network (CIDR such as 192.168.1.0/24)") from None
    return tuple(networks)


@dataclass(frozen=True)
class Target:
    """A URL split for connecting: scheme, host as written, port, and the address when the host is a literal."""

    scheme: str
    host: str
    port: int
    address: IPAddress | None


@dataclass(frozen=True)
class EgressPolicy:
    """Public internet addresses only, plus the `allowed` networks."""

    allowed: tuple[IPNetwork, ...] = ()

    def allows(self, address: IPAddress) -> bool:
        return any(address.version == network.version and address in network for network in self.allowed)

    def refusal_for_address(self, address: IPAddress) -> str | None:
        """Why connecting to `address` is refused, or None when it is allowed."""
        if self.allows(address):
            return None
        kind = address_class(address)
        if kind is None:
            return None
        return f"{address} is a {kind} address (allow it with SCOUTLY_ALLOW_NETWORKS)"

    def refusal_for_addresses(self, host: str, addresses: Iterable[IPAddress]) -> str | None:
        """Why `host`, resolved to `addresses`, is refused (every address must pass), or None."""
        found = list(addresses)
        if not found:
            return f"{host} resolves to no address"
        for address in found:
            reason = self.refusal_for_address(address)
            if reason is not None:
                return f"{host} resolves to {reason}"
        if is_internal_name(host) and not all(self.allows(address) for address in found):
            return f"{host} is a local-network name (allowed only via SCOUTLY_ALLOW_NETWORKS)"
        return None

    def target(self, url: str) -> Target:
        """The URL's connect target after the checks that need no DNS (scheme, literal address, internal name
        with nothing allowed); raises EgressRefused."""
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError as exc:
            raise EgressRefused(f"{url}: not a valid URL ({exc})") from None
        scheme = parts.scheme.lower()
        if scheme not in ALLOWED_SCHEMES:
            raise EgressRefused(f"{url}: only http and https are fetched, not {scheme or 'a relative URL'}")
        host = (parts.hostname or "").rstrip(".")
        if not host:
            raise EgressRefused(f"{url}: no host")
        address = parse_ip(host)
        if address is not None:
            reason = self.refusal_for_address(address)
            if reason is not None:
                raise EgressRefused(f"{url}: {reason}")
        elif is_internal_name(host) and not self.allowed:
            raise EgressRefused(f"{url}: {host} is a local-network name (allowed only via SCOUTLY_ALLOW_NETWORKS)")
        return Target(scheme, host, port or (443 if scheme == "https" else 80), address)

    def check_url(self, url: str) -> None:
        """Raise EgressRefused when `url` is refused before any DNS lookup (see `target`)."""
        self.target(url)

    @classmethod
    def from_settings(cls, settings: Settings) -> EgressPolicy:
        """The policy with the settings' allow list (`SCOUTLY_ALLOW_NETWORKS`); none when they give none."""
        return cls(settings.allow_networks)
