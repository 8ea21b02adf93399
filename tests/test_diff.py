"""Diff (scoutly/postings/diff.py) and its persistence (scoutly/postings/store.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scoutly.acquire.models import PostingFound
from scoutly.acquire.urls import url_key
from scoutly.postings.diff import diff_postings
from scoutly.postings.store import known_postings, record_listing
from scoutly.storage.indexes import POSTINGS

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def p(key: str, title: str | None = None, **fields) -> PostingFound:
    return PostingFound(key=key, title=title or key.title(), url=f"https://x.io/{key}", source="static", **fields)


def test_new_still_open_reopened_removed() -> None:
    known = {"a": True, "b": True, "c": False}
    diff = diff_postings([p("a"), p("c"), p("d"), p("d")], known, complete=True)
    assert [x.key for x in diff.new] == ["d"]
    assert [x.key for x in diff.still_open] == ["a"]
    assert [x.key for x in diff.reopened] == ["c"]
    assert diff.removed == ["b"]


def test_known_posting_under_another_key_keeps_its_key() -> None:
    from_page = PostingFound(key="https://x.io/careers/eng-42", title="Engineer", url="https://x.io/careers/eng-42/")
    diff = diff_postings(
        [from_page], {"greenhouse:42": True}, complete=True, known_urls={"https://x.io/careers/eng-42": "greenhouse:42"}
    )
    assert diff.new == [] and diff.removed == [] and [p.key for p in diff.still_open] == ["greenhouse:42"]


def test_page_listings_confirm_a_removal() -> None:
    first = diff_postings([p("a")], {"a": True, "b": True}, complete=True, confirm_after=2)
    assert first.removed == [] and first.missing == {"b": 1}
    second = diff_postings([p("a")], {"a": True, "b": True}, complete=True, missed={"b": 1}, confirm_after=2)
    assert second.removed == ["b"] and second.missing == {}
    incomplete = diff_postings([p("a")], {"a": True, "b": True}, complete=False, missed={"b": 1}, confirm_after=2)
    assert incomplete.removed == [] and incomplete.missing == {}


async def test_misses_are_recorded_idempotently_and_reset_when_seen(db) -> None:
    from scoutly.postings.store import known_state

    await record_listing(db, "acme", diff_postings([p("a"), p("b")], {}, complete=True), baseline=True, now=T0)
    state = await known_state(db, "acme")
    miss = diff_postings([p("a")], state.open, complete=True, missed=state.missed, confirm_after=2)
    await record_listing(db, "acme", miss, baseline=False, now=T0)
    await record_listing(db, "acme", miss, baseline=False, now=T0)  # repeated after a crash: still one miss
    assert (await known_state(db, "acme")).missed == {"b": 1}
    await record_listing(
        db, "acme", diff_postings([p("a"), p("b")], {"a": True, "b": True}, complete=True), baseline=False, now=T0
    )
    assert (await known_state(db, "acme")).missed == {}


def test_incomplete_listing_never_removes() -> None:
    diff = diff_postings([p("a")], {"a": True, "b": True}, complete=False)
    assert diff.removed == [] and [x.key for x in diff.still_open] == ["a"]
    assert diff_postings([], {"a": True}, complete=False).removed == []


async def test_baseline_then_changes(db) -> None:
    first = diff_postings([p("a", description="A text"), p("b")], await known_postings(db, "acme"), complete=True)
    recorded = await record_listing(db, "acme", first, baseline=True, now=T0)
    assert [d["key"] for d in recorded.new] == ["a", "b"]
    assert all(d["baseline"] is True and d["_id"] for d in recorded.new)
    assert recorded.new[0]["description"] == "A text" and recorded.new[0]["first_seen_at"] == T0

    later = T0 + timedelta(hours=1)
    second = diff_postings([p("b", "B renamed"), p("c")], await known_postings(db, "acme"), complete=True)
    recorded = await record_listing(db, "acme", second, baseline=False, now=later)
    assert [d["key"] for d in recorded.new] == ["c"] and recorded.new[0]["baseline"] is False
    assert recorded.removed == 1
    docs = {d["key"]: d async for d in db[POSTINGS].find({"company": "acme"})}
    assert docs["a"]["closed_at"] == later
    assert docs["b"]["title"] == "B renamed" and docs["b"]["first_seen_at"] == T0 and docs["b"]["last_seen_at"] == later
    assert docs["b"]["baseline"] is True
    assert await known_postings(db, "acme") == {"a": False, "b": True, "c": True}


async def test_reopened_posting_is_not_new(db) -> None:
    await record_listing(db, "acme", diff_postings([p("a")], {}, complete=True), baseline=True, now=T0)
    await record_listing(db, "acme", diff_postings([], {"a": True}, complete=True), baseline=False, now=T0)
    again = diff_postings([p("a")], await known_postings(db, "acme"), complete=True)
    recorded = await record_listing(db, "acme", again, baseline=False, now=T0 + timedelta(days=1))
    assert recorded.new == []
    doc = await db[POSTINGS].find_one({"company": "acme", "key": "a"})
    assert doc["closed_at"] is None


async def test_repeating_a_record_is_idempotent(db) -> None:
    diff = diff_postings([p("a"), p("b")], {}, complete=True)
    await record_listing(db, "acme", diff, baseline=True, now=T0)
    again = await record_listing(db, "acme", diff, baseline=True, now=T0)  # e.g. retried after a crash
    assert again.new == []
    assert await db[POSTINGS].count_documents({"company": "acme"}) == 2


async def test_missing_listing_fields_do_not_erase_known_ones(db) -> None:
    await record_listing(db, "acme", diff_postings([p("a", location="Oslo")], {}, complete=True), baseline=True)
    await record_listing(db, "acme", diff_postings([p("a")], {"a": True}, complete=True), baseline=False)
    assert (await db[POSTINGS].find_one({"key": "a"}))["location"] == "Oslo"


async def test_companies_are_separate(db) -> None:
    await record_listing(db, "acme", diff_postings([p("a")], {}, complete=True), baseline=True)
    recorded = await record_listing(db, "other", diff_postings([p("a")], {}, complete=True), baseline=True)
    assert len(recorded.new) == 1
    assert await known_postings(db, "other") == {"a": True}


def test_diff_leaves_its_input_unchanged() -> None:
    from_page = PostingFound(key="https://x.io/careers/eng-42", title="Engineer", url="https://x.io/careers/eng-42/")
    listing = [from_page]
    known_urls = {url_key(from_page.url): "greenhouse:42"}
    diff = diff_postings(listing, {"greenhouse:42": True}, complete=True, known_urls=known_urls)
    assert [x.key for x in diff.still_open] == ["greenhouse:42"]
    assert listing == [from_page] and from_page.key == "https://x.io/careers/eng-42"
