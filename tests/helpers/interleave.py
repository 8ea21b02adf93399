"""Land a competing write between two steps of the code under test, on the in-memory double.

The double yields to the event loop before every operation (scoutly/storage/memory.py), so concurrent coroutines
already interleave there as against a real server. These hooks make one chosen interleaving certain:

- `before(collection, "find_one_and_update", competing, nth=2)` awaits `competing()` right before the 2nd
  `find_one_and_update` on that collection (after the operation's yield: nothing else runs in between), once;
- `inside_upsert(collection, competing, nth=1)` runs `competing(raw)` (synchronous, on the raw mongomock
  collection) inside the nth upsert on that collection, after its match found nothing and before its insert —
  the window in which a real server's upsert can meet another client's insert (E11000).

Both only work on the double: `require_double(collection)` skips a test on a real server.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import mongomock.collection
import pytest
from mongomock_motor import AsyncMongoMockCollection

from scoutly.storage.memory import add_operation_hook, remove_operation_hook


def require_double(collection: Any) -> None:
    if not isinstance(collection, AsyncMongoMockCollection):
        pytest.skip("injects writes through the in-memory double's hooks")


@dataclass
class Injection:
    """How many matching calls were seen, and whether the competing write ran."""

    calls: int = 0
    fired: bool = False


@contextmanager
def before(
    collection: Any, operation: str, competing: Callable[[], Awaitable[Any]], *, nth: int = 1
) -> Iterator[Injection]:
    """Await `competing()` right before the `nth` call of `operation` on `collection` (its own operations are not
    counted). Operations are collection method names; a cursor's first fetch is `find`, an awaited pipeline
    `aggregate`."""
    require_double(collection)
    target = (collection.database.name, collection.name)
    state = Injection()
    busy = False

    async def run_competing() -> None:
        nonlocal busy
        busy = True
        try:
            await competing()
        finally:
            busy = False
        state.fired = True

    def hook(database: str, name: str, called: str) -> Awaitable[None] | None:
        if busy or state.fired or (database, name) != target or called != operation:
            return None
        state.calls += 1
        return run_competing() if state.calls == nth else None

    add_operation_hook(hook)
    try:
        yield state
    finally:
        remove_operation_hook(hook)


@contextmanager
def inside_upsert(collection: Any, competing: Callable[[Any], Any], *, nth: int = 1) -> Iterator[Injection]:
    """Run `competing(raw_collection)` inside the `nth` upsert on `collection` that inserts (its match found nothing),
    right before the insert. `competing` is synchronous: mongomock runs the upsert in one step."""
    require_double(collection)
    target = (collection.database.name, collection.name)
    state = Injection()
    real_apply = mongomock.collection.Collection._apply_update_document

    # mongomock's upsert: match (nothing found) → build the new document with this method (was_insert=True) → insert.
    def _apply_update_document(self: Any, existing: Any, spec: Any, document: Any, was_insert: bool) -> Any:
        if was_insert and not state.fired and (self.database.name, self.name) == target:
            state.calls += 1
            if state.calls == nth:
                state.fired = True
                competing(self)
        return real_apply(self, existing, spec, document, was_insert)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mongomock.collection.Collection, "_apply_update_document", _apply_update_document)
        yield state
