"""The database seam: in-memory double with PyMongo's async API shape, indexes, one-line unreachable errors."""

import pytest
from pymongo import UpdateOne
from pymongo.errors import DuplicateKeyError

from scoutly.errors import DatabaseUnavailable
from scoutly.storage import connect
from scoutly.storage.indexes import INDEXES, QUEUE


async def test_indexes_created_idempotently(mongo):
    from scoutly.storage.indexes import ensure_indexes

    await ensure_indexes(mongo.db)  # second time: no error
    for collection, models in INDEXES.items():
        cursor = await mongo.db[collection].list_indexes()
        names = {ix["name"] for ix in await cursor.to_list(None)}
        for model in models:
            assert model.document["name"] in names, (collection, model.document["name"])


async def test_one_active_job_per_company(db):
    await db[QUEUE].insert_one({"company": "acme", "status": "pending", "active": True})
    with pytest.raises(DuplicateKeyError):
        await db[QUEUE].insert_one({"company": "acme", "status": "processing", "active": True})
    # finished jobs (active unset) may accumulate as history
    await db[QUEUE].insert_one({"company": "acme", "status": "done"})
    await db[QUEUE].insert_one({"company": "acme", "status": "done"})


async def test_pymongo_async_api_shape(db):
    coll = db["scratch"]
    result = await coll.bulk_write(
        [UpdateOne({"k": i}, {"$setOnInsert": {"k": i}, "$max": {"v": i}}, upsert=True) for i in range(3)]
    )
    assert result.upserted_count == 3
    cursor = await coll.aggregate([{"$group": {"_id": None, "n": {"$sum": 1}}}])
    assert (await cursor.to_list(None))[0]["n"] == 3


async def test_unreachable_server_is_one_line_without_password():
    with pytest.raises(DatabaseUnavailable) as err:
        await connect("mongodb://scout:hunter2@127.0.0.1:9/scoutly", timeout_ms=100)
    message = str(err.value)
    assert "unreachable" in message
    assert "hunter2" not in message
    assert "\n" not in message
