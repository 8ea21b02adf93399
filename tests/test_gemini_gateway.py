"""The Gemini gateway with the REAL google-genai SDK against the fake server: 429s shaped like the real API's,
503 backoff, 400, SAFETY, malformed JSON, model fallback, token accounting."""

from __future__ import annotations

import socket

import pytest

from scoutly.analysis import budget_snapshot
from scoutly.analysis.gemini import AllModelsExhausted, GeminiFailure, GeminiGateway, uses_json_mode
from scoutly.analysis.profile import Profile
from scoutly.analysis.prompts import Candidate, PostingRef, screen_prompt
from scoutly.analysis.quota import parse_duration, parse_rate_limit
from scoutly.analysis.schemas import ScreenAnswer
from scoutly.testing.fake_gemini import FakeClock, FakeGemini, gemini_settings

FLASH, LITE = "gemini-2.5-flash", "gemini-2.5-flash-lite"
PROMPT = screen_prompt(
    [(Candidate("C1", Profile(skills=["Python"])), ["P1", "P2"])],
    [PostingRef("P1", {"title": "Python Engineer", "location": "Berlin"}), PostingRef("P2", {"title": "Chef"})],
)


@pytest.fixture
def fake():
    with FakeGemini() as server:
        yield server


@pytest.fixture
def clock():
    return FakeClock()


_open: list[GeminiGateway] = []


@pytest.fixture(autouse=True)
async def _close_gateways():
    yield
    while _open:
        await _open.pop().aclose()


def gateway(db, fake, clock, **overrides):
    gw = GeminiGateway(db, gemini_settings(fake.base_url, **overrides), clock=clock.now, sleep=clock.sleep)
    _open.append(gw)
    return gw


async def ask(gw, models=(FLASH, LITE)):
    return await gw.generate(
        stage="screen", models=list(models), prompt=PROMPT, schema=ScreenAnswer, users=["a@example.com"], company="acme"
    )


async def calls(db):
    return [doc async for doc in db.gemini_calls.find().sort("at", 1)]


def test_parse_rate_limit_like_the_real_api():
    from scoutly.testing.fake_gemini import quota_error

    minute = parse_rate_limit(quota_error(FLASH, "GenerateRequestsPerMinutePerProjectPerModel-FreeTier", "37s"))
    assert (minute.kind, minute.retry_after) == ("minute", 37.0)
    day = parse_rate_limit(quota_error(FLASH, "GenerateRequestsPerDayPerProjectPerModel-FreeTier", "3600s"))
    assert day.kind == "day" and day.quota_ids == ["GenerateRequestsPerDayPerProjectPerModel-FreeTier"]
    tokens = parse_rate_limit(quota_error(FLASH, "GenerateContentInputTokensPerModelPerMinute-FreeTier", None))
    assert (tokens.kind, tokens.retry_after) == ("minute", None)
    assert parse_rate_limit({"error": {"code": 429, "message": "x"}}).kind == "unknown"
    assert parse_rate_limit("not json").kind == "unknown"
    assert parse_duration("0.5s") == 0.5 and parse_duration("soon") is None


async def test_ok_answer_is_validated_and_accounted(db, fake, clock):
    gw = gateway(db, fake, clock)
    result = await ask(gw)
    assert [p.posting_id for p in result.answer.candidates[0].picks] == ["P1"]
    assert result.model == FLASH and result.prompt_tokens > 0 and result.total_tokens > result.prompt_tokens
    body = fake.requests[0].body
    assert "responseJsonSchema" in body["generationConfig"] and "systemInstruction" in body
    assert list(body["generationConfig"]["thinkingConfig"].values()) == [1024]  # the SDK may send snake_case
    [call] = await calls(db)
    assert call["outcome"] == "ok" and call["stage"] == "screen" and call["user"] == "a@example.com"
    assert call["total_tokens"] == result.total_tokens and call["day"] == "2036-07-10"
    assert "test-key-123456" not in str(call)


async def test_per_minute_429_waits_retry_delay_then_retries(db, fake, clock):
    fake.enqueue(fake.minute_limit("37s"))
    result = await ask(gateway(db, fake, clock))
    assert result.model == FLASH and len(fake.requests) == 2
    assert clock.sleeps[0] == 37.0
    # the minute was marked full for every process, so the retry also waited for the next minute window
    assert clock.current.minute == 1 and clock.current.hour == 17
    assert [c["outcome"] for c in await calls(db)] == ["http_429", "ok"]
    rows = {row["model"]: row for row in await budget_snapshot(db, gemini_settings(fake.base_url), now=clock.now())}
    assert rows[FLASH]["requests_today"] == 1  # the refused request gave its day reservation back


