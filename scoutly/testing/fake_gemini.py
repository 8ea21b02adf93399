"""A fake Gemini API on 127.0.0.1 that the REAL google-genai SDK talks to (`HttpOptions(base_url=...)`).

It speaks the REST shape of `POST /v1beta/models/{model}:generateContent`: answers carry
`candidates[].content.parts[].text`, `finishReason` and `usageMetadata` (4 characters a token). By
default it answers realistically from the request itself: it parses the fenced CANDIDATE/POSTING blocks
of Scoutly's prompts and shortlists/scores postings by overlap with the candidate's skills. Scripted
answers replace the default one request at a time:

    with FakeGemini() as fake:
        settings = load_settings(gemini_api_key="test-key", gemini_base_url=fake.base_url)
        fake.enqueue(fake.minute_limit("2s"), fake.unavailable(), model="gemini-2.5-flash")
        ...
        fake.requests            # every request received: .model, .stage, .prompt, .body, .status
        fake.count(model=..., stage="screen")

Scripted items: `minute_limit(delay)` (429 with QuotaFailure ...PerMinute... + RetryInfo), `day_limit()`
(429 ...PerDay...), `unavailable()` (503), `server_error()` (500), `bad_request()` (400), `malformed()`
(200 with truncated JSON), `safety()` (200, finishReason SAFETY, no content), `text(s)` (200 with any
text), `invent_id()` (the default answer plus an analysis/pick for a posting id that was never sent).
`daily_limit={model: n}` makes a model answer 429 per-day after n successful requests.
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bson import ObjectId

from scoutly.analysis.profile import Profile
from scoutly.clock import utcnow
from scoutly.config import Settings, load_settings
from scoutly.storage.types import Database, Document

QUOTA_FAILURE = "type.googleapis.com/google.rpc.QuotaFailure"
RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo"
HELP = "type.googleapis.com/google.rpc.Help"

_PATH = re.compile(r"^/(?P<version>v1beta|v1|v1alpha)/models/(?P<model>[^/:]+):generateContent$")
_BLOCK = re.compile(
    r"<<<(?P<kind>POSTING|CANDIDATE) id=(?P<id>\w+)>>>\n(?P<body>.*?)\n<<<END (?P=kind) (?P=id)>>>", re.S
)
_LANGUAGES = ("English", "German", "French", "Spanish", "Dutch", "Italian", "Portuguese", "Japanese", "Polish")
_STOP = {"and", "the", "for", "with", "of", "in", "to", "a", "an", "not", "stated", "any"}


def tokens(text: str) -> int:
    return max(1, (len(text) + 3) // 4)


@dataclass
class Received:
    """One request the fake answered."""

    model: str
    path: str
    body: dict[str, Any]
    prompt: str
    stage: str | None
    status: int = 200
    had_key: bool = False


@dataclass
class Scripted:
    """A canned answer: HTTP status + JSON body, or a transform of the default answer."""

    status: int = 200
    body: dict[str, Any] | None = None
    transform: Callable[[dict[str, Any], str], dict[str, Any]] | None = None
    name: str = ""


def parse_blocks(prompt: str) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """The CANDIDATE and POSTING blocks of a Scoutly prompt: id → {field: value, 'text': whole body}."""
    candidates: dict[str, dict[str, str]] = {}
    postings: dict[str, dict[str, str]] = {}
    for match in _BLOCK.finditer(prompt):
        fields: dict[str, str] = {"text": match["body"]}
        for line in match["body"].splitlines():
            key, sep, value = line.partition(":")
            if sep and re.fullmatch(r"[a-z_]+", key) and key not in fields:
                fields[key] = value.strip()
        (candidates if match["kind"] == "CANDIDATE" else postings)[match["id"]] = fields
    return candidates, postings


def skill_words(candidate: dict[str, str]) -> list[str]:
    words = []
    for skill in (candidate.get("skills") or "").split(","):
        for word in re.findall(r"[A-Za-z][A-Za-z0-9+#.]{2,}", skill):
            if word.lower() not in _STOP and word.lower() not in words:
                words.append(word.lower())
    return words


def _hits(words: list[str], text: str) -> list[str]:
    low = text.lower()
    return [word for word in words if re.search(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", low)]


def screen_answer(prompt: str) -> dict[str, Any]:
    """Shortlist postings whose title mentions one of the candidate's skill words."""
    candidates, postings = parse_blocks(prompt)
    result = []
    for cid, cand in candidates.items():
        allowed = [p.strip() for p in (cand.get("judge_only_postings") or "").split(",") if p.strip()]
        picks = []
        for pid in allowed or list(postings):
            hits = _hits(skill_words(cand), postings.get(pid, {}).get("title", ""))
            if hits:
                picks.append({"posting_id": pid, "reason": f"title mentions {', '.join(hits[:3])}"})
        result.append({"candidate_id": cid, "picks": picks})
    return {"candidates": result}


