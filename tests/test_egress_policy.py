"""The egress policy (scoutly/acquire/egress.py) and its enforcement on the wire (egress_net.py, http.py).

Addresses other than loopback are only ever given to a stub resolver: these tests send no traffic anywhere but
127.0.0.1 (a refused target never reaches a connect; `RecordingBackend` proves it)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import AsyncIterator

import httpcore
import httpx
import pytest

from scoutly.acquire.egress import EgressPolicy, EgressRefused, IPAddress, address_class, parse_ip, parse_networks
from scoutly.acquire.egress_net import Egress, EgressBackend, EgressTransport
from scoutly.acquire.http import FetchError, Http, HttpLimits
from scoutly.config import load_settings
from scoutly.testing.http_server import LocalServer

LOOPBACK = EgressPolicy(parse_networks("127.0.0.0/8"))

# one host name per address class, as a stub resolver answers them
ZONE: dict[str, list[str]] = {
    "public.example": ["93.184.216.34"],
    "public6.example": ["2606:2800:220:1:248:1893:25c8:1946"],
    "loopback.example": ["127.0.0.1"],
    "loopback6.example": ["::1"],
    "private10.example": ["10.0.0.1"],
    "private172.example": ["172.16.5.4"],
    "private192.example": ["192.168.1.1"],
    "metadata.example": ["169.254.169.254"],
    "cgnat.example": ["100.64.0.1"],
    "multicast.example": ["224.0.0.1"],
    "reserved.example": ["240.0.0.1"],
    "broadcast.example": ["255.255.255.255"],
    "unspecified.example": ["0.0.0.0"],
    "ula.example": ["fd00::1"],
    "linklocal6.example": ["fe80::1"],
    "mapped.example": ["::ffff:127.0.0.1"],
    "nat64.example": ["64:ff9b::a00:1"],
    "mixed.example": ["93.184.216.34", "10.0.0.1"],  # one bad address spoils the name
    "router.lan": ["192.168.1.1"],
    "printer.local": ["93.184.216.35"],  # a local name is refused whatever it resolves to
    "nothing.example": [],
}


class StubResolver:
    """Answers from ZONE and counts the questions."""

    def __init__(self, zone: dict[str, list[str]] | None = None) -> None:
        self.zone = zone if zone is not None else ZONE
        self.asked: list[str] = []

    async def __call__(self, host: str, port: int) -> list[IPAddress]:
        self.asked.append(host)
        if host not in self.zone:
            raise OSError(f"{host}: name not known")
        return [ipaddress.ip_address(text) for text in self.zone[host]]


class RecordingBackend(httpcore.AsyncNetworkBackend):
    """Inner backend that records connects and connects to nothing (a refused target must never get here)."""

    def __init__(self) -> None:
        self.connects: list[tuple[str, int]] = []

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        self.connects.append((host, port))
        raise httpcore.ConnectError("recording backend: no traffic")

    async def sleep(self, seconds: float) -> None:
        return None


# --- addresses, however they are spelled ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("0x7f000001", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("[::1]", "::1"),
        ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1"),
        ("[::ffff:7f00:1]", "::ffff:127.0.0.1"),
        ("169.254.169.254", "169.254.169.254"),
        ("8.8.8.8.", "8.8.8.8"),
    ],
)
def test_odd_address_spellings_are_parsed(host: str, address: str) -> None:
    assert parse_ip(host) == ipaddress.ip_address(address)


@pytest.mark.parametrize("host", ["example.com", "1e100.net", "0x7f.example", "256.256.256.256", "1.2.3.4.5", ""])
def test_names_are_not_addresses(host: str) -> None:
    assert parse_ip(host) is None


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.31.255.255", "private"),
        ("192.168.0.1", "private"),
        ("fd12:3456::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("100.64.0.1", "carrier-grade NAT (shared)"),
        ("224.0.0.251", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("192.0.2.1", "private"),  # documentation range: Python counts it as private
        ("64:ff9b::7f00:1", "loopback"),  # NAT64 of 127.0.0.1
        ("2002:a00:1::1", "private"),  # 6to4 of 10.0.0.1
        ("93.184.216.34", None),
        ("2606:2800:220:1:248:1893:25c8:1946", None),
    ],
)
def test_address_classes(address: str, kind: str | None) -> None:
    assert address_class(ipaddress.ip_address(address)) == kind


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://0x7f000001/",
        "http://2130706433/admin",
        "http://0177.0.0.1/",
        "http://127.1:8080/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "https://192.168.1.1/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://localhost/",
        "http://LOCALHOST./",
        "http://router.lan/",
        "http://nas.local/",
        "http://metadata.google.internal/",
        "file:///etc/passwd",
        "ftp://example.com/",
        "gopher://example.com/",
        "javascript:alert(1)",
        "//example.com/relative",
        "http:///no-host",
    ],
)
def test_refused_without_dns(url: str) -> None:
    with pytest.raises(EgressRefused):
        EgressPolicy().check_url(url)


def test_public_url_passes_the_dns_free_check() -> None:
    target = EgressPolicy().target("https://careers.example.com/jobs?page=2")
    assert (target.scheme, target.host, target.port, target.address) == ("https", "careers.example.com", 443, None)


def test_allow_list_admits_its_networks_only() -> None:
    policy = EgressPolicy(parse_networks("192.168.1.0/24, ::1/128"))
    policy.check_url("http://192.168.1.20/jobs")
    policy.check_url("http://[::1]:8080/")
    for url in ("http://192.168.2.1/", "http://127.0.0.1/", "http://169.254.169.254/"):
        with pytest.raises(EgressRefused):
            policy.check_url(url)


def test_allow_networks_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCOUTLY_ALLOW_NETWORKS", " 10.1.0.0/16 , 192.168.1.7,fd00::/8")
    assert [str(net) for net in load_settings().allow_networks] == ["10.1.0.0/16", "192.168.1.7/32", "fd00::/8"]
    monkeypatch.setenv("SCOUTLY_ALLOW_NETWORKS", "10.0.0.0/8,intranet")
    with pytest.raises(Exception, match="SCOUTLY_ALLOW_NETWORKS"):
        load_settings()


@pytest.mark.egress_strict
def test_strict_marker_removes_the_test_allowance() -> None:
    assert load_settings().allow_networks == ()


def test_suite_allows_loopback_by_default() -> None:
    assert [str(net) for net in load_settings().allow_networks] == ["127.0.0.0/8", "::1/128"]


# --- after DNS: one resolver stub answer per address class ------------------------------------------------------
REFUSED_NAMES = sorted(set(ZONE) - {"public.example", "public6.example", "nothing.example"})


@pytest.mark.parametrize("name", REFUSED_NAMES)
async def test_names_resolving_to_internal_addresses_are_refused(name: str) -> None:
    egress = Egress(EgressPolicy(), StubResolver())
    with pytest.raises(EgressRefused, match=name.replace(".", r"\.")):
        await egress.check_url(f"http://{name}/jobs")


@pytest.mark.parametrize("name", ["public.example", "public6.example"])
async def test_names_resolving_to_public_addresses_pass(name: str) -> None:
    egress = Egress(EgressPolicy(), StubResolver())
    target = await egress.check_url(f"https://{name}/jobs")
    assert target.host == name


async def test_unresolvable_name_is_a_network_error_and_empty_answer_refused() -> None:
    egress = Egress(EgressPolicy(), StubResolver())
    with pytest.raises(OSError):
        await egress.check_url("http://unknown.example/")
    with pytest.raises(EgressRefused, match="no address"):
        await egress.check_url("http://nothing.example/")


async def test_allowed_intranet_name() -> None:
    egress = Egress(EgressPolicy(parse_networks("192.168.1.0/24")), StubResolver())
    await egress.check_url("http://router.lan/jobs")
    with pytest.raises(EgressRefused):
        await egress.check_url("http://printer.local/")  # local name, public answer: not allowed by the list


async def test_backend_connects_to_the_checked_address_and_never_to_a_refused_one() -> None:
    recorder = RecordingBackend()
    backend = EgressBackend(Egress(EgressPolicy(), StubResolver()), inner=recorder)
    with pytest.raises(httpcore.ConnectError):
        await backend.connect_tcp("public.example", 443)
    assert recorder.connects == [("93.184.216.34", 443)]  # the address, not the name: no second lookup
    for name in ("metadata.example", "mixed.example", "router.lan"):
        with pytest.raises(EgressRefused):
            await backend.connect_tcp(name, 80)
    with pytest.raises(EgressRefused):
        await backend.connect_tcp("0x7f000001", 80)
    assert recorder.connects == [("93.184.216.34", 443)]


# --- through Http: every hop checked ------------------------------------------------------------------------------


def _http(egress: Egress) -> Http:
    client = httpx.AsyncClient(transport=EgressTransport(egress), trust_env=False)
    return Http(client, HttpLimits(delay_s=0, timeout_s=5, backoff_s=0.01), policy=egress.policy)


@pytest.fixture
async def stubbed(server: LocalServer) -> AsyncIterator[tuple[Http, StubResolver]]:
    """Http on the egress transport; loopback allowed (the test server), names answered by the stub resolver —
    `site.example` is the test server, the other names are ZONE's."""
    resolver = StubResolver({**ZONE, "site.example": ["127.0.0.1"]})
    http = _http(Egress(LOOPBACK, resolver))
    try:
        yield http, resolver
    finally:
        await http.client.aclose()


