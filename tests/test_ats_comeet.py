"""Comeet Careers API. Not in the corpus: the answer below is written by us in the shape of Comeet's documented
position model (https://developers.comeet.com/reference/careers-position-model): a JSON list of positions with uid,
name, department, url_comeet_hosted_page, url_active_page, employment_type, workplace_type, location {name, city,
country, is_remote} and `details` [{name, value (HTML), order}], read from
`GET https://www.comeet.co/careers-api/2.0/company/<uid>/positions?token=<token>&details=true`."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from scoutly.acquire.ats import AtsBoard, AtsVendors, ats_key_for_url, board_from_hint, boards_in_page, comeet
from scoutly.acquire.http import FetchError, Http, HttpLimits
from scoutly.redact import redact
from scoutly.testing.http_server import LocalServer

UID = "30.005"
TOKEN = "5E7236A0BCE5E7295111B55E70BCE30"
POSITIONS = [
    {
        "uid": "87.405",
        "name": "Account Executive, Austin",
        "department": "Sales",
        "workplace_type": "Remote",
        "url_comeet_hosted_page": f"https://www.comeet.co/jobs/acme/{UID}/account-executive-austin/87.405",
        "url_active_page": f"https://www.comeet.co/jobs/acme/{UID}/account-executive-austin/87.405",
        "employment_type": "Full-time",
        "experience_level": "Intermediate",
        "time_updated": "2017-05-26T14:22:46Z",
        "company_name": "Acme",
        "location": {"name": "Austin", "country": "US", "city": "Austin", "state": "TX", "is_remote": False},
        "details": [
            {"name": "Requirements", "value": "<ul><li>Quota carrying</li></ul>", "order": 2},
            {"name": "Description", "value": "<p>Sell our product.</p>", "order": 1},
        ],
    },
    {
        "uid": "87.40A",
        "name": "QA Engineer",
        "department": "R&D",
        "workplace_type": "Hybrid",
        "url_comeet_hosted_page": f"https://www.comeet.co/jobs/acme/{UID}/qa-engineer/87.40A",
        "url_active_page": "https://acme.example.com/careers/?comeet_pos=87.40A",
        "employment_type": "Full-time",
        "location": {"name": "Tel Aviv", "country": "IL", "city": "Tel Aviv"},
        "details": [],
    },
    {"uid": "87.40B", "name": ""},
]
WIDGET = f"""<script type="text/javascript">
  window.comeetInit = function() {{
    COMEET.init({{
      "token": "{TOKEN}",
      "company-uid": "{UID}",
      "company-name": "acme",
      "color": "278fe6"
    }});
  }};
  (function(d, s, id) {{ var js = d.createElement(s); js.id = id; js.src = "//www.comeet.co/careers-api/api.js";
    d.getElementsByTagName(s)[0].parentNode.insertBefore(js, d.getElementsByTagName(s)[0]); }})
  (document, "script", "comeet-jsapi");
</script>"""


def test_parse_documented_positions() -> None:
    postings = comeet.parse(POSITIONS)
    assert [(p.key, p.title, p.url) for p in postings] == [
        (
            "comeet:87.405",
            "Account Executive, Austin",
            f"https://www.comeet.co/jobs/acme/{UID}/account-executive-austin/87.405",
        ),
        ("comeet:87.40A", "QA Engineer", "https://acme.example.com/careers/?comeet_pos=87.40A"),
    ]
    first, second = postings
    assert (first.location, first.department, first.employment_type, first.remote) == (
        "Austin",
        "Sales",
        "Full-time",
        True,
    )
    assert first.description == "Description\nSell our product.\n\nRequirements\nQuota carrying"
    assert (second.remote, second.description) == (False, None)
    assert ats_key_for_url(postings[0].url) == "comeet:87.405"


def test_widget_names_the_board_and_the_token_stays_hidden() -> None:
    boards = boards_in_page(f"<html><body>{WIDGET}</body></html>", "https://acme.example.com/careers/")
    assert boards == [AtsBoard("comeet", UID, secret=TOKEN)]
    assert TOKEN not in repr(boards[0]) and TOKEN not in boards[0].label()
    assert redact(f"GET https://example.net/x?t={TOKEN}") == "GET https://example.net/x?t=***"
    assert board_from_hint("comeet", f"{UID}:{TOKEN}", None) == boards[0]
    assert board_from_hint("comeet", "not-a-uid:short", None) is None
    assert boards_in_page("<script>COMEET.init({token: 'x'})</script>", "https://acme.example.com/") == []


@pytest.fixture
async def http() -> AsyncIterator[Http]:
    async with httpx.AsyncClient(follow_redirects=True) as client:
        yield Http(client, HttpLimits(delay_s=0, timeout_s=5, backoff_s=0.01, attempts=1))


async def test_fetch_sends_the_token_and_errors_do_not_show_it(server: LocalServer, http: Http) -> None:
    path = f"/comeet/company/{UID}/positions"
    server.route(path, POSITIONS)
    board = AtsBoard("comeet", UID, secret=TOKEN)
    listing = await AtsVendors({"comeet": server.url("/comeet")}).fetch(http, board)
    assert [p.key for p in listing.postings] == ["comeet:87.405", "comeet:87.40A"]
    assert server.hits(path)[0].query == {"token": [TOKEN], "details": ["true"]}

    server.route(path, {"error": "Token is invalid"}, status=400)
    with pytest.raises(FetchError) as failure:
        await AtsVendors({"comeet": server.url("/comeet")}).fetch(http, board)
    assert TOKEN not in str(failure.value) and TOKEN not in failure.value.url and "HTTP 400" in str(failure.value)
