"""The trial's sample data goes through the real seeding and profile validation (fast: no server, no browser)."""

from __future__ import annotations

from scoutly.analysis.profile import Profile, profile_of, update_profile
from scoutly.seeding import seed_rows
from scoutly.storage.indexes import COMPANIES, TRACKINGS, USERS
from scoutly.trial.catalog import load_catalog
from scoutly.trial.run import _seed_rows


async def test_sample_catalog_seeds_cleanly_and_idempotently(db) -> None:
    companies, users = _seed_rows("http://127.0.0.1:8123")
    report = await seed_rows(db, companies=companies, users=users)
    assert (report.companies.created, report.users.created, report.trackings.created) == (8, 3, 16)
    again = await seed_rows(db, companies=companies, users=users)
    assert (again.companies.created, again.companies.updated, again.trackings.created) == (0, 0, 0)
    assert await db[COMPANIES].count_documents({}) == 8
    assert await db[USERS].count_documents({}) == 3
    assert await db[TRACKINGS].count_documents({}) == 16
    workday = await db[COMPANIES].find_one({"_id": "gravel-stone"})
    assert workday["careers_url"] == "http://127.0.0.1:8123/gravel-stone/Careers"
    assert (workday["ats"], workday["ats_token"]) == ("workday", "gravelstone/Careers")


async def test_sample_profiles_are_seeded_valid_and_versioned(db) -> None:
    companies, users = _seed_rows("http://127.0.0.1:8123")
    report = await seed_rows(db, companies=companies, users=users)
    assert report.profiles.created == 3
    for user in load_catalog().users:
        doc = await db[USERS].find_one({"_id": user.email})
        assert doc["profile_version"] == 1
        profile = profile_of(doc)
        assert profile == Profile.model_validate(user.profile)  # the seed rows carry the whole profile
        assert profile.include_keywords
        _, version, changed = await update_profile(db, user.email, user.profile)
        assert (version, changed) == (1, False)