async def test_transport_connects_to_the_resolved_address_keeping_the_name(stubbed, server: LocalServer) -> None:
    http, resolver = stubbed
    server.route("/jobs", "<h1>Jobs</h1>")
    page = await http.get_html(f"http://site.example:{server.port}/jobs")
    assert page.text == "<h1>Jobs</h1>" and resolver.asked == ["site.example"]
    assert server.hits("/jobs")[0].headers["host"] == f"site.example:{server.port}"


async def test_redirect_chain_is_checked_hop_by_hop(stubbed, server: LocalServer) -> None:
    http, _resolver = stubbed
    server.route("/final", "<h1>ok</h1>")
    server.redirect("/a", f"http://site.example:{server.port}/b", status=301)
    server.redirect("/b", "/final", status=302)
    page = await http.get_html(server.url("/a"))
    assert page.url == f"http://site.example:{server.port}/final"
    for target in ("http://169.254.169.254/latest/meta-data/", "http://0xa9fea9fe/", "file:///etc/passwd"):
        server.redirect("/evil", target, status=302)
        with pytest.raises(FetchError, match=r"redirected to .*refused by the egress policy") as caught:
            await http.get_html(server.url("/evil"))
        assert not caught.value.retryable
    assert len(server.hits("/evil")) == 3  # once per target: refusals are not retried


