"""The stored records (scoutly/storage/records.py) and their writers cannot drift apart: a posting or a match
written and read back has exactly the keys its TypedDict names, and the always-written ones are `Required`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scoutly.acquire.models import PostingFound
from scoutly.analysis.judgements import would_be_match
from scoutly.analysis.keywords import KeywordVerdict
from scoutly.analysis.matches import mark, save_gemini_match, save_keyword_match
from scoutly.analysis.pairs import Interest, Pair
from scoutly.analysis.profile import Profile
from scoutly.postings.diff import diff_postings
from scoutly.postings.store import new_posting_doc, record_listing
from scoutly.storage.records import MatchRecord, PostingRecord, WouldBeMatch

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def all_keys(record: type) -> set[str]:
    return set(record.__required_keys__ | record.__optional_keys__)  # type: ignore[attr-defined]


def found() -> list[PostingFound]:
    return [
        PostingFound(key="acme:1", title="Engineer", url="https://acme.example/jobs/1"),
        PostingFound(
            key="acme:2",
            title="Designer",
            url=None,
            location="Berlin",
            department="Design",
            employment_type="full-time",
            remote=True,
            description="Pixels.",
            source="static",
        ),
    ]


def test_the_records_say_what_is_optional() -> None:
    assert PostingRecord.__optional_keys__ == {"_id"}  # a dry run's new postings are never saved
    assert MatchRecord.__optional_keys__ == {"keyword_hits", "notified_via", "notify_claim", "notify_claim_until"}
    assert WouldBeMatch.__optional_keys__ == set()


async def test_a_stored_posting_has_exactly_the_posting_records_keys(db) -> None:
    recorded = await record_listing(db, "acme", diff_postings(found(), {}, complete=True), baseline=True, now=T0)
    assert len(recorded.new) == 2
    # later looks refresh, count misses and close: values change, keys do not
    later = diff_postings(found()[:1], {"acme:1": True, "acme:2": True}, complete=True)
    await record_listing(db, "acme", later, baseline=False, now=T0 + timedelta(hours=1))
    stored = await db.postings.find({}).to_list(None)
    assert len(stored) == 2 and any(doc["closed_at"] for doc in stored)
    for doc in [*recorded.new, *stored]:
        assert set(doc) == all_keys(PostingRecord)
        assert set(doc) - {"_id"} == PostingRecord.__required_keys__
    unsaved = new_posting_doc("acme", found()[1], baseline=False, now=T0)  # what a dry run reports
    assert set(unsaved) == PostingRecord.__required_keys__


async def test_a_stored_match_has_exactly_the_match_records_keys(db) -> None:
    recorded = await record_listing(db, "acme", diff_postings(found(), {}, complete=True), baseline=False, now=T0)
    keyword_posting, gemini_posting = recorded.new
    analysis = {"score": 80, "verdict": "good_fit", "reasons": ["fits"], "gaps": [], "model": "m"}
    assert await save_keyword_match(db, "a@example.com", keyword_posting, ["python"], now=T0)
    assert await save_gemini_match(db, "a@example.com", gemini_posting, analysis, create=True, now=T0)
    keyword_match = await db.matches.find_one({"posting": keyword_posting["_id"]})
    gemini_match = await db.matches.find_one({"posting": gemini_posting["_id"]})
    assert set(keyword_match) == MatchRecord.__required_keys__ | {"keyword_hits"}
    assert set(gemini_match) == MatchRecord.__required_keys__  # Gemini alone writes no keyword_hits
    # Gemini enriching the keyword match, and a status change, add no keys
    assert await save_gemini_match(db, "a@example.com", keyword_posting, analysis, create=False, now=T0)
    marked = await mark(db, str(keyword_match["_id"]), "seen")
    assert set(marked) == MatchRecord.__required_keys__ | {"keyword_hits"}
    for doc in await db.matches.find({}).to_list(None):
        assert MatchRecord.__required_keys__ <= set(doc) <= all_keys(MatchRecord)


def test_a_dry_runs_match_has_exactly_the_would_be_match_keys() -> None:
    posting = new_posting_doc("acme", found()[0], baseline=False, now=T0)
    pair = Pair(Interest("a@example.com", Profile(), 1), posting, KeywordVerdict(include_hits=["python"]))
    for analysis in (None, {"score": 70}):
        assert set(would_be_match(pair, analysis)) == WouldBeMatch.__required_keys__
