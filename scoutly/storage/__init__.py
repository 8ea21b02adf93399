"""MongoDB access: the connection seam and the schema (collection names, indexes)."""

from scoutly.storage.mongo import Mongo, connect

__all__ = ["Mongo", "connect"]
