"""Notifications: message building, once-only delivery, retry after failure, digests, URL management."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from bson import ObjectId
from loguru import logger

from scoutly.clock import utcnow
from scoutly.errors import InputError
from scoutly.log_setup import setup_logging
from scoutly.notify import notify_new_matches
from scoutly.notify.message import MatchItem, build_message, reasons_of
from scoutly.notify.subscriptions import add_url, remove_url, set_mode
from scoutly.storage.indexes import COMPANIES, MATCHES, POSTINGS, USERS
from scoutly.testing.http_server import LocalServer, Response


@pytest.fixture
def receiver() -> Iterator[LocalServer]:
    with LocalServer() as server:
        server.route("/hook", {"ok": True})
        yield server


def hook_url(server: LocalServer, path: str = "/hook") -> str:
    return f"json://127.0.0.1:{server.port}{path}"


async def seed(db, urls: list[str], *, mode: str = "run", min_score: int = 60, email: str = "ana@example.org"):
    now = utcnow()
    await db[USERS].insert_one(
        {
            "_id": email,
            "name": "Ana",
            "active": True,
            "profile": {"min_score": min_score},
            "notify": {"apprise_urls": urls, "mode": mode},
            "created_at": now,
        }
    )
    await db[COMPANIES].insert_many(
        [
            {"_id": "acme", "name": "Acme Corp", "active": True},
            {"_id": "globex", "name": "Globex", "active": True},
        ]
    )
    specs = [
        ("acme", "Senior Python Engineer", 91, "new"),
        ("acme", "Data Engineer", 70, "new"),
        ("globex", "Platform Engineer", 80, "new"),
        ("globex", "Office Manager", 30, "new"),
        ("globex", "Backend Engineer", 95, "dismissed"),
    ]
    ids = {}
    for company, title, score, status in specs:
        posting = ObjectId()
        await db[POSTINGS].insert_one(
            {
                "_id": posting,
                "company": company,
                "key": title,
                "title": title,
                "url": f"https://{company}.example/jobs/{posting}",
                "location": "Berlin",
            }
        )
        match = await db[MATCHES].insert_one(
            {
                "user": email,
                "posting": posting,
                "company": company,
                "source": "gemini",
                "score": score,
                "analysis": {"reasons": [f"fits {title}"]},
                "status": status,
                "notified_at": None,
                "created_at": now,
            }
        )
        ids[title] = match.inserted_id
    return ids


def test_message_groups_by_company_best_first_with_scores_and_reasons():
    items = [
        MatchItem("Globex", "Platform Engineer", "https://g/1", 80, "Remote", ("k8s", "python")),
        MatchItem("Acme", "Data Engineer", "https://a/2", 70),
        MatchItem("Acme", "Senior Python Engineer", "https://a/1", 91, None, ("python",)),
    ]
    message = build_message("Ana", items)
    assert message.title == "Scoutly: 3 new job matches for Ana"
    body = message.body
    assert body.index("Acme") < body.index("Globex")  # Acme's best (91) beats Globex's (80)
    assert body.index("Senior Python Engineer") < body.index("Data Engineer")
    assert "[80] Platform Engineer — Remote" in body and "· k8s" in body and "https://g/1" in body
    assert build_message(None, items[:1], digest=True).title == "Scoutly digest: 1 new job match"


def test_reasons_from_every_kind_of_analysis():
    assert reasons_of({"reasons": ["a", "b", "c", "d"]}) == ("a", "b", "c")
    assert reasons_of({"reason": "title fits"}) == ("title fits",)
    assert reasons_of({"matched_keywords": ["python", "mongodb"]}) == ("keywords: python, mongodb",)
    assert reasons_of(None) == ()


async def test_matches_above_min_score_are_announced_once(db, receiver):
    ids = await seed(db, [hook_url(receiver)])
    outcome = await notify_new_matches(db, None)
    assert (outcome.messages_sent, outcome.matches_notified, outcome.failed_sends) == (1, 3, 0)
    [hit] = receiver.hits("/hook")
    payload = hit.json()
    assert payload["title"] == "Scoutly: 3 new job matches for Ana"
    assert "Senior Python Engineer" in payload["message"] and "Office Manager" not in payload["message"]
    assert "Backend Engineer" not in payload["message"]  # dismissed
    notified = {doc["_id"] for doc in await db[MATCHES].find({"notified_at": {"$ne": None}}).to_list(None)}
    assert notified == {ids["Senior Python Engineer"], ids["Data Engineer"], ids["Platform Engineer"]}
    again = await notify_new_matches(db, None)
    assert again.messages_sent == 0 and len(receiver.hits("/hook")) == 1


async def test_failed_send_is_retried_next_run_and_never_lost(db, receiver):
    receiver.sequence("/flaky", [Response(500, "down"), Response(200, {"ok": True})])
    await seed(db, [hook_url(receiver, "/flaky")])
    first = await notify_new_matches(db, None)
    assert (first.messages_sent, first.failed_sends, first.matches_notified, first.pending) == (0, 1, 0, 3)
    assert await db[MATCHES].count_documents({"notified_at": {"$ne": None}}) == 0
    assert await db[MATCHES].count_documents({"notify_claim": {"$exists": True}}) == 0
    second = await notify_new_matches(db, None)
    assert (second.messages_sent, second.matches_notified) == (1, 3)


async def test_with_two_urls_only_the_failed_one_is_retried(db, receiver):
    receiver.sequence("/flaky", [Response(503, "down"), Response(200, {"ok": True})])
    await seed(db, [hook_url(receiver), hook_url(receiver, "/flaky")])
    first = await notify_new_matches(db, None)
    assert (first.messages_sent, first.failed_sends, first.matches_notified) == (1, 1, 0)
    second = await notify_new_matches(db, None)
    assert (second.messages_sent, second.matches_notified) == (1, 3)
    assert len(receiver.hits("/hook")) == 1 and len(receiver.hits("/flaky")) == 2


async def test_concurrent_notifiers_send_each_match_once(db, receiver):
    await seed(db, [hook_url(receiver)])
    outcomes = await asyncio.gather(*(notify_new_matches(db, None) for _ in range(4)))
    assert sum(o.matches_notified for o in outcomes) == 3
    assert len(receiver.hits("/hook")) == 1


async def test_digest_users_wait_for_the_digest(db, receiver):
    await seed(db, [hook_url(receiver)], mode="digest")
    assert (await notify_new_matches(db, None)).messages_sent == 0
    outcome = await notify_new_matches(db, None, digest=True)
    assert outcome.messages_sent == 1
    assert receiver.hits("/hook")[0].json()["title"].startswith("Scoutly digest: 3 new job matches")


async def test_user_without_urls_keeps_matches_pending(db):
    await seed(db, [])
    outcome = await notify_new_matches(db, None)
    assert (outcome.messages_sent, outcome.pending) == (0, 3)


async def test_apprise_urls_never_reach_the_log(db, receiver):
    stream = io.StringIO()
    setup_logging(stream=stream, colorize=False)
    try:
        secret_url = f"json://bot:SuperSecretToken123@127.0.0.1:{receiver.port}/missing-token-path"
        receiver.route("/missing-token-path", Response(500, "no"))
        await seed(db, [secret_url])
        await notify_new_matches(db, None)
        logger.complete()
        text = stream.getvalue()
        assert "failed; will retry next run" in text
        assert "SuperSecretToken123" not in text and "missing-token-path" not in text
    finally:
        logger.remove()
        logger.add(__import__("sys").stderr)


async def test_add_and_remove_urls(db, receiver):
    await seed(db, [])
    url = hook_url(receiver)
    assert await add_url(db, "Ana@Example.org", url)
    assert not await add_url(db, "ana@example.org", url)
    with pytest.raises(InputError, match=r"notify URL \(nope://…\): not a URL Apprise understands"):
        await add_url(db, "ana@example.org", "nope://x")
    with pytest.raises(InputError, match=r"user 'bob@example\.org': not found"):
        await add_url(db, "bob@example.org", url)
    await set_mode(db, "ana@example.org", "digest")
    user = await db[USERS].find_one({"_id": "ana@example.org"})
    assert user["notify"] == {"apprise_urls": [url], "mode": "digest"}
    assert await remove_url(db, "ana@example.org", url)
    assert not await remove_url(db, "ana@example.org", url)


async def test_keyword_matches_wait_for_a_score_only_when_gemini_is_configured(db, receiver):
    await seed(db, [hook_url(receiver)])
    await db[MATCHES].delete_many({})
    posting = await db[POSTINGS].find_one({"title": "Data Engineer"})
    await db[MATCHES].insert_one(
        {
            "user": "ana@example.org",
            "posting": posting["_id"],
            "company": "acme",
            "source": "keyword",
            "score": None,
            "analysis": None,
            "keyword_hits": ["python", "mongodb"],
            "status": "new",
            "notified_at": None,
            "title": "Data Engineer",
            "url": posting["url"],
        }
    )
    with_gemini = SimpleNamespace(gemini_key=lambda: "AIza-configured")
    assert (await notify_new_matches(db, with_gemini)).messages_sent == 0
    without_gemini = SimpleNamespace(gemini_key=lambda: None)
    assert (await notify_new_matches(db, without_gemini)).matches_notified == 1
    assert "keywords: python, mongodb" in receiver.hits("/hook")[0].json()["message"]
