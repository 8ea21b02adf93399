"""The Gemini gateway: one structured request, within the shared budgets, with honest failure handling.

For each request: reserve on the shared limiter → google-genai async call → validate the JSON against the
Pydantic schema → account the tokens in `gemini_calls`. Failures are handled by kind:

- 429 per-minute (QuotaFailure quotaId ...PerMinute..., RetryInfo) → wait the server's delay, retry;
- 429 per-day → the model is marked spent until the Pacific-midnight reset (for every process), and the
  next model of the list is tried; with none left `AllModelsExhausted` tells the caller to park the work;
- 500/502/503/504 and network timeouts → retried with exponential backoff and jitter (tenacity); a request that
  never reached Google (connect/write failure) gives its reservation back, so an outage does not spend the day;
- 400 (and other 4xx) and SAFETY-blocked answers → not retried, `GeminiFailure(park=False)` with the reason;
- malformed JSON (or JSON that fails the schema) → one retry, then `GeminiFailure(park=False)`.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

import httpx
from google import genai
from google.genai import errors as genai_errors
from google.genai import types
from loguru import logger
from pydantic import BaseModel, ValidationError
from tenacity import AsyncRetrying, retry_if_exception, stop_never, wait_exponential_jitter

from scoutly.analysis.limiter import Clock, DailyQuotaExhausted, RateLimiter, Reservation, Sleep
from scoutly.analysis.prompts import SYSTEM_INSTRUCTION, estimate_tokens, inline_schema_prompt
from scoutly.analysis.quota import parse_rate_limit
from scoutly.clock import utcnow
from scoutly.config import Settings
from scoutly.errors import ConfigError
from scoutly.redact import redact
from scoutly.storage.indexes import GEMINI_CALLS
from scoutly.storage.types import Database, Document

try:  # google-genai may talk through httpx2 (a drop-in fork) when it is installed
    import httpx2

    _HTTP_MODULES: tuple[Any, ...] = (httpx, httpx2)
except ImportError:  # pragma: no cover - depends on the environment
    _HTTP_MODULES = (httpx,)

_TRANSPORT_ERRORS: tuple[type[BaseException], ...] = tuple(module.TransportError for module in _HTTP_MODULES)
# Failures before the request was whole on the wire: Google never saw it, so it spent no quota.
_NOT_SENT_ERRORS: tuple[type[BaseException], ...] = tuple(
    getattr(module, name)
    for module in _HTTP_MODULES
    for name in ("ConnectError", "ConnectTimeout", "WriteError", "WriteTimeout", "ProxyError")
)

T = TypeVar("T", bound=BaseModel)

BLOCKED_FINISH = {"SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION", "IMAGE_SAFETY"}
MAX_MINUTE_RETRIES = 5
MAX_RETRY_DELAY = 300.0  # a per-minute 429 asking for longer is not believed beyond this
MAX_OUTPUT_TOKENS = 16384  # includes thinking tokens on thinking models
_CODE_FENCE = re.compile(r"^\s*```(?:json)?\s*|\s*```\s*$")


class GeminiFailure(Exception):
    """A request failed for good. `park=True`: worth trying again later (outage); False: recorded as failed."""

    def __init__(self, reason: str, *, park: bool):
        super().__init__(reason)
        self.reason = reason
        self.park = park


class AllModelsExhausted(Exception):
    """Every model of the list has spent its daily quota; work must wait until `resets_at`."""

    def __init__(self, resets_at: Any):
        super().__init__(f"all Gemini models spent their daily quota until {resets_at}")
        self.resets_at = resets_at


class _MinuteLimited(Exception):
    def __init__(self, delay: float):
        super().__init__(f"per-minute quota: retry in {delay:.1f}s")
        self.delay = delay


class _Transient(Exception):
    pass


class _Malformed(Exception):
    pass


@dataclass(frozen=True)
class CallResult:
    """A validated answer and what it cost."""

    answer: Any
    model: str
    prompt_tokens: int
    output_tokens: int
    total_tokens: int


def uses_json_mode(model: str) -> bool:
    """Gemma models on the Gemini API take neither a system instruction nor a response schema."""
    return not model.split("/")[-1].startswith("gemma")


def thinking_for(model: str) -> types.ThinkingConfig | None:
    """Bounded reasoning where the model family documents the knob: judging fit needs a little, not a lot."""
    name = model.split("/")[-1]
    if name.startswith("gemini-2.5-flash-lite"):
        return types.ThinkingConfig(thinking_budget=0)
    if name.startswith("gemini-2.5-flash"):
        return types.ThinkingConfig(thinking_budget=1024)
    if name.startswith("gemini-3") and "flash" in name:
        return types.ThinkingConfig(thinking_level=types.ThinkingLevel.LOW)
    return None  # other models: their default


def temperature_for(model: str) -> float | None:
    """Low temperature for steady judgements; Gemini 3 models are meant to run at their default (1.0)."""
    return None if model.split("/")[-1].startswith("gemini-3") else 0.2


def make_client(settings: Settings) -> genai.Client:
    """The google-genai client for the configured key and endpoint (ConfigError without a key)."""
    key = settings.gemini_key()
    if key is None:
        raise ConfigError("GEMINI_API_KEY: not set (Gemini stages need it)")
    options = types.HttpOptions(timeout=int(settings.gemini_timeout_seconds * 1000))
    if settings.gemini_base_url:
        options.base_url = settings.gemini_base_url
    return genai.Client(api_key=key, http_options=options)


def _first_candidate(response: types.GenerateContentResponse) -> types.Candidate | None:
    return response.candidates[0] if response.candidates else None


def _answer_text(response: types.GenerateContentResponse) -> str:
    candidate = _first_candidate(response)
    parts = candidate.content.parts if candidate and candidate.content and candidate.content.parts else []
    return "".join(part.text or "" for part in parts if not part.thought)


def _value(reason: Enum | str | None) -> str | None:
    """An enum's wire value (google-genai's finish and block reasons), else the value itself."""
    return str(reason.value) if isinstance(reason, Enum) else reason


def _finish_reason(response: types.GenerateContentResponse) -> str | None:
    candidate = _first_candidate(response)
    return _value(candidate.finish_reason if candidate else None)


class GeminiGateway:
    """Structured Gemini requests for one process, sharing the budget with all others through MongoDB."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        client: genai.Client | None = None,
        clock: Clock = utcnow,
        sleep: Sleep = asyncio.sleep,
    ):
        self.db = db
        self.settings = settings
        self._owns_client = client is None
        self.client = client or make_client(settings)
        self.clock = clock
        self.sleep = sleep
        self.limiter = RateLimiter(db, settings, clock=clock, sleep=sleep)
        self.requests = 0
        self.tokens = 0

    async def aclose(self) -> None:
        """Close the HTTP connections of a client this gateway created."""
        if self._owns_client:
            await self.client.aio.aclose()

    async def generate(
        self,
        *,
        stage: str,
        models: list[str],
        prompt: str,
        schema: type[T],
        users: list[str],
        company: str | None,
    ) -> CallResult:
        """Ask the first model with budget left; raises AllModelsExhausted or GeminiFailure."""
        resets_at = None
        for model in dict.fromkeys(models):
            try:
                return await self._on_model(
                    model, stage=stage, prompt=prompt, schema=schema, users=users, company=company
                )
            except DailyQuotaExhausted as exc:
                logger.warning("Gemini {}: daily quota spent until {}; trying the next model", model, exc.resets_at)
                resets_at = exc.resets_at if resets_at is None else min(resets_at, exc.resets_at)
        raise AllModelsExhausted(resets_at)

    async def _on_model(self, model: str, **call: Any) -> CallResult:
        counts: Counter[str] = Counter()
        limits = {"minute": MAX_MINUTE_RETRIES, "transient": self.settings.gemini_max_retries - 1, "malformed": 1}
        backoff = wait_exponential_jitter(
            initial=self.settings.gemini_retry_initial_seconds,
            max=60,
            jitter=self.settings.gemini_retry_initial_seconds,
        )

        def kind(exc: BaseException) -> str | None:
            return {_MinuteLimited: "minute", _Transient: "transient", _Malformed: "malformed"}.get(type(exc))

        def should_retry(exc: BaseException) -> bool:
            name = kind(exc)
            if name is None:
                return False
            counts[name] += 1
            return counts[name] <= limits[name]

        def wait(state: Any) -> float:
            exc = state.outcome.exception()
            if isinstance(exc, _MinuteLimited):
                return exc.delay
            if isinstance(exc, _Malformed):
                return 0.0
            return backoff(state)

        try:
            async for attempt in AsyncRetrying(
                retry=retry_if_exception(should_retry), wait=wait, stop=stop_never, sleep=self.sleep, reraise=True
            ):
                with attempt:
                    return await self._attempt(model, **call)
        except _MinuteLimited as exc:
            raise GeminiFailure(
                f"{model}: still rate limited per minute after {counts['minute']} tries", park=True
            ) from exc
        except _Transient as exc:
            raise GeminiFailure(f"{model}: unavailable after {counts['transient']} tries: {exc}", park=True) from exc
        except _Malformed as exc:
            raise GeminiFailure(f"{model}: malformed answer twice: {exc}", park=False) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _request(self, model: str, prompt: str, schema: type[BaseModel]) -> tuple[str, types.GenerateContentConfig]:
        if uses_json_mode(model):
            return prompt, types.GenerateContentConfig(
                system_instruction=SYSTEM_INSTRUCTION,
                response_mime_type="application/json",
                response_json_schema=schema.model_json_schema(),
                temperature=temperature_for(model),
                max_output_tokens=MAX_OUTPUT_TOKENS,
                thinking_config=thinking_for(model),
            )
        return inline_schema_prompt(prompt, schema), types.GenerateContentConfig(
            temperature=temperature_for(model), max_output_tokens=MAX_OUTPUT_TOKENS
        )

    async def _attempt(
        self, model: str, *, stage: str, prompt: str, schema: type[T], users: list[str], company: str | None
    ) -> CallResult:
        contents, config = self._request(model, prompt, schema)
        reservation = await self.limiter.acquire(model, estimate_tokens(contents))
        started = time.monotonic()
        record: Document = {"model": model, "stage": stage, "users": users, "company": company, "day": reservation.day}
        record["at"] = self.clock()  # when the request was sent (inside the reserved windows)
        if len(users) == 1:
            record["user"] = users[0]
        self.requests += 1
        try:
            response = await self.client.aio.models.generate_content(model=model, contents=contents, config=config)
        except genai_errors.APIError as exc:
            await self._account(record, started, outcome=f"http_{exc.code}", error=exc.message or str(exc.status))
            await self._raise_for_api_error(model, exc, reservation)
        except _TRANSPORT_ERRORS as exc:
            if isinstance(exc, _NOT_SENT_ERRORS):  # an outage must not spend the day: refund what was reserved
                await self.limiter.refund(reservation)
            await self._account(record, started, outcome="network", error=type(exc).__name__)
            raise _Transient(f"{type(exc).__name__}: {exc}") from exc

        usage = response.usage_metadata
        prompt_tokens = (usage.prompt_token_count if usage else None) or 0
        output_tokens = ((usage.candidates_token_count or 0) + (usage.thoughts_token_count or 0)) if usage else 0
        total_tokens = (usage.total_token_count if usage else None) or prompt_tokens + output_tokens
        await self.limiter.settle(reservation, prompt_tokens or None)
        self.tokens += total_tokens
        tokens = {"prompt_tokens": prompt_tokens, "output_tokens": output_tokens, "total_tokens": total_tokens}

        block = _value(response.prompt_feedback.block_reason if response.prompt_feedback else None)
        finish = _finish_reason(response)
        if block or finish in BLOCKED_FINISH:
            reason = f"blocked: {block or finish}"
            await self._account(record, started, outcome="blocked", error=reason, tokens=tokens)
            raise GeminiFailure(f"{model}: answer {reason}", park=False)
        text = _CODE_FENCE.sub("", _answer_text(response))
        try:
            answer = schema.model_validate_json(text)
        except (ValidationError, ValueError) as exc:
            detail = f"finish {finish}; {str(exc).splitlines()[0][:200]}"
            await self._account(record, started, outcome="malformed", error=detail, tokens=tokens)
            raise _Malformed(detail) from exc
        await self._account(record, started, outcome="ok", tokens=tokens)
        return CallResult(answer, model, prompt_tokens, output_tokens, total_tokens)

    async def _raise_for_api_error(self, model: str, exc: genai_errors.APIError, reservation: Reservation) -> None:
        code = exc.code or 0
        if code == 429:
            limit = parse_rate_limit(exc.details)
            if limit.kind == "day":
                resets = await self.limiter.mark_exhausted(model)
                raise DailyQuotaExhausted(model, resets) from exc
            await self.limiter.mark_minute_full(model)
            await self.limiter.give_back(reservation)
            delay = min(limit.retry_after if limit.retry_after is not None else 60.0, MAX_RETRY_DELAY)
            raise _MinuteLimited(delay) from exc
        if code in (408, 500, 502, 503, 504) or code >= 500:
            raise _Transient(f"HTTP {code} {exc.status or ''}".strip()) from exc
        message = redact(exc.message or str(exc.status or ""))[:300]
        raise GeminiFailure(f"{model}: HTTP {code}: {message}", park=False) from exc

    async def _account(
        self,
        record: Document,
        started: float,
        *,
        outcome: str,
        error: str | None = None,
        tokens: dict[str, int] | None = None,
    ) -> None:
        """One `gemini_calls` document per request sent (tokens are 0 when the server refused it)."""
        tokens = tokens or {}
        doc = {
            **record,
            "prompt_tokens": tokens.get("prompt_tokens", 0),
            "output_tokens": tokens.get("output_tokens", 0),
            "total_tokens": tokens.get("total_tokens", 0),
            "duration_ms": int((time.monotonic() - started) * 1000),
            "outcome": outcome,
        }
        if error:
            doc["error"] = redact(error)[:300]
        await self.db[GEMINI_CALLS].insert_one(doc)


__all__ = ["AllModelsExhausted", "CallResult", "GeminiFailure", "GeminiGateway", "make_client"]
