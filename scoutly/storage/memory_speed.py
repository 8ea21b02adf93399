"""Speed for the in-memory double at appliance scale (10,000 companies, 50,000 trackings).

mongomock evaluates every query by scanning every document through its general filter interpreter, checks a
unique index by such a scan per insert, runs `$lookup` as one scan of the foreign collection per input document,
and re-scans a collection for TTL-expired documents on every access. That makes bulk upserts and joins quadratic
and far slower than the real server. These patches keep the double's results identical and only take shortcuts
where the answer is certain:

- equality-only filters (`{field: scalar, ...}`, also inside `$and`, as unique-index checks build them) compare
  fields directly, looking `_id` up by key; anything else, and any document whose field is an array, goes through
  mongomock's own matcher;
- `{_id: {$in: [strings]}}` or `{_id: {$in: [integers]}}` alone looks each key up and returns the documents in
  `_id` order, as MongoDB's `_id` index scan does (mongomock scans the collection: quadratic for batched
  lookups such as seeding's);
- `$lookup` with `localField`/`foreignField` builds a hash table of the foreign collection once per stage
  (falls back to mongomock when a foreign value is an array, or a local value is null/missing/array);
- TTL pruning runs at most once per second per collection (MongoDB's own TTL monitor runs every 60 seconds, so
  the double is still the more eager of the two).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any

import mongomock.aggregate
import mongomock.collection
import mongomock.store
from bson import ObjectId
from mongomock.filtering import filter_applies

from scoutly.storage.types import Document

# mongomock is untyped: its functions this module calls or replaces, with the signatures they have.
_filter_applies: Callable[[Document, Document], bool] = filter_applies
IterDocuments = Callable[[Any, Any], list[Document]]
LookupStage = Callable[[list[Document], Any, Document], list[Document]]
_FAST_TYPES = (str, int, float, bool, ObjectId)
_UNSURE = object()
TTL_PRUNE_INTERVAL = 1.0  # seconds


def _equalities(spec: Any) -> list[tuple[str, Any]] | None:
    """[(field, value)] when `spec` is a conjunction of plain top-level equalities on fast scalar types."""
    if not isinstance(spec, dict):
        return None
    pairs: list[tuple[str, Any]] = []
    for key, value in spec.items():
        if key == "$and" and isinstance(value, list) and value:
            for part in value:
                sub = _equalities(part)
                if sub is None:
                    return None
                pairs.extend(sub)
            continue
        if not isinstance(key, str) or key.startswith("$") or "." in key:
            return None
        if value is None or not isinstance(value, _FAST_TYPES):
            return None
        if isinstance(value, float) and value != value:  # NaN
            return None
        pairs.append((key, value))
    return pairs


def _id_list(spec: Any) -> list[Any] | None:
    """The keys of `{_id: {$in: [...]}}` when they are all strings or all integers (not booleans), else None."""
    if not isinstance(spec, dict) or len(spec) != 1 or not isinstance(spec.get("_id"), dict):
        return None
    condition = spec["_id"]
    if len(condition) != 1 or not isinstance(condition.get("$in"), list) or not condition["$in"]:
        return None
    keys: list[Any] = condition["$in"]
    kind = type(keys[0])
    if kind not in (str, int) or any(type(key) is not kind for key in keys):
        return None
    return keys


def _same(found: Any, wanted: Any) -> Any:
    """True/False when certain (BSON equality of scalars), `_UNSURE` when mongomock must decide (arrays)."""
    if isinstance(found, list):
        return _UNSURE
    if isinstance(found, bool) or isinstance(wanted, bool):
        return type(found) is type(wanted) and found == wanted
    if isinstance(wanted, (int, float)):
        return isinstance(found, (int, float)) and not isinstance(found, bool) and found == wanted
    return type(found) is type(wanted) and found == wanted


def _matches(doc: Document, pairs: list[tuple[str, Any]], spec: Document) -> bool:
    for key, wanted in pairs:
        if key not in doc:
            return False
        same = _same(doc[key], wanted)
        if same is _UNSURE:
            return _filter_applies(spec, doc)
        if not same:
            return False
    return True


def _patch_iter_documents() -> None:
    original: IterDocuments = mongomock.collection.Collection._iter_documents

    def _iter_documents(self: Any, filter: Any) -> list[Document]:
        keys = _id_list(filter)
        if keys is not None:
            store = self._store
            if store.is_empty:  # also prunes TTL-expired documents
                return []
            found = ((key, store._documents.get(key)) for key in sorted(set(keys)))
            return [doc for key, doc in found if doc is not None and _same(doc["_id"], key) is True]
        pairs = _equalities(filter)
        if pairs is None or not pairs:
            return original(self, filter)
        store = self._store
        ids = [value for key, value in pairs if key == "_id"]
        if ids:
            candidate = store._documents.get(ids[0]) if not store.is_empty else None  # is_empty prunes TTL
            return [candidate] if candidate is not None and _matches(candidate, pairs, filter) else []
        if store.is_empty:  # also prunes TTL-expired documents
            return []
        # pre-filter on the most selective-looking field: a string/ObjectId rather than a flag
        key, wanted = min(pairs, key=lambda pair: isinstance(pair[1], bool))
        # Cheap pre-filter: Python equality admits every BSON-equal scalar (and a few bool/int look-alikes,
        # which `_matches` then rejects); arrays always go on to the exact check.
        survivors = [
            doc
            for doc in list(dict.values(store._documents))  # plain dict view: no per-key re-hashing
            if (found := doc.get(key, _UNSURE)) == wanted or type(found) is list
        ]
        return [doc for doc in survivors if _matches(doc, pairs, filter)]

    mongomock.collection.Collection._iter_documents = _iter_documents  # type: ignore[method-assign]  # the patch


def _hash_key(value: Any) -> Any:
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", value)
    return (type(value).__name__, value)


def _patch_lookup() -> None:
    original: LookupStage = mongomock.aggregate._handle_lookup_stage

    def _handle_lookup_stage(in_collection: list[Document], database: Any, options: Document) -> list[Document]:
        fields = ("from", "localField", "foreignField", "as")
        if "let" in options or "pipeline" in options or not all(isinstance(options.get(k), str) for k in fields):
            return original(in_collection, database, options)
        local_field, foreign_field, as_name = options["localField"], options["foreignField"], options["as"]
        if any(name.startswith("$") or "." in name for name in (local_field, foreign_field, as_name)):
            return original(in_collection, database, options)
        foreign = database.get_collection(options["from"])
        table: dict[Any, list[Document]] = {}
        for doc in foreign._store.documents:
            value = doc.get(foreign_field)
            if value is None:
                continue  # only null/missing local values match these; those go through mongomock below
            if not isinstance(value, _FAST_TYPES):
                return original(in_collection, database, options)  # arrays/documents: exact semantics needed
            table.setdefault(_hash_key(value), []).append(doc)
        for doc in in_collection:
            value = doc.get(local_field)
            if value is None or not isinstance(value, _FAST_TYPES):
                original([doc], database, options)
                continue
            doc[as_name] = [copy.deepcopy(match) for match in table.get(_hash_key(value), [])]
        return in_collection

    mongomock.aggregate._handle_lookup_stage = _handle_lookup_stage
    handlers = mongomock.aggregate._PIPELINE_HANDLERS
    handlers["$lookup"] = _handle_lookup_stage


def _patch_ttl() -> None:
    original: Callable[[Any], None] = mongomock.store.CollectionStore._remove_expired_documents

    def _remove_expired_documents(self: Any) -> None:
        if not self._ttl_indexes:
            return
        now = time.monotonic()
        if now - getattr(self, "_scoutly_pruned_at", float("-inf")) < TTL_PRUNE_INTERVAL:
            return
        self._scoutly_pruned_at = now
        original(self)

    mongomock.store.CollectionStore._remove_expired_documents = (  # type: ignore[method-assign]  # the patch
        _remove_expired_documents
    )


def patch_for_speed() -> None:
    """Install the shortcuts (idempotent through the caller's once-only guard)."""
    _patch_iter_documents()
    _patch_lookup()
    _patch_ttl()
