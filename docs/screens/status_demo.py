"""Run `scoutly status --watch` on sample data for the screen captures (docs/screens/make.sh).

The in-memory database lives in one process, so this seeds `examples/` into it, queues what is due, and then
runs the real CLI command in the same process. Usage: python docs/screens/status_demo.py [scoutly args...]
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
URI = "mongomock://screens/scoutly"


async def prepare() -> None:
    from scoutly import queue
    from scoutly.seeding import seed_files
    from scoutly.storage import connect

    mongo = await connect(URI)
    await seed_files(mongo.db, companies=ROOT / "examples" / "companies.csv", users=ROOT / "examples" / "users.csv")
    await queue.enqueue_due(mongo.db)


def main() -> None:
    os.environ["MONGODB_URI"] = URI
    asyncio.run(prepare())
    from scoutly.cli.app import main as scoutly

    sys.argv = ["scoutly", *(sys.argv[1:] or ["status", "--watch"])]
    scoutly()


if __name__ == "__main__":
    main()