async def test_redirect_to_a_name_resolving_inside_is_refused_before_connecting(stubbed, server: LocalServer) -> None:
    http, resolver = stubbed
    server.redirect("/start", f"http://site.example:{server.port}/next")
    server.redirect("/next", "http://metadata.example/latest/meta-data/")
    with pytest.raises(FetchError, match=re.escape("metadata.example resolves to 169.254.169.254 is a link-local")):
        await http.get_html(server.url("/start"))
    assert resolver.asked == ["site.example", "metadata.example"]


async def test_too_many_redirects(stubbed, server: LocalServer) -> None:
    http, _resolver = stubbed
    server.redirect("/loop", "/loop")
    with pytest.raises(FetchError, match="more than 10 redirects"):
        await http.get_html(server.url("/loop"))


@pytest.mark.egress_strict
async def test_production_policy_refuses_the_local_server(server: LocalServer) -> None:
    server.route("/jobs", "<h1>Jobs</h1>")
    recorder = RecordingBackend()
    transport = EgressTransport(Egress(EgressPolicy(), StubResolver({"site.example": ["127.0.0.1"]})))
    assert isinstance(transport._pool._network_backend, EgressBackend)  # the replaced pool (see EgressTransport)
    transport._pool._network_backend.inner = recorder
    async with httpx.AsyncClient(transport=transport, trust_env=False) as client:
        http = Http(client, HttpLimits(delay_s=0, timeout_s=5, backoff_s=0.01), policy=EgressPolicy())
        for url in (server.url("/jobs"), f"http://site.example:{server.port}/jobs"):
            with pytest.raises(FetchError, match="refused by the egress policy"):
                await http.get_html(url)
    assert recorder.connects == [] and server.hits("/jobs") == []