def deep_answer(prompt: str) -> dict[str, Any]:
    """Score each posting by how many of the candidate's skill words its title and description mention."""
    candidates, postings = parse_blocks(prompt)
    words = skill_words(next(iter(candidates.values()), {}))
    analyses = []
    for pid, post in postings.items():
        text = post["text"]
        hits = _hits(words, text)
        score = min(95, 30 + 15 * len(hits))
        low = text.lower()
        years = re.search(r"(\d{1,2})\+?\s*(?:years|yrs)", low)
        salary = re.search(r"[$€£]\s?\d[\d,.]*k?(?:\s*[-–]\s*[$€£]?\s?\d[\d,.]*k?)?", text)
        title = post.get("title", "").lower()
        analyses.append(
            {
                "posting_id": pid,
                "score": score,
                "verdict": "strong_fit"
                if score >= 80
                else "good_fit"
                if score >= 60
                else "possible_fit"
                if score >= 45
                else "poor_fit",
                "reasons": [f"mentions {hit}" for hit in hits[:4]],
                "gaps": [] if hits else ["none of the candidate's skills are mentioned"],
                "min_years_required": int(years[1]) if years else None,
                "required_languages": [lang for lang in _LANGUAGES if lang.lower() in low][:3],
                "work_model": "remote" if "remote" in low else "hybrid" if "hybrid" in low else "unknown",
                "location": post.get("location") or None,
                "salary": salary[0] if salary else None,
                "visa_sponsorship": "yes" if "visa sponsorship" in low and "no visa" not in low else "unknown",
                "seniority": next((s for s in ("senior", "staff", "principal", "lead", "junior") if s in title), None),
            }
        )
    return {"analyses": analyses}


def prompt_of(body: dict[str, Any]) -> str:
    parts = [part.get("text", "") for content in body.get("contents", []) for part in content.get("parts", [])]
    return "\n".join(parts)


def stage_of(prompt: str) -> str | None:
    return "screen" if "TASK: SCREEN" in prompt else "deep" if "TASK: DEEP" in prompt else None


def ok_body(model: str, text: str, prompt: str, finish: str = "STOP") -> dict[str, Any]:
    candidate: dict[str, Any] = {"finishReason": finish, "index": 0}
    if text:
        candidate["content"] = {"role": "model", "parts": [{"text": text}]}
    usage = {
        "promptTokenCount": tokens(prompt),
        "candidatesTokenCount": tokens(text) if text else 0,
        "totalTokenCount": tokens(prompt) + (tokens(text) if text else 0),
    }
    return {"candidates": [candidate], "usageMetadata": usage, "modelVersion": model, "responseId": "fake"}


