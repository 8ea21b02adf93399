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
- speed at appliance scale (quadratic scans in queries, unique checks, `$lookup`, TTL) — see memory_speed.py;
- interleaving: mongomock-motor runs every operation synchronously inside its coroutine, so concurrent coroutines
  never interleave and a race test cannot fail. Every awaited collection operation (`find_one`,
  `find_one_and_update`, `update_one`, `insert_one`, `bulk_write`, `count_documents`, `delete_*`, awaited
  `aggregate`, a cursor's first fetch and each further batch of 101 documents, `to_list`, ...) first yields to the
  event loop, as a round trip to a real server does, then runs atomically (each single MongoDB operation is).
  `add_operation_hook` lets tests run a competing write right before a chosen operation (tests/helpers/
  interleave.py).
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import Awaitable, Callable, Generator
from typing import Any
from urllib.parse import urlsplit

import mongomock.collection
from mongomock_motor import (
    AsyncCommandCursor,
    AsyncCursor,
    AsyncLatentCommandCursor,
    AsyncMongoMockClient,
    AsyncMongoMockCollection,
)
from pymongo import IndexModel

from scoutly.storage.memory_speed import patch_for_speed
from scoutly.storage.types import Document

_patched = False

CURSOR_BATCH = 101  # documents in a real server's first cursor batch (later batches are bigger; a round trip each)

OperationHook = Callable[[str, str, str], "Awaitable[None] | None"]
_operation_hooks: list[OperationHook] = []


def add_operation_hook(hook: OperationHook) -> None:
    """Call `hook(database, collection, operation)` right before every operation of the double (after its yield to
    the event loop, so nothing else runs between the hook and the operation); an awaitable it returns is awaited.
    Tests use it to land a competing write between two operations (tests/helpers/interleave.py)."""
    _operation_hooks.append(hook)


def remove_operation_hook(hook: OperationHook) -> None:
    _operation_hooks.remove(hook)


async def _round_trip(database: str, collection: str, operation: str) -> None:
    """Where a real client waits for the server: other coroutines run here, then the operation runs atomically."""
    await asyncio.sleep(0)
    for hook in tuple(_operation_hooks):
        pending = hook(database, collection, operation)
        if pending is not None:
            await pending


def _names(collection: Any) -> tuple[str, str]:
    return collection.database.name, collection.name


class _PendingAggregate:
    """`collection.aggregate(...)` of the double: the pipeline runs when awaited (after the round trip's yield),
    not when called. Also iterable and `to_list`-able directly, as Motor's latent cursor is."""

    def __init__(self, collection: Any, run: Callable[[], Any]) -> None:
        self._collection, self._run, self._cursor = collection, run, None

    async def _open(self) -> Any:
        if self._cursor is None:
            await _round_trip(*_names(self._collection), "aggregate")
            self._cursor = self._run()
        return self._cursor

    def __await__(self) -> Any:
        return self._open().__await__()

    def __aiter__(self) -> _PendingAggregate:
        return self

    async def __anext__(self) -> Any:
        return await (await self._open()).__anext__()

    async def to_list(self, *args: Any, **kwargs: Any) -> list[Document]:
        documents: list[Document] = await (await self._open()).to_list(*args, **kwargs)
        return documents


def _patch_interleaving() -> None:
    """Every coroutine method of the collection wrapper, a cursor's fetches and `aggregate` yield first."""
    seen: set[str] = set()
    for klass in AsyncMongoMockCollection.__mro__:
        for name, method in list(vars(klass).items()):
            if name in seen or name.startswith("_") or not inspect.iscoroutinefunction(method):
                continue
            seen.add(name)

            @functools.wraps(method)
            async def operation(
                self: Any,
                *args: Any,
                __method: Callable[..., Awaitable[Any]] = method,
                __name: str = name,
                **kwargs: Any,
            ) -> Any:
                await _round_trip(*_names(self), __name)
                return await __method(self, *args, **kwargs)

            setattr(AsyncMongoMockCollection, name, operation)

    run_aggregate = AsyncMongoMockCollection.aggregate

    def aggregate(self: Any, *args: Any, **kwargs: Any) -> _PendingAggregate:
        return _PendingAggregate(self, lambda: run_aggregate(self, *args, **kwargs))

    AsyncMongoMockCollection.aggregate = aggregate  # type: ignore[method-assign,assignment]  # PyMongo's shape

    next_document, all_documents = AsyncCursor.next, AsyncCursor.to_list

    async def cursor_next(self: Any) -> Any:
        served = self.__dict__.get("_scoutly_served", 0)
        if served % CURSOR_BATCH == 0:  # the first batch (`find`), then one `getMore` per further batch
            await _round_trip(*_names(self.collection), "getMore" if served else "find")
        self.__dict__["_scoutly_served"] = served + 1
        return await next_document(self)

    async def cursor_to_list(self: Any, *args: Any, **kwargs: Any) -> list[Document]:
        if not self.__dict__.get("_scoutly_served"):
            await _round_trip(*_names(self.collection), "find")
        documents: list[Document] = await all_documents(self, *args, **kwargs)
        return documents

    # Motor's stubs type these generically; the double's cursors are patched in place.
    AsyncCursor.next = AsyncCursor.__anext__ = cursor_next  # type: ignore[method-assign,misc]
    AsyncCursor.to_list = cursor_to_list  # type: ignore[method-assign,assignment]


def _patch_double() -> None:
    global _patched
    if _patched:
        return
    _patched = True

    def _await_self(self: Any) -> Generator[None, None, Any]:  # makes `await collection.aggregate(...)` work
        if False:  # pragma: no cover - generator marker
            yield
        return self

    AsyncLatentCommandCursor.__await__ = _await_self  # type: ignore[attr-defined]
    AsyncCommandCursor.__await__ = _await_self  # type: ignore[attr-defined]  # `await collection.list_indexes()`

    builder = mongomock.collection.BulkOperationBuilder
    for name in ("add_update", "add_replace", "add_delete"):
        original = getattr(builder, name)

        @functools.wraps(original)
        def without_sort(
            self: Any, *args: Any, __original: Callable[..., Any] = original, sort: Any = None, **kwargs: Any
        ) -> Any:
            if sort is not None:
                raise NotImplementedError("the in-memory double does not support sort= in bulk writes")
            return __original(self, *args, **kwargs)

        setattr(builder, name, without_sort)

    def create_indexes(self: Any, indexes: list[IndexModel], session: Any = None) -> list[str]:
        names = []
        for model in indexes:
            options = {k: v for k, v in model.document.items() if k != "key"}
            names.append(self.create_index(list(model.document["key"].items()), session=session, **options))
        return names

    mongomock.collection.Collection.create_indexes = create_indexes  # type: ignore[method-assign]  # the patch
    _patch_interleaving()
    patch_for_speed()  # equality fast paths, hash-join $lookup, throttled TTL pruning (see memory_speed.py)


_clients: dict[str, AsyncMongoMockClient[Document]] = {}


def memory_database_name(uri: str, default: str = "scoutly") -> str:
    """`mongomock://` → default; `mongomock://host/NAME` or `mongomock:///NAME` → NAME."""
    path = urlsplit(uri).path.strip("/")
    return path or default


def memory_client(uri: str) -> AsyncMongoMockClient[Document]:
    """One shared in-memory server per process, so every connection of a trial run sees the same data."""
    _patch_double()
    key = urlsplit(uri).netloc or "default"
    if key not in _clients:
        _clients[key] = AsyncMongoMockClient(tz_aware=True)
    return _clients[key]


def forget_memory_client(uri: str) -> None:
    """Drop an in-memory server (tests call this so each test's data is freed)."""
    _clients.pop(urlsplit(uri).netloc or "default", None)
