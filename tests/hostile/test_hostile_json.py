"""Deep JSON (issue 11): 100k nested `[` in a JSON-LD block, a feed or a seed file is refused with a reason,
never an uncaught RecursionError that fails the scrape and retries until dead."""

from __future__ import annotations

import json

import httpx
import pytest
from helpers.scrape import scrape

from scoutly import jsonsafe
from scoutly.acquire import Acquirer
from scoutly.acquire.http import OFFLOAD_JSON_CHARS, FetchError, Http, HttpLimits
from scoutly.config import load_settings
from scoutly.errors import InputError
from scoutly.seeding.readers import read_rows
from scoutly.testing.hostile_pages import deep_json_ld
from scoutly.testing.http_server import JSON, LocalServer

DEEP = "[" * 100_000 + "]" * 100_000


def settings_for(server: LocalServer):
    return load_settings(
        politeness_delay_s=0,
        fetch_timeout_s=5,
        ats_api_overrides={"greenhouse": server.url("/greenhouse")},
        chromium_path="/nonexistent/chromium",
    )


def test_depth_ignores_brackets_inside_strings():
    assert jsonsafe.depth('{"a": "[[[[[[", "b": [1, {"c": "\\"]]]"}]}') == 3
    assert jsonsafe.depth("") == 0 and jsonsafe.depth("42") == 0


def test_deep_documents_are_refused_as_value_errors():
    with pytest.raises(ValueError, match="100000 levels deep"):
        jsonsafe.loads(DEEP)
    nested = json.dumps({"a": [[[{"b": 1}]]]})
    assert jsonsafe.loads(nested) == {"a": [[[{"b": 1}]]]}
    assert jsonsafe.loads("[" * 64 + "]" * 64) is not None
    with pytest.raises(jsonsafe.JsonTooDeep):
        jsonsafe.loads("[" * 65 + "]" * 65)


def test_incremental_decoder_turns_runaway_nesting_into_a_decode_error():
    with pytest.raises(json.JSONDecodeError, match="nested too deeply"):
        jsonsafe.Decoder().raw_decode(DEEP)


async def test_page_with_deep_json_ld_still_yields_its_postings(server: LocalServer, db):
    server.route("/careers", deep_json_ld())
    company = {"_id": "deep", "name": "Deep", "careers_url": server.url("/careers")}
    async with Acquirer(settings_for(server)) as acquirer:
        outcome = await scrape(db, acquirer, company)
    assert outcome.strategy == "static" and outcome.found == 3


async def test_deep_feed_is_a_failed_feed_and_the_page_is_read_instead(server: LocalServer, db):
    server.route("/greenhouse/v1/boards/deep/jobs", DEEP.encode(), content_type=JSON)
    server.route("/careers", deep_json_ld(10))
    company = {
        "_id": "deep",
        "name": "Deep",
        "careers_url": server.url("/careers"),
        "ats": "greenhouse",
        "ats_token": "deep",
    }
    async with Acquirer(settings_for(server)) as acquirer:
        listing = await acquirer.listing(company)
    assert listing.strategy == "static" and len(listing.postings) == 3
    assert any("levels deep" in note for note in listing.notes)


def test_deep_seed_file_is_an_input_error(tmp_path):
    path = tmp_path / "companies.json"
    path.write_text('[{"name": "Acme", "extra": ' + DEEP + "}]", encoding="utf-8")
    with pytest.raises(InputError, match="nested too deeply"):
        read_rows(path)


async def test_big_feeds_are_parsed_off_the_loop_with_the_same_limits(server: LocalServer):
    jobs = [{"id": n, "title": f"Engineer {n}", "absolute_url": f"https://example.com/jobs/{n}"} for n in range(30_000)]
    server.route("/big.json", json.dumps({"jobs": jobs}).encode(), content_type=JSON)
    deep = "[" * 600_000 + "]" * 600_000
    server.route("/deep.json", deep.encode(), content_type=JSON)
    async with httpx.AsyncClient() as client:
        http = Http(client, HttpLimits(delay_s=0, attempts=1))
        assert len(json.dumps({"jobs": jobs})) > OFFLOAD_JSON_CHARS
        assert (await http.get_json(server.url("/big.json")))["jobs"][-1]["id"] == 29_999
        with pytest.raises(FetchError, match="600000 levels deep"):
            await http.get_json(server.url("/deep.json"))
