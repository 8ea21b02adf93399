"""The in-memory MongoDB double behind `mongomock://` URIs (trial runs and the test suite).

mongomock-motor gives mongomock an async face shaped like Motor; Scoutly's code is written for PyMongo's
native async API. The few places where the two differ, or where mongomock lags current PyMongo, are
patched here, on the double only, so production code is written once, against real MongoDB semantics:

- `await collection.aggregate(...)` and `await collection.list_indexes()` (PyMongo async) — Motor's cursors
  are not awaitable;
- `await client.close()` — mongomock's close is synchronous;
- `bulk_write([UpdateOne(...)])` — PyMongo >= 4.11 passes `sort=` to the bulk builder, which mongomock
  4.3 does not accept;
- `create_indexes([IndexModel(...)])` — mongomock drops `partialFilterExpression` (so a partial unique index
  would wrongly become a plain unique one); every option of the model is passed through instead.
- speed at appliance scale (quadratic scans in queries, unique checks, `$lookup`, TTL) — see memory_speed.py.
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlsplit

import mongomock.collection
from mongomock_motor import AsyncCommandCursor, AsyncLatentCommandCursor, AsyncMongoMockClient

from scoutly.storage.memory_speed import patch_for_speed

_patched = False


def _patch_double() -> None:
    global _patched
    if _patched:
        return
    _patched = True

    def _await_self(self: Any):  # makes `await collection.aggregate(...)` work
        if False:  # pragma: no cover - generator marker
            yield
        return self

    AsyncLatentCommandCursor.__await__ = _await_self  # type: ignore[attr-defined]
    AsyncCommandCursor.__await__ = _await_self  # type: ignore[attr-defined]  # `await collection.list_indexes()`

    builder = mongomock.collection.BulkOperationBuilder
    for name in ("add_update", "add_replace", "add_delete"):
        original = getattr(builder, name)

        @functools.wraps(original)
        def without_sort(self: Any, *args: Any, __original=original, sort: Any = None, **kwargs: Any):
            if sort is not None:
                raise NotImplementedError("the in-memory double does not support sort= in bulk writes")
            return __original(self, *args, **kwargs)

        setattr(builder, name, without_sort)

    def create_indexes(self: Any, indexes: list, session: Any = None) -> list[str]:
        names = []
        for model in indexes:
            options = {k: v for k, v in model.document.items() if k != "key"}
            names.append(self.create_index(list(model.document["key"].items()), session=session, **options))
        return names

    mongomock.collection.Collection.create_indexes = create_indexes
    patch_for_speed()  # equality fast paths, hash-join $lookup, throttled TTL pruning (see memory_speed.py)


_clients: dict[str, AsyncMongoMockClient] = {}


def memory_database_name(uri: str, default: str = "scoutly") -> str:
    """`mongomock://` → default; `mongomock://host/NAME` or `mongomock:///NAME` → NAME."""
    path = urlsplit(uri).path.strip("/")
    return path or default


def memory_client(uri: str) -> AsyncMongoMockClient:
    """One shared in-memory server per process, so every connection of a trial run sees the same data."""
    _patch_double()
    key = urlsplit(uri).netloc or "default"
    if key not in _clients:
        _clients[key] = AsyncMongoMockClient(tz_aware=True)
    return _clients[key]


def forget_memory_client(uri: str) -> None:
    """Drop an in-memory server (tests call this so each test's data is freed)."""
    _clients.pop(urlsplit(uri).netloc or "default", None)
