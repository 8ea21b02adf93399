"""The one seam to the database: `connect(uri)` gives PyMongo's AsyncMongoClient, or the in-memory
double for `mongomock://` URIs. Everything above this module sees the same async API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from pymongo import AsyncMongoClient
from pymongo.errors import ConfigurationError, PyMongoError

from scoutly.errors import DatabaseUnavailable
from scoutly.redact import redact
from scoutly.storage.indexes import ensure_indexes
from scoutly.storage.types import Database, Document
from scoutly.storage.unreachable import unreachable_message

DEFAULT_DATABASE = "scoutly"


@dataclass
class Mongo:
    """An open connection: `client` plus the database named by the URI."""

    client: AsyncMongoClient[Document]
    db: Database
    uri: str

    @property
    def is_memory(self) -> bool:
        return self.uri.startswith("mongomock://")

    async def close(self) -> None:
        """Close the client (the in-memory double stays alive for the rest of the process)."""
        if not self.is_memory:
            await self.client.close()


async def connect(
    uri: str, *, timeout_ms: int = 5000, create_indexes: bool = True, appname: str = "scoutly"
) -> Mongo:
    """Open the database named by `uri`, check it answers, and create indexes (idempotent).

    Raises `DatabaseUnavailable` with a one-line, password-free message when MongoDB is not reachable.
    """
    if uri.startswith("mongomock://"):
        from scoutly.storage.memory import memory_client, memory_database_name  # the double: only when asked for

        # The double is Motor-shaped, patched to behave as PyMongo's async client (see memory.py): typed as that.
        client = cast("AsyncMongoClient[Document]", memory_client(uri))
        db = client[memory_database_name(uri)]
    else:
        try:
            client = AsyncMongoClient[Document](
                uri,
                tz_aware=True,
                appname=appname,
                serverSelectionTimeoutMS=timeout_ms,
                connectTimeoutMS=timeout_ms,
            )
            db = client.get_default_database(DEFAULT_DATABASE)
        except (ConfigurationError, ValueError) as exc:
            raise DatabaseUnavailable(f"MONGODB_URI: {redact(str(exc))}") from None
    mongo = Mongo(client=client, db=db, uri=uri)
    try:
        await db.command("ping")
        if create_indexes:
            await ensure_indexes(db)
    except PyMongoError as exc:
        await mongo.close()
        raise DatabaseUnavailable(unreachable_message(uri, exc)) from None
    return mongo
