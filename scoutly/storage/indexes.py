"""Every collection's indexes, in one place, created idempotently at start (`ensure_indexes`).

The field layout of each collection is documented in docs/DATA_MODEL.md.
"""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, IndexModel

from scoutly.storage.types import Database

# Collection names (import these rather than spelling strings).
COMPANIES = "companies"
USERS = "users"
TRACKINGS = "trackings"
QUEUE = "queue"
POSTINGS = "postings"
MATCHES = "matches"
ANALYSES = "analyses"
GEMINI_CALLS = "gemini_calls"
GEMINI_BUDGET = "gemini_budget"
RUNS = "runs"
PROCESSORS = "processors"

QUEUE_HISTORY_SECONDS = 30 * 24 * 3600  # finished queue jobs are kept this long (TTL on `finished_at`)

INDEXES: dict[str, list[IndexModel]] = {
    COMPANIES: [
        IndexModel([("active", ASCENDING), ("last_success_at", ASCENDING)], name="active_last_success"),
    ],
    USERS: [
        IndexModel([("active", ASCENDING)], name="active"),
    ],
    TRACKINGS: [
        IndexModel([("user", ASCENDING), ("company", ASCENDING)], unique=True, name="user_company"),
        IndexModel([("company", ASCENDING), ("rank", DESCENDING)], name="company_rank"),
    ],
    QUEUE: [
        # At most one active (pending / processing / failed-awaiting-retry) job per company, whatever races
        # happen. `active: true` is set while a job is live and unset when it is done or dead; a boolean
        # equality filter works on every MongoDB a Pi can run (4.4+).
        IndexModel(
            [("company", ASCENDING)],
            unique=True,
            partialFilterExpression={"active": True},
            name="one_active_job_per_company",
        ),
        IndexModel(
            [("status", ASCENDING), ("priority", DESCENDING), ("available_at", ASCENDING)], name="claim_order"
        ),
        IndexModel([("status", ASCENDING), ("lease_until", ASCENDING)], name="lease_expiry"),
        IndexModel([("company", ASCENDING), ("finished_at", DESCENDING)], name="company_history"),
        # Finished (done/dead) jobs are history for 30 days, then MongoDB's TTL monitor prunes them. Only
        # finished jobs have `finished_at`, so live jobs are never touched.
        IndexModel([("finished_at", ASCENDING)], expireAfterSeconds=QUEUE_HISTORY_SECONDS, name="finished_ttl"),
    ],
    POSTINGS: [
        IndexModel([("company", ASCENDING), ("key", ASCENDING)], unique=True, name="company_key"),
        IndexModel([("company", ASCENDING), ("closed_at", ASCENDING)], name="company_open"),
    ],
    MATCHES: [
        IndexModel([("user", ASCENDING), ("posting", ASCENDING)], unique=True, name="user_posting"),
        IndexModel([("user", ASCENDING), ("status", ASCENDING), ("score", DESCENDING)], name="user_status"),
    ],
    ANALYSES: [
        IndexModel(
            [("posting", ASCENDING), ("user", ASCENDING), ("profile_version", ASCENDING), ("stage", ASCENDING)],
            unique=True,
            name="once_per_posting_user_profile_stage",
        ),
        # resume_parked: parked judgements that are due, and pending claims whose lease ran out
        IndexModel([("status", ASCENDING), ("parked_until", ASCENDING)], name="status_parked_until"),
    ],
    GEMINI_CALLS: [
        IndexModel([("day", ASCENDING), ("model", ASCENDING)], name="day_model"),
        IndexModel([("user", ASCENDING), ("day", ASCENDING)], name="user_day"),
        IndexModel([("users", ASCENDING), ("day", ASCENDING)], name="users_day"),  # screening calls serve several
    ],
    # rate-limit windows (`model:rpm:<minute>`, `model:rpd:<day>`) expire a while after they close
    GEMINI_BUDGET: [IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0, name="expire_old_windows")],
    RUNS: [
        IndexModel([("job", ASCENDING), ("started_at", ASCENDING)], name="job_started"),
        IndexModel([("company", ASCENDING), ("started_at", DESCENDING)], name="company_started"),
    ],
    PROCESSORS: [],
}


async def ensure_indexes(db: Database) -> None:
    """Create every index that is missing; existing ones with the same spec are left alone."""
    for collection, models in INDEXES.items():
        if models:
            await db[collection].create_indexes(models)
