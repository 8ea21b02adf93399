"""A database wrapper that counts every collection method call (each one client→server request).

Used by the round-trip tests and by bench/enqueue.py; on a real server bench/enqueue.py also counts commands
through PyMongo's command monitoring."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from scoutly.storage.types import Database, Document


class CountingCollection:
    """Delegates to a collection and counts every method call (each is one client→server request)."""

    def __init__(self, real: AsyncCollection[Document], name: str, calls: Counter[str]) -> None:
        self._real, self._name, self._calls = real, name, calls

    def __getattr__(self, attr: str) -> Any:
        target = getattr(self._real, attr)
        if not callable(target):
            return target

        def counted(*args: Any, **kwargs: Any) -> Any:
            self._calls[f"{self._name}.{attr}"] += 1
            return target(*args, **kwargs)

        return counted


class CountingDb:
    """A database whose collections count their calls (`calls`: "collection.method" → how many)."""

    def __init__(self, real: Database) -> None:
        self._real = real
        self.calls: Counter[str] = Counter()

    def __getitem__(self, name: str) -> CountingCollection:
        return CountingCollection(self._real[name], name, self.calls)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]
