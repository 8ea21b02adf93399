"""End to end: keyword trackers, screening, batched deep analysis and matches, with the real google-genai SDK
against the fake Gemini server."""

from __future__ import annotations

import asyncio

import pytest

from scoutly.analysis import analyse_new_postings, budget_snapshot, resume_parked
from scoutly.analysis.judgements import DryJudgements
from scoutly.analysis.profile import Profile, update_profile
from scoutly.testing.fake_gemini import PY_PROFILE, FakeGemini, Scripted, add_postings, add_user, gemini_settings

TITLES = [
    ("Senior Python Engineer", "Berlin"),
    ("Kubernetes Platform Engineer", "Remote"),
    ("Account Executive", "Paris"),
    ("Office Manager", "Berlin"),
    ("PostgreSQL Database Administrator", "Berlin, hybrid"),
    ("Product Designer", "London"),
]


@pytest.fixture
def fake():
    with FakeGemini() as server:
        yield server


async def test_no_key_keywords_still_match(db):
    await add_user(db, "kw@example.com", Profile(include_keywords=["python"], exclude_keywords=["senior"]))
    await add_user(db, "loc@example.com", Profile(include_keywords=["engineer"], locations=["Munich"]))
    postings = await add_postings(db, "acme", [("Python Developer", "Berlin"), ("Senior Python Engineer", "Berlin")])
    outcome = await analyse_new_postings(db, gemini_settings(None), {"_id": "acme"}, postings)
    assert "GEMINI_API_KEY" in (outcome.skipped_reason or "")
    assert outcome.requests == 0
    matches = [(m["user"], m["title"], m["source"]) for m in outcome.matches]
    # loc@ wants Munich only: Berlin postings are no keyword match; "senior" is excluded for kw@
    assert matches == [("kw@example.com", "Python Developer", "keyword")]
    stored = await db.matches.find_one({"user": "kw@example.com"})
    assert stored["url"] == postings[0]["url"] and stored["status"] == "new" and stored["keyword_hits"] == ["python"]


async def test_screen_then_deep_for_all_users_in_few_requests(db, fake):
    await add_user(db, "py@example.com", PY_PROFILE)
    await add_user(db, "design@example.com", Profile(skills=["Product design", "Figma"], min_score=40))
    await add_user(db, "other@example.com", PY_PROFILE, companies=("globex",))  # not tracking acme
    postings = await add_postings(db, "acme", TITLES)
    outcome = await analyse_new_postings(db, gemini_settings(fake.base_url), {"_id": "acme"}, postings)

    # one screening request for both users; one deep batch per user with shortlisted postings
    assert fake.count(stage="screen") == 1
    screen = fake.requests[0]
    assert "C1" in screen.prompt and "C2" in screen.prompt and "py@example.com" not in screen.prompt
    assert "5+ years" not in screen.prompt  # screening sends titles and locations only
    assert fake.count(stage="deep") == 2
    assert outcome.requests == 3 and outcome.tokens > 0 and outcome.parked == 0 and outcome.failed == 0
    assert set(outcome.stages) == {"keywords", "screening", "deep"}
    assert all(r.had_key for r in fake.requests)

    by_user = {}
    for match in outcome.matches:
        by_user.setdefault(match["user"], []).append(match["title"])
    assert sorted(by_user["py@example.com"]) == [
        "Kubernetes Platform Engineer",
        "PostgreSQL Database Administrator",
        "Senior Python Engineer",
    ]
    assert by_user["design@example.com"] == ["Product Designer"]
    match = await db.matches.find_one({"user": "py@example.com", "title": "Senior Python Engineer"})
    analysis = match["analysis"]
    assert match["source"] == "gemini" and 0 <= match["score"] <= 100
    assert analysis["min_years_required"] == 5 and analysis["required_languages"] == ["English"]
    assert analysis["screening_reason"] and analysis["model"] == "gemini-2.5-flash"
    assert match["url"] == next(p["url"] for p in postings if p["title"] == "Senior Python Engineer")

    calls = [c async for c in db.gemini_calls.find()]
    assert len(calls) == 3 and all(c["outcome"] == "ok" and c["total_tokens"] > 0 for c in calls)
    screen_call = next(c for c in calls if c["stage"] == "screen")
    assert screen_call["users"] == ["design@example.com", "py@example.com"] and screen_call["company"] == "acme"
    [flash, *_] = await budget_snapshot(db, gemini_settings(fake.base_url))
    assert (flash["model"], flash["requests_today"], flash["calls_today"]) == ("gemini-2.5-flash", 3, 3)
    assert flash["tokens_today"] == outcome.tokens and flash["rpd"] == 20 and not flash["exhausted"]


