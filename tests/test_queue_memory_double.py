"""The in-memory double's speed shortcuts (scoutly/storage/memory_speed.py) give mongomock's own answers, and the
double yields to the event loop before every operation (scoutly/storage/memory.py)."""

from __future__ import annotations

import asyncio
import copy

import mongomock
import mongomock.aggregate
from bson import ObjectId
from helpers import interleave
from hypothesis import given, settings
from hypothesis import strategies as st
from mongomock.filtering import filter_applies
from pymongo import UpdateOne

from scoutly.storage.memory import add_operation_hook, memory_client, remove_operation_hook  # installs the patches
from scoutly.storage.memory_speed import _equalities

memory_client("mongomock://speed-check/x")

# Booleans are left out of the comparison with mongomock: mongomock matches `false` with `0` (and `true` with
# `1`); MongoDB does not (different BSON types), and neither does the fast path (see the test below).
scalars = st.one_of(
    st.sampled_from(["a", "b", "c"]),
    st.integers(min_value=0, max_value=2),
    st.sampled_from([0.0, 1.0, 1.5]),
    st.none(),
    st.sampled_from([ObjectId("65f1c0ffee0123456789abcd"), ObjectId("65f1c0ffee0123456789abce")]),
)
values = st.one_of(scalars, st.lists(scalars, max_size=3))
documents = st.lists(
    st.fixed_dictionaries({}, optional={"k": values, "m": values, "n": values}), min_size=0, max_size=12
)
conditions = st.dictionaries(st.sampled_from(["k", "m", "_id"]), scalars, min_size=1, max_size=2)
filters = st.one_of(conditions, st.builds(lambda a, b: {"$and": [a, b]}, conditions, conditions))


@settings(max_examples=150, deadline=None)
@given(documents, filters)
def test_equality_fast_path_matches_mongomock(docs: list[dict], spec: dict) -> None:
    collection = mongomock.MongoClient().db.c
    for index, doc in enumerate(docs):
        collection.insert_one({"_id": index if index % 2 else f"id{index}", **doc})
    stored = list(collection._store._documents.values())
    expected = [doc["_id"] for doc in stored if filter_applies(spec, doc)]
    got = [doc["_id"] for doc in collection._iter_documents(spec)]
    assert got == expected
    assert [d["_id"] for d in collection.find(spec)] == expected


def test_booleans_and_numbers_are_different_types_as_in_mongodb() -> None:
    collection = mongomock.MongoClient().db.c
    collection.insert_many([{"_id": 1, "active": True}, {"_id": 2, "active": 1}, {"_id": 3, "active": [True]}])
    assert [d["_id"] for d in collection.find({"active": True})] == [1, 3]
    assert 1 not in [d["_id"] for d in collection.find({"active": 1})]  # (arrays are left to mongomock)


def test_only_plain_equalities_take_the_fast_path() -> None:
    assert _equalities({"company": "x", "active": True}) == [("company", "x"), ("active", True)]
    assert _equalities({"$and": [{"active": True}, {"company": "x"}]}) == [("active", True), ("company", "x")]
    for spec in ({"a": None}, {"a": {"$gt": 1}}, {"a.b": 1}, {"$or": [{"a": 1}]}, {"a": [1]}, {}):
        assert not _equalities(spec)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.fixed_dictionaries({}, optional={"ref": values}), max_size=8),
    st.lists(st.fixed_dictionaries({}, optional={"key": values, "x": scalars}), max_size=8),
)
def test_hash_join_lookup_matches_mongomock(local: list[dict], foreign: list[dict]) -> None:
    client = mongomock.MongoClient()
    database = client.db
    for index, doc in enumerate(foreign):
        database.f.insert_one({"_id": index, **doc})
    options = {"from": "f", "localField": "ref", "foreignField": "key", "as": "joined"}
    fast = mongomock.aggregate._PIPELINE_HANDLERS["$lookup"](copy.deepcopy(local), database, options)
    # mongomock's own implementation: one query per input document
    slow = copy.deepcopy(local)
    for doc in slow:
        query = doc.get("ref")
        query = {"$in": query} if isinstance(query, list) else query
        doc["joined"] = list(database.f.find({"key": query}))
    assert fast == slow


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.one_of(st.sampled_from(["a", "b", "c", "d"]), st.integers(0, 4)), unique=True, max_size=8),
    st.one_of(
        st.lists(st.sampled_from(["a", "b", "c", "x"]), min_size=1, max_size=5),
        st.lists(st.integers(0, 6), min_size=1, max_size=5),
    ),
)
def test_id_in_fast_path_matches_mongomock_in_id_order(ids: list, wanted: list) -> None:
    collection = mongomock.MongoClient().db.c
    for key in ids:
        collection.insert_one({"_id": key, "v": 1})
    spec = {"_id": {"$in": wanted}}
    stored = list(collection._store._documents.values())
    expected = sorted(doc["_id"] for doc in stored if filter_applies(spec, doc))
    assert [doc["_id"] for doc in collection.find(spec)] == expected


async def test_every_operation_yields_to_the_event_loop_first(db) -> None:
    """Each awaited operation of the double is a point where other coroutines run (as a server round trip is);
    a cursor yields at its first fetch and at each further batch."""
    interleave.require_double(db.c)
    seen: list[str] = []

    def hook(database: str, collection: str, operation: str) -> None:
        if collection == "c":
            seen.append(operation)

    add_operation_hook(hook)
    try:
        await db.c.insert_one({"_id": 0})
        await db.c.insert_many([{"_id": i} for i in range(1, 150)])
        await db.c.find_one({"_id": 1})
        await db.c.update_one({"_id": 1}, {"$set": {"x": 1}})
        await db.c.find_one_and_update({"_id": 2}, {"$set": {"x": 2}})
        await db.c.bulk_write([UpdateOne({"_id": 3}, {"$set": {"x": 3}})])
        assert await db.c.count_documents({}) == 150
        assert len([doc async for doc in db.c.find()]) == 150
        assert len(await db.c.find().to_list(None)) == 150
        assert await (await db.c.aggregate([{"$count": "n"}])).to_list(None) == [{"n": 150}]
        await db.c.delete_one({"_id": 0})
    finally:
        remove_operation_hook(hook)
    assert seen == [
        "insert_one",
        "insert_many",
        "find_one",
        "update_one",
        "find_one_and_update",
        "bulk_write",
        "count_documents",
        "find",
        "getMore",
        "find",
        "aggregate",
        "delete_one",
    ]


async def test_concurrent_coroutines_interleave_between_operations(db) -> None:
    interleave.require_double(db.c)
    steps: list[str] = []

    async def worker(name: str) -> None:
        await db.c.find_one({"_id": name})
        steps.append(f"{name} read")
        await db.c.insert_one({"_id": name})
        steps.append(f"{name} wrote")

    await asyncio.gather(worker("a"), worker("b"))
    assert steps == ["a read", "b read", "a wrote", "b wrote"]
