"""Types of the database seam: a MongoDB document and PyMongo's async database of such documents."""

from __future__ import annotations

from typing import Any, TypeAlias

from pymongo.asynchronous.database import AsyncDatabase

Document: TypeAlias = dict[str, Any]
Database: TypeAlias = AsyncDatabase[Document]
