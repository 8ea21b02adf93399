"""Gemini requests and tokens per analysis pass, against the fake Gemini server (real google-genai SDK).

Fixture: 10 companies built from the real ATS feeds in ../shared/corpus (parsed with Scoutly's own ATS
parsers), 3 users with different profiles tracking overlapping sets of them; every posting is offered as
new. Measured, each mode in a fresh in-memory database:

- enabled       screening + batched deep analysis (the defaults)
- no_screening  every (user, posting) goes to deep analysis, batched
- no_batching   screening, then one posting per deep request
- naive         one request per (user, posting): no screening, no batching
- second pass   the enabled mode offered the same postings again, and an unchanged page (nothing new): must be 0

Run:  .venv/bin/python bench/tokens.py [--json] [--corpus PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scoutly.acquire.ats import ashby, greenhouse, lever, smartrecruiters  # noqa: E402
from scoutly.analysis import analyse_new_postings  # noqa: E402
from scoutly.analysis.profile import Profile  # noqa: E402
from scoutly.clock import utcnow  # noqa: E402
from scoutly.config import load_settings  # noqa: E402
from scoutly.storage import connect  # noqa: E402
from scoutly.storage.memory import forget_memory_client  # noqa: E402
from scoutly.testing.fake_gemini import FakeGemini  # noqa: E402

COMPANIES: list[tuple[str, Any, str, tuple]] = [
    ("airbnb", greenhouse, "greenhouse/airbnb.json", ()),
    ("catawiki", greenhouse, "greenhouse/catawiki.json", ()),
    ("netlify", greenhouse, "greenhouse/netlify-departments.json", ()),
    ("1password", lever, "lever/1password.json", ()),
    ("humi", lever, "lever/humi-lever-v1-postings.json", ()),
    ("cursor", ashby, "ashby/cursor.json", ()),
    ("elevenlabs", ashby, "ashby/elevenlabs.json", ()),
    ("replit", ashby, "ashby/replit.json", ()),
    ("supabase", ashby, "ashby/supabase.json", ()),
    ("shopify", smartrecruiters, "other-ats/smartrecruiters-shopify.json", ("shopify",)),
]

USERS: dict[str, tuple[Profile, list[str]]] = {
    "backend@example.com": (
        Profile(
            cv_text="Backend engineer, 7 years: Python, Go, PostgreSQL, Kubernetes, distributed systems, on-call.",
            skills=["Python", "Go", "PostgreSQL", "Kubernetes", "Backend", "Infrastructure"],
            years_experience=7,
            languages=["English"],
            work_models=["remote", "hybrid"],
            seniority="senior",
        ),
        [slug for slug, *_ in COMPANIES],
    ),
    "ml@example.com": (
        Profile(
            cv_text="ML researcher: PyTorch, speech and language models, evaluation, data pipelines.",
            skills=["Machine Learning", "Research", "Data", "AI", "PyTorch"],
            years_experience=4,
            languages=["English", "German"],
            work_models=["remote", "hybrid", "onsite"],
        ),
        ["elevenlabs", "cursor", "replit", "airbnb", "shopify", "supabase"],
    ),
    "sales@example.com": (
        Profile(
            cv_text="Account executive, SaaS, EMEA; customer success and partnerships.",
            skills=["Sales", "Account", "Customer", "Partnerships", "Marketing"],
            years_experience=5,
            languages=["English", "French"],
            work_models=["remote", "onsite"],
        ),
        ["1password", "humi", "catawiki", "airbnb", "netlify"],
    ),
}

MODES = {
    "enabled": {"gemini_screening": True, "gemini_deep_batch_size": 6},
    "no_screening": {"gemini_screening": False, "gemini_deep_batch_size": 6},
    "no_batching": {"gemini_screening": True, "gemini_deep_batch_size": 1},
    "naive": {"gemini_screening": False, "gemini_deep_batch_size": 1},
}


def load_postings(corpus: Path) -> dict[str, list[dict]]:
    """Posting documents per company, from the corpus feeds, shaped like `postings` (all new, not baseline)."""
    now = utcnow()
    result = {}
    for slug, module, path, extra in COMPANIES:
        found = module.parse(json.loads((corpus / path).read_text(encoding="utf-8")), *extra)
        result[slug] = [
            {**p.fields(), "company": slug, "baseline": False, "first_seen_at": now, "last_seen_at": now} for p in found
        ]
    return result


async def seed(db: Any, postings: dict[str, list[dict]]) -> dict[str, list[dict]]:
    now = utcnow()
    for email, (profile, companies) in USERS.items():
        await db.users.insert_one(
            {"_id": email, "active": True, "profile": profile.model_dump(), "profile_version": 1, "created_at": now}
        )
        for slug in companies:
            await db.trackings.insert_one({"user": email, "company": slug, "rank": 50, "created_at": now})
    stored = {}
    for slug, docs in postings.items():
        copies = [dict(doc) for doc in docs]
        for doc in copies:
            doc["_id"] = (await db.postings.insert_one(doc)).inserted_id
        stored[slug] = copies
    return stored


async def run_mode(name: str, overrides: dict, postings: dict[str, list[dict]], fake: FakeGemini) -> dict:
    uri = f"mongomock://bench_{name}/bench_{name}"
    mongo = await connect(uri)
    settings = load_settings(
        mongodb_uri=uri,
        gemini_api_key="bench-key-0000",
        gemini_base_url=fake.base_url,
        gemini_rpm=1_000_000,
        gemini_tpm=1_000_000_000,
        gemini_rpd=1_000_000,
        **overrides,
    )
    try:
        stored = await seed(mongo.db, postings)
        pairs = sum(len(stored[slug]) for _, companies in USERS.values() for slug in companies)
        new_postings = sum(len(docs) for docs in stored.values())
        started = time.perf_counter()
        first = await passes(mongo.db, settings, stored)
        seconds = time.perf_counter() - started
        calls = [c async for c in mongo.db.gemini_calls.find()]
        row = {
            "mode": name,
            "new_postings": new_postings,
            "user_posting_pairs": pairs,
            "requests": first["requests"],
            "screen_requests": sum(1 for c in calls if c["stage"] == "screen"),
            "deep_requests": sum(1 for c in calls if c["stage"] == "deep"),
            "prompt_tokens": sum(c["prompt_tokens"] for c in calls),
            "total_tokens": sum(c["total_tokens"] for c in calls),
            "matches": await mongo.db.matches.count_documents({}),
            "requests_per_100_new_postings": round(100 * first["requests"] / new_postings, 2),
            "seconds": round(seconds, 2),
        }
        if name == "enabled":
            again = await passes(mongo.db, settings, stored)
            unchanged = await passes(mongo.db, settings, {slug: [] for slug in stored})
            row["second_pass_requests"] = again["requests"] + unchanged["requests"]
            row["second_pass_tokens"] = again["tokens"] + unchanged["tokens"]
        return row
    finally:
        await mongo.close()
        forget_memory_client(uri)


async def passes(db: Any, settings: Any, stored: dict[str, list[dict]]) -> dict:
    requests = tokens = 0
    for slug, docs in stored.items():
        outcome = await analyse_new_postings(db, settings, {"_id": slug}, docs)
        requests += outcome.requests
        tokens += outcome.tokens
    return {"requests": requests, "tokens": tokens}


async def main_async(corpus: Path) -> dict:
    postings = load_postings(corpus)
    rows = []
    with FakeGemini() as fake:
        for name, overrides in MODES.items():
            rows.append(await run_mode(name, overrides, postings, fake))
    by = {row["mode"]: row for row in rows}
    enabled = by["enabled"]
    ratios = {
        f"{mode}_vs_enabled_requests": round(by[mode]["requests"] / enabled["requests"], 2)
        for mode in ("naive", "no_screening", "no_batching")
    } | {
        f"{mode}_vs_enabled_tokens": round(by[mode]["total_tokens"] / enabled["total_tokens"], 2)
        for mode in ("naive", "no_screening", "no_batching")
    }
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    fixture = (
        f"{enabled['new_postings']} corpus postings, 10 companies, 3 users ({enabled['user_posting_pairs']} pairs)"
    )
    how = f"fake Gemini on 127.0.0.1, real SDK, in-memory db; {fixture}"
    figures = [
        {"name": "first pass: Gemini requests", "value": enabled["requests"], "unit": "", "how": how},
        {"name": "first pass: tokens", "value": enabled["total_tokens"], "unit": "tokens", "how": how},
        {
            "name": "second pass, nothing changed: requests",
            "value": enabled["second_pass_requests"],
            "unit": "",
            "how": "same postings offered again + an unchanged page (no new postings)",
        },
        {
            "name": "second pass, nothing changed: tokens",
            "value": enabled["second_pass_tokens"],
            "unit": "tokens",
            "how": "same as above",
        },
        {
            "name": "requests per 100 new postings",
            "value": enabled["requests_per_100_new_postings"],
            "unit": "",
            "how": "screening + deep batches of 6, 3 users",
        },
        {
            "name": "requests per 100 new postings, naive",
            "value": by["naive"]["requests_per_100_new_postings"],
            "unit": "",
            "how": "one request per (user, posting)",
        },
    ]
    for mode in ("naive", "no_screening", "no_batching"):
        figures.append(
            {
                "name": f"requests {mode} / enabled",
                "value": ratios[f"{mode}_vs_enabled_requests"],
                "unit": "x",
                "how": "ratio of first-pass requests",
            }
        )
        figures.append(
            {
                "name": f"tokens {mode} / enabled",
                "value": ratios[f"{mode}_vs_enabled_tokens"],
                "unit": "x",
                "how": "ratio of first-pass total tokens",
            }
        )
    figures.append(
        {
            "name": "matches enabled / no_screening",
            "value": f"{enabled['matches']}/{by['no_screening']['matches']}",
            "unit": "",
            "how": "recall cost of screening, judged by the FAKE model's word-overlap heuristics",
        }
    )
    figures.append(
        {"name": "peak RSS", "value": round(peak_mb, 1), "unit": "MB", "how": "ru_maxrss of the bench process"}
    )
    return {"figures": figures, "modes": rows, "ratios": ratios, "peak_rss_mb": round(peak_mb, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"corpus not found at {args.corpus}")
    from loguru import logger

    logger.remove()  # the per-company log lines would drown the table
    result = asyncio.run(main_async(args.corpus))
    if args.json:
        print(json.dumps(result, indent=2))
        return
    columns = [
        "mode",
        "requests",
        "screen_requests",
        "deep_requests",
        "prompt_tokens",
        "total_tokens",
        "matches",
        "requests_per_100_new_postings",
        "seconds",
    ]
    print(
        f"{result['modes'][0]['new_postings']} new postings, {result['modes'][0]['user_posting_pairs']} "
        f"(user, posting) pairs, 3 users, {len(COMPANIES)} companies"
    )
    print("  ".join(f"{c:>14}" for c in columns))
    for row in result["modes"]:
        print("  ".join(f"{row[c]!s:>14}" for c in columns))
    enabled = result["modes"][0]
    print(
        f"second pass, nothing changed: {enabled['second_pass_requests']} requests, "
        f"{enabled['second_pass_tokens']} tokens"
    )
    for key, value in result["ratios"].items():
        print(f"{key}: {value}x")
    print(f"peak RSS: {result['peak_rss_mb']} MB")


if __name__ == "__main__":
    main()