async def test_once_ever_and_unchanged_page_costs_nothing(db, fake):
    await add_user(db, "py@example.com", PY_PROFILE)
    postings = await add_postings(db, "acme", TITLES)
    settings = gemini_settings(fake.base_url)
    first = await analyse_new_postings(db, settings, {"_id": "acme"}, postings)
    assert first.requests == 2
    again = await analyse_new_postings(db, settings, {"_id": "acme"}, postings)  # same postings offered twice
    nothing = await analyse_new_postings(db, settings, {"_id": "acme"}, [])  # unchanged careers page
    assert (again.requests, again.tokens, nothing.requests, nothing.tokens) == (0, 0, 0, 0)
    assert len(fake.requests) == 2

    # a profile change is a new version: judged afresh, once
    _, version, changed = await update_profile(db, "py@example.com", {"skills": ["Python", "Go"]})
    assert changed and version == 2
    bumped = await analyse_new_postings(db, settings, {"_id": "acme"}, postings)
    assert bumped.requests == 2
    assert await db.analyses.count_documents({"profile_version": 2, "stage": "screen"}) == len(TITLES)


async def test_concurrent_workers_never_pay_twice(db, fake):
    await add_user(db, "py@example.com", PY_PROFILE)
    postings = await add_postings(db, "acme", TITLES)
    settings = gemini_settings(fake.base_url)
    outcomes = await asyncio.gather(*(analyse_new_postings(db, settings, {"_id": "acme"}, postings) for _ in range(3)))
    assert await db.analyses.count_documents({"stage": "screen"}) == len(TITLES)
    screened = [r for r in fake.requests if r.stage == "screen"]
    sent = [line for r in screened for line in r.prompt.splitlines() if line.startswith("title: ")]
    assert len(sent) == len(TITLES)  # every posting screened exactly once across the three workers
    assert sum(o.requests for o in outcomes) == len(fake.requests)


async def test_baseline_postings_only_when_opted_in(db, fake):
    await add_user(db, "py@example.com", PY_PROFILE)
    await add_user(db, "all@example.com", PY_PROFILE.model_copy(update={"analyse_baseline": True}))
    postings = await add_postings(db, "acme", TITLES[:2], baseline=True)
    outcome = await analyse_new_postings(db, gemini_settings(fake.base_url), {"_id": "acme"}, postings)
    assert {m["user"] for m in outcome.matches} == {"all@example.com"}
    assert "py@example.com" not in fake.requests[0].prompt
    assert fake.requests[0].prompt.count("<<<CANDIDATE") == 1


async def test_include_keyword_goes_straight_to_deep_and_gets_scored(db, fake):
    await add_user(db, "kw@example.com", PY_PROFILE.model_copy(update={"include_keywords": ["Office"]}))
    postings = await add_postings(db, "acme", [("Office Manager", "Berlin")])
    outcome = await analyse_new_postings(db, gemini_settings(fake.base_url), {"_id": "acme"}, postings)
    assert fake.count(stage="screen") == 0 and fake.count(stage="deep") == 1
    [match] = outcome.matches
    assert match["source"] == "gemini" and match["keyword_hits"] == ["Office"] and match["score"] is not None


async def test_invented_ids_are_dropped(db, fake):
    await add_user(db, "py@example.com", PY_PROFILE)
    postings = await add_postings(db, "acme", TITLES[:2])
    fake.enqueue(fake.invent_id(), fake.invent_id())
    outcome = await analyse_new_postings(db, gemini_settings(fake.base_url), {"_id": "acme"}, postings)
    assert len(outcome.matches) == 2
    assert await db.matches.count_documents({}) == 2
    assert await db.postings.count_documents({}) == 2
    assert {m["url"] for m in outcome.matches} == {p["url"] for p in postings}


