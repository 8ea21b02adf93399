"""The in-memory double's speed shortcuts (scoutly/storage/memory_speed.py) give mongomock's own answers."""

from __future__ import annotations

import copy

import mongomock
import mongomock.aggregate
from bson import ObjectId
from hypothesis import given, settings
from hypothesis import strategies as st
from mongomock.filtering import filter_applies

from scoutly.storage.memory import memory_client  # installs the patches
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
