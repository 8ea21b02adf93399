"""One readable line for "MongoDB did not answer", instead of PyMongo's topology dump (pure; no I/O).

    MongoDB at localhost:27017 is unreachable: connection refused (nothing listens there) — is it running?
    `docker compose up -d mongodb` (or `sudo systemctl start mongod`); is MONGODB_URI right?
"""

from __future__ import annotations

import re

from scoutly.redact import redact

COMPOSE_SERVICE = "mongodb"  # the service name in docker-compose.yml (tests check it exists there)
START_HINT = (
    f"is it running? `docker compose up -d {COMPOSE_SERVICE}` (or `sudo systemctl start mongod`); "
    "is MONGODB_URI right?"
)

# (pattern in PyMongo's message, the reason in plain words, the hint). First match wins.
_REASONS: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), reason, hint)
    for pattern, reason, hint in (
        (r"authentication failed|auth.*failed|bad auth", "authentication failed",
         "check the user name and password in MONGODB_URI (and authSource, usually `?authSource=admin`)"),
        (r"not authorized|requires authentication|unauthorized", "the user may not use this database",
         "give MONGODB_URI a user with readWrite on the database named in its path"),
        (r"name or service not known|nodename nor servname|name resolution|getaddrinfo|no address associated",
         "host name not found", "is the host in MONGODB_URI spelt right?"),
        (r"connection refused|connect call failed|errno 111|actively refused",
         "connection refused (nothing listens on that port)", START_HINT),
        (r"no route to host|network is unreachable|host is unreachable", "no route to that host",
         "is the machine up and on this network?"),
        (r"ssl|tls|certificate", "TLS handshake failed", "check the tls/ssl options in MONGODB_URI"),
        (r"message length .* larger than server max|wire protocol|unexpected message",
         "something that is not MongoDB answers on that port", "is the port in MONGODB_URI right? (MongoDB: 27017)"),
        (r"timed out|timeout", "no answer in time", START_HINT),
        (r"replicaset|replica set|no primary", "no primary member of the replica set answered",
         "is the replica set up? (or drop replicaSet= from MONGODB_URI for a single server)"),
    )
)
_SERVER_ERROR = re.compile(r"^(?P<address>\[?[\w.\-:]+\]?:\d+): (?P<error>.+?)(?: \(configured timeouts[^)]*\))?$")


def hosts_of(uri: str) -> str:
    """The host list of a MongoDB URI, without credentials: `localhost:27017`, `a:1,b:2`."""
    rest = uri.split("://", 1)[-1]
    hosts = rest.split("/", 1)[0].split("?", 1)[0].rsplit("@", 1)[-1]
    return hosts or "localhost:27017"


def plain_reason(message: str) -> tuple[str, str]:
    """(reason in plain words, hint) for PyMongo's error text; unknown errors keep their first server's words."""
    head = message.split(", Timeout:", 1)[0].split("Topology Description:", 1)[0]
    for pattern, reason, hint in _REASONS:
        if pattern.search(head):
            return reason, hint
    first = head.split("\n", 1)[0].split(", ", 1)[0]
    match = _SERVER_ERROR.match(first)
    detail = (match.group("error") if match else first).strip()[:120]
    return detail or "no answer", START_HINT


def unreachable_message(uri: str, error: BaseException | str) -> str:
    """The one line shown when MongoDB at `uri` cannot be used (no password, no topology dump)."""
    reason, hint = plain_reason(redact(str(error)))
    return f"MongoDB at {hosts_of(redact(uri))} is unreachable: {reason} — {hint}"