async def test_daily_quota_parks_work_and_resume_finishes_it(db, fake, monkeypatch):
    await add_user(db, "py@example.com", PY_PROFILE)
    postings = await add_postings(db, "acme", TITLES)
    settings = gemini_settings(fake.base_url)
    fake.enqueue(fake.day_limit(), model="gemini-2.5-flash")
    fake.enqueue(fake.day_limit(), model="gemini-2.5-flash-lite")
    outcome = await analyse_new_postings(db, settings, {"_id": "acme"}, postings)
    assert outcome.parked == len(TITLES) and outcome.matches == []
    assert [r.model for r in fake.requests] == ["gemini-2.5-flash", "gemini-2.5-flash-lite"]
    snapshot = await budget_snapshot(db, settings)
    assert all(row["exhausted"] for row in snapshot) and snapshot[0]["parked"] == len(TITLES)
    parked = await db.analyses.find_one({"status": "parked"})
    assert parked["parked_until"] == snapshot[0]["resets_at"]

    # before the reset nothing is due; a new pass also parks without sending anything
    assert (await resume_parked(db, settings)).requests == 0
    assert len(fake.requests) == 2

    # after the reset (the parked_until moved into the past) resume_parked finishes the work
    await db.analyses.update_many({"status": "parked"}, {"$set": {"parked_until": parked["created_at"]}})
    await db.gemini_budget.delete_many({})  # the new quota day
    resumed = await resume_parked(db, settings)
    assert resumed.parked == 0 and resumed.requests == 2
    assert len(resumed.matches) == 3
    assert await db.analyses.count_documents({"status": "parked"}) == 0


async def test_dry_run_judges_but_writes_nothing(db, fake):
    await add_user(db, "kw@example.com", PY_PROFILE.model_copy(update={"include_keywords": ["python"]}))
    postings = [  # unsaved postings, as a dry-run scrape returns them: no _id
        {
            "company": "acme",
            "key": "gh:1",
            "title": "Python Developer",
            "location": "Berlin",
            "url": "https://x/1",
            "description": "Python and Kubernetes",
        },
        {
            "company": "acme",
            "key": "gh:2",
            "title": "Kubernetes Engineer",
            "location": "Berlin",
            "url": "https://x/2",
            "description": "Kubernetes, PostgreSQL, Python",
        },
        {"company": "acme", "key": "gh:3", "title": "Chef", "location": "Berlin", "url": "https://x/3"},
    ]
    outcome = await analyse_new_postings(
        db, gemini_settings(fake.base_url), {"_id": "acme"}, postings, judgements=DryJudgements()
    )
    by_title = {m["title"]: m for m in outcome.matches}
    assert set(by_title) == {"Python Developer", "Kubernetes Engineer"}
    assert by_title["Python Developer"]["keyword_hits"] == ["python"] and by_title["Python Developer"]["score"]
    assert (
        by_title["Kubernetes Engineer"]["posting"] == "gh:2" and by_title["Kubernetes Engineer"]["source"] == "gemini"
    )
    assert outcome.requests == len(fake.requests) > 0
    assert await db.matches.count_documents({}) == 0 and await db.analyses.count_documents({}) == 0
    # the quota is real: the requests were reserved and accounted
    assert await db.gemini_calls.count_documents({}) == outcome.requests


async def test_dry_run_without_key_is_keywords_only(db):
    await add_user(db, "kw@example.com", PY_PROFILE.model_copy(update={"include_keywords": ["python"]}))
    postings = [
        {"company": "acme", "key": "k1", "title": "Python Developer", "location": "Berlin", "url": "https://x/1"}
    ]
    outcome = await analyse_new_postings(
        db, gemini_settings(None), {"_id": "acme"}, postings, judgements=DryJudgements()
    )
    assert [(m["title"], m["source"]) for m in outcome.matches] == [("Python Developer", "keyword")]
    assert "GEMINI_API_KEY" in outcome.skipped_reason
    assert await db.matches.count_documents({}) == 0


async def test_screening_disabled_sends_everything_to_deep_in_batches(db, fake):
    await add_user(db, "py@example.com", PY_PROFILE)
    postings = await add_postings(db, "acme", TITLES)
    settings = gemini_settings(fake.base_url, gemini_screening=False, gemini_deep_batch_size=4)
    outcome = await analyse_new_postings(db, settings, {"_id": "acme"}, postings)
    assert fake.count(stage="screen") == 0 and fake.count(stage="deep") == 2  # 6 postings, 4 per request
    assert outcome.analysed == len(TITLES)


async def test_profile_without_cv_or_skills_gets_keywords_only(db, fake):
    await add_user(db, "kw@example.com", Profile(include_keywords=["designer"]))
    postings = await add_postings(db, "acme", TITLES)
    outcome = await analyse_new_postings(db, gemini_settings(fake.base_url), {"_id": "acme"}, postings)
    assert outcome.requests == 0 and fake.requests == [] and outcome.skipped_reason is None
    assert [m["title"] for m in outcome.matches] == ["Product Designer"]


