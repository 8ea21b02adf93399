"""The local test HTTP server (tests/helpers/http_server.py) behaves as the fetcher tests assume."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from scoutly.testing.http_server import LocalServer, Response


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    with LocalServer() as server:
        yield server


def test_routes_json_redirect_status_and_recording(local_server: LocalServer) -> None:
    local_server.route("/page", "<p>hi</p>")
    local_server.route("/feed", {"jobs": [1, 2]})
    local_server.redirect("/old", "/page", status=301)
    local_server.route("/gone", "nope", status=404)
    with httpx.Client(follow_redirects=True) as client:
        page = client.get(local_server.url("/old"), headers={"User-Agent": "ua-test"})
        assert page.status_code == 200 and page.text == "<p>hi</p>"
        assert page.headers["content-type"].startswith("text/html")
        assert str(page.url).endswith("/page")
        assert client.get(local_server.url("/feed")).json() == {"jobs": [1, 2]}
        assert client.get(local_server.url("/gone")).status_code == 404
        assert client.get(local_server.url("/unknown")).status_code == 404
        client.post(local_server.url("/feed?x=1"), json={"offset": 20})
    posts = [r for r in local_server.hits("/feed") if r.method == "POST"]
    assert posts[0].json() == {"offset": 20} and posts[0].query == {"x": ["1"]}
    assert local_server.hits("/old")[0].headers["user-agent"] == "ua-test"


def test_sequence_large_slow_and_directory(local_server: LocalServer, tmp_path) -> None:
    local_server.sequence("/flaky", [Response(503), Response(200, "ok")])
    local_server.large("/huge", 3_000_000)
    local_server.route("/slow", "late", delay=1.0)
    (tmp_path / "index.html").write_text("<h1>home</h1>")
    local_server.directory("/site", tmp_path)
    with httpx.Client() as client:
        assert client.get(local_server.url("/flaky")).status_code == 503
        assert client.get(local_server.url("/flaky")).text == "ok"
        assert client.get(local_server.url("/flaky")).text == "ok"
        assert len(client.get(local_server.url("/huge")).content) == 3_000_000
        assert client.get(local_server.url("/site/")).text == "<h1>home</h1>"
        assert client.get(local_server.url("/site/../../etc/passwd")).status_code == 404
        with pytest.raises(httpx.ReadTimeout):
            client.get(local_server.url("/slow"), timeout=0.2)
