"""The suite talks only to loopback: connects elsewhere and lookups of real host names fail at once, everywhere."""

from __future__ import annotations

import asyncio
import socket

import pytest
from pytest_socket import SocketConnectBlockedError

from tests.helpers.loopback_only import mongodb_hosts


def test_a_connect_beyond_loopback_is_refused() -> None:
    with pytest.raises(SocketConnectBlockedError), pytest.warns(UserWarning, match=r"192\.0\.2\.1"):
        socket.create_connection(("192.0.2.1", 80), timeout=0.2)  # TEST-NET-1: never routed anyway


async def test_an_asyncio_connect_beyond_loopback_is_refused() -> None:
    with pytest.raises(SocketConnectBlockedError), pytest.warns(UserWarning, match=r"192\.0\.2\.1"):
        await asyncio.wait_for(asyncio.open_connection("192.0.2.1", 80), timeout=1)


def test_a_real_host_name_is_not_looked_up() -> None:
    with pytest.raises(socket.gaierror, match=r"tests talk only to loopback: jobs\.example\.com"):
        socket.getaddrinfo("jobs.example.com", 443)


async def test_loopback_still_resolves_and_connects() -> None:
    assert {info[4][0] for info in socket.getaddrinfo("localhost", 80)} <= {"127.0.0.1", "::1"}
    server = await asyncio.start_server(lambda reader, writer: writer.close(), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        _, writer = await asyncio.open_connection("localhost", port)
        writer.close()


@pytest.mark.parametrize(
    ("uri", "hosts"),
    [
        ("", []),
        ("mongodb://localhost:27017/scoutly_test", ["localhost"]),
        ("mongodb://user:p%40ss@Mongo-1:27017,mongo-2/db?replicaSet=rs0", ["mongo-1", "mongo-2"]),
        ("mongodb://[::1]:27017/db", ["::1"]),
    ],
)
def test_mongodb_hosts_of_a_test_server_uri(uri: str, hosts: list[str]) -> None:
    assert mongodb_hosts(uri) == hosts
