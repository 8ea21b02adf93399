"""Reading Gemini's 429 answers (pure): which quota ran out and how long the server asks us to wait.

The API puts `google.rpc.QuotaFailure` (violations[].quotaId such as
`GenerateRequestsPerDayPerProjectPerModel-FreeTier`) and `google.rpc.RetryInfo` (retryDelay "37s") in
`error.details[]`; google-genai hands the whole JSON body over as `APIError.details`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

QUOTA_FAILURE = "type.googleapis.com/google.rpc.QuotaFailure"
RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo"
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")


@dataclass(frozen=True)
class RateLimit:
    """What a 429 said: `day` (spent until the reset), `minute` (wait and retry) or `unknown`."""

    kind: Literal["day", "minute", "unknown"]
    retry_after: float | None = None
    quota_ids: list[str] = field(default_factory=list)


def parse_duration(value: Any) -> float | None:
    """A protobuf Duration in JSON form ("37s", "0.5s") → seconds; None when absent or unreadable."""
    match = _DURATION.match(str(value)) if value is not None else None
    return float(match[1]) if match else None


def _details(body: Any) -> list[dict[str, Any]]:
    if isinstance(body, list) and len(body) == 1:
        body = body[0]
    if not isinstance(body, dict):
        return []
    error = body.get("error", body)
    details = error.get("details") if isinstance(error, dict) else None
    return [item for item in details or [] if isinstance(item, dict)]


def parse_rate_limit(body: Any) -> RateLimit:
    """Classify a 429 body. A per-day violation wins over a per-minute one (waiting a minute won't help)."""
    quota_ids: list[str] = []
    retry_after = None
    for item in _details(body):
        kind = item.get("@type")
        if kind == QUOTA_FAILURE:
            quota_ids += [str(v.get("quotaId", "")) for v in item.get("violations") or [] if isinstance(v, dict)]
        elif kind == RETRY_INFO:
            retry_after = parse_duration(item.get("retryDelay"))
    if any("PerDay" in quota for quota in quota_ids):
        return RateLimit("day", retry_after, quota_ids)
    if any("PerMinute" in quota for quota in quota_ids) or retry_after is not None:
        return RateLimit("minute", retry_after, quota_ids)
    return RateLimit("unknown", retry_after, quota_ids)
