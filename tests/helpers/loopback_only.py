"""Tests talk only to loopback. pytest-socket refuses every connect to another address (`--allow-hosts`); it does
not look at name lookups, so a test whose code reaches for a real host name (a vendor's posting page, say) would
still ask the system's DNS on a connected machine and depend on what it answers. `refuse_other_names` makes such
a lookup fail the way it fails offline — at once, on every machine — and never leave the box."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

LOOPBACK_NETWORKS = ("127.0.0.0/8", "::1")
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


def mongodb_hosts(uri: str) -> list[str]:
    """The host names of a MongoDB URI (`mongodb://u:p@a:27017,b/db`), so a real test server stays reachable."""
    if not uri:
        return []
    netloc = urlsplit(uri).netloc.rpartition("@")[2]
    hosts = []
    for member in netloc.split(","):
        host = member[1:].partition("]")[0] if member.startswith("[") else member.partition(":")[0]
        if host:
            hosts.append(host.lower())
    return hosts


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def refuse_other_names(allowed: Iterable[str]) -> Callable[..., Any]:
    """A `socket.getaddrinfo` that answers for IP literals, loopback names and `allowed`, and refuses any other name
    with the `gaierror` an offline machine gives (pytest-socket still checks the addresses connected to)."""
    true_getaddrinfo = socket.getaddrinfo
    names = LOOPBACK_NAMES | {name.lower() for name in allowed}

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name is None or _is_address(str(name)) or str(name).lower().rstrip(".") in names:
            return true_getaddrinfo(host, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, f"tests talk only to loopback: {name} is not looked up")

    return getaddrinfo