def quota_error(model: str, quota_id: str, delay: str | None) -> dict[str, Any]:
    details: list[dict[str, Any]] = [
        {
            "@type": QUOTA_FAILURE,
            "violations": [
                {
                    "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                    "quotaId": quota_id,
                    "quotaDimensions": {"location": "global", "model": model},
                    "quotaValue": "10",
                }
            ],
        },
        {
            "@type": HELP,
            "links": [{"description": "Learn more", "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}],
        },
    ]
    if delay:
        details.append({"@type": RETRY_INFO, "retryDelay": delay})
    return {
        "error": {
            "code": 429,
            "message": f"You exceeded your current quota. Quota exceeded for metric: {quota_id}, model: {model}",
            "status": "RESOURCE_EXHAUSTED",
            "details": details,
        }
    }


class FakeGemini:
    """The fake server. Start with `with FakeGemini() as fake:` or `start()`/`stop()`."""

    def __init__(self, *, daily_limit: dict[str, int] | None = None):
        self.requests: list[Received] = []
        self.daily_limit = dict(daily_limit or {})
        self._served: dict[str, int] = {}
        self._scripts: dict[str | None, deque[Scripted]] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------------------------------
    def start(self) -> FakeGemini:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out at once: no 40 ms delayed-ACK stall

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                status, body = fake._handle(self.path, raw, bool(self.headers.get("x-goog-api-key")))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeGemini:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # --- scripting ----------------------------------------------------------------------------------
    def enqueue(self, *items: Scripted, model: str | None = None) -> None:
        """Answer the next requests (to `model`, or to any model) with these, in order."""
        with self._lock:
            self._scripts.setdefault(model, deque()).extend(items)

    @staticmethod
    def minute_limit(delay: str = "37s") -> Scripted:
        return Scripted(
            429, {"quota_id": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier", "delay": delay}, name="minute"
        )

    @staticmethod
    def day_limit() -> Scripted:
        return Scripted(
            429, {"quota_id": "GenerateRequestsPerDayPerProjectPerModel-FreeTier", "delay": "3600s"}, name="day"
        )

    @staticmethod
    def unavailable() -> Scripted:
        return Scripted(
            503,
            {
                "error": {
                    "code": 503,
                    "message": "The model is overloaded. Please try again later.",
                    "status": "UNAVAILABLE",
                }
            },
        )

    @staticmethod
    def server_error() -> Scripted:
        return Scripted(500, {"error": {"code": 500, "message": "Internal error encountered.", "status": "INTERNAL"}})

    @staticmethod
    def bad_request(message: str = "Request contains an invalid argument.") -> Scripted:
        return Scripted(400, {"error": {"code": 400, "message": message, "status": "INVALID_ARGUMENT"}})

    @staticmethod
    def malformed() -> Scripted:
        return Scripted(transform=lambda answer, _p: {"__text__": json.dumps(answer)[: len(json.dumps(answer)) // 2]})

    @staticmethod
    def text(value: str) -> Scripted:
        return Scripted(transform=lambda _a, _p: {"__text__": value})

    @staticmethod
    def safety() -> Scripted:
        return Scripted(transform=lambda _a, _p: {"__finish__": "SAFETY"})

    @staticmethod
    def invent_id(fake_id: str = "P999") -> Scripted:
        def add(answer: dict[str, Any], _prompt: str) -> dict[str, Any]:
            if "analyses" in answer:
                extra = dict(answer["analyses"][0]) if answer["analyses"] else {"score": 90, "verdict": "strong_fit"}
                answer["analyses"].append({**extra, "posting_id": fake_id, "score": 99, "verdict": "strong_fit"})
            for cand in answer.get("candidates", []):
                cand["picks"].append({"posting_id": fake_id, "reason": "invented"})
            return answer

        return Scripted(transform=add)

    # --- inspection ---------------------------------------------------------------------------------
    def count(self, *, model: str | None = None, stage: str | None = None, status: int | None = None) -> int:
        with self._lock:
            return sum(
                1
                for r in self.requests
                if (model is None or r.model == model)
                and (stage is None or r.stage == stage)
                and (status is None or r.status == status)
            )

    # --- serving ------------------------------------------------------------------------------------
    def _next_script(self, model: str) -> Scripted | None:
        for key in (model, None):
            queue = self._scripts.get(key)
            if queue:
                return queue.popleft()
        return None

    def _handle(self, path: str, raw: bytes, had_key: bool) -> tuple[int, dict[str, Any]]:
        match = _PATH.match(path.split("?")[0])
        if not match:
            return 404, {"error": {"code": 404, "message": f"no route {path}", "status": "NOT_FOUND"}}
        model = match["model"]
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            return 400, {
                "error": {"code": 400, "message": "Invalid JSON payload received.", "status": "INVALID_ARGUMENT"}
            }
        prompt = prompt_of(body)
        received = Received(model=model, path=path, body=body, prompt=prompt, stage=stage_of(prompt), had_key=had_key)
        with self._lock:
            self.requests.append(received)
            script = self._next_script(model)
            if script is None and model in self.daily_limit and self._served.get(model, 0) >= self.daily_limit[model]:
                script = self.day_limit()
        status, answer = self._answer(model, prompt, script)
        received.status = status
        if status == 200:
            with self._lock:
                self._served[model] = self._served.get(model, 0) + 1
        return status, answer

    def _answer(self, model: str, prompt: str, script: Scripted | None) -> tuple[int, dict[str, Any]]:
        if script is not None and script.status != 200:
            if script.name in ("minute", "day"):
                assert script.body is not None
                return 429, quota_error(model, script.body["quota_id"], script.body["delay"])
            return script.status, script.body or {}
        stage = stage_of(prompt)
        answer = screen_answer(prompt) if stage == "screen" else deep_answer(prompt) if stage == "deep" else {}
        if script is not None and script.transform is not None:
            answer = script.transform(answer, prompt)
        if "__finish__" in answer:
            return 200, ok_body(model, "", prompt, finish=answer["__finish__"])
        text = answer["__text__"] if "__text__" in answer else json.dumps(answer)
        return 200, ok_body(model, text, prompt)


class FakeClock:
    """A shared fake time for limiter tests: `sleep` advances it instead of waiting.

    Pass `clock=fake_clock.now, sleep=fake_clock.sleep` to GeminiGateway/RateLimiter. Every sleep is logged.
    """

    def __init__(self, start: Any = None):
        from datetime import UTC, datetime

        self.current = start or datetime(2036, 7, 10, 17, 0, 5, tzinfo=UTC)  # future: TTL indexes expire by real time
        self.sleeps: list[float] = []

    def now(self) -> Any:
        return self.current

    async def sleep(self, seconds: float) -> None:
        import asyncio
        from datetime import timedelta

        self.sleeps.append(seconds)
        self.current = self.current + timedelta(seconds=seconds)
        await asyncio.sleep(0)


# --- seed helpers for analysis tests (settings aimed at the fake, users, postings) ------------------

PY_PROFILE = Profile(
    cv_text="Backend engineer, 6 years of Python and Kubernetes at scale.",
    skills=["Python", "Kubernetes", "PostgreSQL"],
    years_experience=6,
    languages=["English"],
    locations=["Berlin"],
    work_models=["remote", "hybrid"],
    min_score=50,
)


def gemini_settings(base_url: str | None, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "mongodb_uri": "mongomock://unused/unused",
        "gemini_api_key": "test-key-123456" if base_url else None,
        "gemini_base_url": base_url,
        "gemini_retry_initial_seconds": 0.0,
        "gemini_fallback_models": ["gemini-2.5-flash-lite"],
    }
    values.update(overrides)
    return load_settings(**values)


async def add_user(
    db: Database, email: str, profile: Profile, *, companies: tuple[str, ...] = ("acme",), version: int = 1
) -> None:
    now = utcnow()
    await db.users.insert_one(
        {
            "_id": email,
            "name": email.split("@")[0],
            "active": True,
            "profile": profile.model_dump(),
            "profile_version": version,
            "created_at": now,
            "updated_at": now,
        }
    )
    for company in companies:
        await db.trackings.insert_one({"user": email, "company": company, "rank": 50, "created_at": now})


async def add_postings(db: Database, company: str, specs: list[tuple[str, str]], **fields: Any) -> list[Document]:
    """Insert postings (title, location) for `company`; returns the docs with their `_id`."""
    now = utcnow()
    docs = []
    for i, (title, location) in enumerate(specs):
        key = f"{company}-{i}-{ObjectId()}"
        doc = {
            "company": company,
            "key": key,
            "title": title,
            "url": f"https://jobs.example.com/{company}/{key}",
            "location": location,
            "department": "Engineering",
            "description": f"{title} in {location}. We use Python and Kubernetes. 5+ years of experience. English.",
            "baseline": False,
            "first_seen_at": now,
            "last_seen_at": now,
            "closed_at": None,
            **fields,
        }
        doc["_id"] = (await db.postings.insert_one(doc)).inserted_id
        docs.append(doc)
    return docs