async def test_outages_park_then_give_up(db, fake, monkeypatch):
    from scoutly.analysis import ledger

    await add_user(db, "py@example.com", PY_PROFILE)
    postings = await add_postings(db, "acme", TITLES[:1])
    settings = gemini_settings(fake.base_url, gemini_max_retries=2)
    fake.enqueue(*[fake.unavailable() for _ in range(2 * ledger.MAX_OUTAGE_PARKS)])
    first = await analyse_new_postings(db, settings, {"_id": "acme"}, postings)
    assert first.parked == 1 and len(fake.requests) == 2
    parked = await db.analyses.find_one({"stage": "screen"})
    assert parked["status"] == "parked" and parked["outage_parks"] == 1 and "unavailable" in parked["reason"]
    for attempt in range(2, ledger.MAX_OUTAGE_PARKS + 1):
        await db.analyses.update_many({"status": "parked"}, {"$set": {"parked_until": parked["created_at"]}})
        outcome = await resume_parked(db, settings)
        assert outcome.requests == 2
        if attempt < ledger.MAX_OUTAGE_PARKS:
            assert outcome.parked == 1
    assert outcome.failed == 1 and outcome.parked == 0
    gave_up = await db.analyses.find_one({"stage": "screen"})
    assert gave_up["status"] == "failed" and "gave up after" in gave_up["reason"]
    assert (await resume_parked(db, settings)).requests == 0


async def test_resume_takes_over_a_dead_workers_claim_and_follows_profile_changes(db, fake):
    from datetime import timedelta

    from scoutly.clock import utcnow

    await add_user(db, "py@example.com", PY_PROFILE)
    await add_user(db, "go@example.com", PY_PROFILE)
    [posting] = await add_postings(db, "acme", TITLES[:1])
    past = utcnow() - timedelta(hours=1)
    base = {"posting": posting["_id"], "stage": "screen", "company": "acme", "profile_version": 1}
    # a worker died mid-request (lease expired), and a parked judgement for a profile that changed since
    await db.analyses.insert_one({**base, "user": "py@example.com", "status": "pending", "lease_until": past})
    await db.analyses.insert_one({**base, "user": "go@example.com", "status": "parked", "parked_until": past})
    await update_profile(db, "go@example.com", {"skills": ["Python", "Go"]})
    outcome = await resume_parked(db, settings := gemini_settings(fake.base_url))
    # one screening request for both users, then one deep request per user
    assert (outcome.screened, outcome.analysed, outcome.requests) == (2, 2, 3)
    # go@'s new profile (Python, Go) scores below its min_score with the fake model: judged, no match
    assert {m["user"] for m in outcome.matches} == {"py@example.com"}
    assert await db.analyses.count_documents({"user": "go@example.com", "profile_version": 2, "stage": "deep"}) == 1
    old = await db.analyses.find_one({"user": "go@example.com", "profile_version": 1})
    new = await db.analyses.find_one({"user": "go@example.com", "profile_version": 2, "stage": "screen"})
    assert old["status"] == "superseded" and new["status"] == "done"
    assert (await resume_parked(db, settings)).requests == 0


async def test_a_user_missing_from_the_screening_answer_is_failed_not_dismissed(db, fake):
    await add_user(db, "py@example.com", PY_PROFILE)
    await add_user(db, "dev@example.com", PY_PROFILE)
    postings = await add_postings(db, "acme", TITLES[:2])

    def drop_second(answer, _prompt):
        answer["candidates"] = [c for c in answer["candidates"] if c["candidate_id"] != "C2"]
        return answer

    fake.enqueue(Scripted(transform=drop_second))
    outcome = await analyse_new_postings(db, gemini_settings(fake.base_url), {"_id": "acme"}, postings)
    assert outcome.failed == 2 and outcome.screened == 2
    failed = [a async for a in db.analyses.find({"status": "failed"})]
    assert {a["stage"] for a in failed} == {"screen"} and len({a["user"] for a in failed}) == 1
    assert "no entry for this user" in failed[0]["reason"]


async def test_a_broken_stored_profile_skips_that_user_only(db):
    await add_user(db, "kw@example.com", Profile(include_keywords=["python"]))
    await db.users.insert_one({"_id": "bad@example.com", "active": True, "profile": {"min_score": "lots"}})
    await db.trackings.insert_one({"user": "bad@example.com", "company": "acme", "rank": 10})
    postings = await add_postings(db, "acme", [("Python Developer", "Berlin")])
    outcome = await analyse_new_postings(db, gemini_settings(None), {"_id": "acme"}, postings)
    assert [m["user"] for m in outcome.matches] == ["kw@example.com"]