async def test_per_day_429_marks_model_spent_and_falls_back(db, fake, clock):
    fake.enqueue(fake.day_limit(), model=FLASH)
    result = await ask(gateway(db, fake, clock))
    assert result.model == LITE
    assert [r.model for r in fake.requests] == [FLASH, LITE]
    # another process (a new gateway) does not even try the spent model
    other = gateway(db, fake, clock)
    assert (await ask(other)).model == LITE
    assert [r.model for r in fake.requests] == [FLASH, LITE, LITE]
    rows = {row["model"]: row for row in await budget_snapshot(db, other.settings, now=clock.now())}
    assert rows[FLASH]["exhausted"] and not rows[LITE]["exhausted"]
    assert rows[FLASH]["resets_at"].isoformat() == "2036-07-11T07:00:00+00:00"  # midnight Pacific (PDT)


async def test_all_models_spent_raises_with_reset_time(db, fake, clock):
    fake.enqueue(fake.day_limit(), model=FLASH)
    fake.enqueue(fake.day_limit(), model=LITE)
    with pytest.raises(AllModelsExhausted) as caught:
        await ask(gateway(db, fake, clock))
    assert caught.value.resets_at.isoformat() == "2036-07-11T07:00:00+00:00"
    assert len(fake.requests) == 2


async def test_503_retried_with_exponential_backoff(db, fake, clock):
    fake.enqueue(fake.unavailable(), fake.server_error(), fake.unavailable())
    result = await ask(gateway(db, fake, clock, gemini_retry_initial_seconds=1.0))
    assert result.model == FLASH and len(fake.requests) == 4
    waits = clock.sleeps
    assert len(waits) == 3 and 1.0 <= waits[0] <= 2.0 and 2.0 <= waits[1] <= 3.0 and 4.0 <= waits[2] <= 5.0
    assert [c["outcome"] for c in await calls(db)] == ["http_503", "http_500", "http_503", "ok"]


async def test_503_that_persists_parks(db, fake, clock):
    fake.enqueue(*[fake.unavailable() for _ in range(5)])
    with pytest.raises(GeminiFailure) as caught:
        await ask(gateway(db, fake, clock, gemini_max_retries=3))
    assert caught.value.park is True and len(fake.requests) == 3


async def test_400_is_not_retried(db, fake, clock):
    fake.enqueue(fake.bad_request("API key not valid. key=AIzaSyA1234567890123456789012345"))
    with pytest.raises(GeminiFailure) as caught:
        await ask(gateway(db, fake, clock))
    assert caught.value.park is False and "HTTP 400" in caught.value.reason and len(fake.requests) == 1
    assert "AIzaSyA1234567890" not in caught.value.reason
    [call] = await calls(db)
    assert call["outcome"] == "http_400" and "AIzaSyA1234567890" not in call["error"]


async def test_safety_block_is_not_retried(db, fake, clock):
    fake.enqueue(fake.safety())
    with pytest.raises(GeminiFailure) as caught:
        await ask(gateway(db, fake, clock))
    assert caught.value.park is False and "SAFETY" in caught.value.reason and len(fake.requests) == 1
    assert (await calls(db))[0]["outcome"] == "blocked"


async def test_malformed_json_gets_exactly_one_retry(db, fake, clock):
    fake.enqueue(fake.malformed())
    assert (await ask(gateway(db, fake, clock))).model == FLASH
    assert len(fake.requests) == 2

    fake.enqueue(fake.malformed(), fake.text('{"candidates": [{"candidate_id": "C1", "picks": "nope"}]}'))
    with pytest.raises(GeminiFailure) as caught:
        await ask(gateway(db, fake, clock))
    assert caught.value.park is False and "malformed" in caught.value.reason
    assert len(fake.requests) == 4
    assert [c["outcome"] for c in await calls(db)] == ["malformed", "ok", "malformed", "malformed"]


async def test_gemma_gets_schema_in_prompt_not_json_mode(db, fake, clock):
    assert not uses_json_mode("gemma-3-27b-it") and uses_json_mode(FLASH)
    fake.enqueue(fake.day_limit(), model=FLASH)
    result = await ask(gateway(db, fake, clock), models=(FLASH, "gemma-3-27b-it"))
    assert result.model == "gemma-3-27b-it"
    body = fake.requests[1].body
    assert "systemInstruction" not in body and "responseJsonSchema" not in body.get("generationConfig", {})
    assert '"candidate_id"' in fake.requests[1].prompt and "never instructions" in fake.requests[1].prompt


async def test_network_failure_is_transient(db, clock):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = gemini_settings(f"http://127.0.0.1:{port}", gemini_max_retries=2, gemini_timeout_seconds=2)
    gw = GeminiGateway(db, settings, clock=clock.now, sleep=clock.sleep)
    _open.append(gw)
    with pytest.raises(GeminiFailure) as caught:
        await ask(gw)
    assert caught.value.park is True
    assert [c["outcome"] for c in await calls(db)] == ["network", "network"]
