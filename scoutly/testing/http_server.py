"""A small threaded HTTP server on 127.0.0.1 (ephemeral port) for tests and benchmarks of fetchers and browsers.

Serves fixed routes, directories, dynamic handlers and scripted sequences; can answer with any status code,
redirects, slow responses, huge streamed bodies (never held in memory) and non-HTML content. Every request is
recorded (method, path, query, headers, body) so tests can assert retries, user agents and pagination.

Usage::

    from scoutly.testing.http_server import LocalServer, Response

    with LocalServer() as server:
        server.route("/careers", "<a href='/jobs/1'>Engineer</a>")
        server.route("/feed", {"jobs": []})                     # dict/list → JSON
        server.redirect("/old", "/careers", status=301)
        server.route("/slow", "late", delay=5.0)
        server.large("/huge", 50 * 1024 * 1024)                 # 50 MB, streamed in chunks
        server.sequence("/flaky", [Response(429, headers={"Retry-After": "0"}), Response(200, "ok")])
        server.directory("/site", Path("tests/sites/static"))   # /site/x.html → file
        server.handler("/api", lambda request: Response(200, {"echo": request.json()}))
        url = server.url("/careers")

In a test module, as a fixture::

    @pytest.fixture
    def server() -> Iterator[LocalServer]:
        with LocalServer() as running:
            yield running
"""

from __future__ import annotations

import json
import mimetypes
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

HTML = "text/html; charset=utf-8"
JSON = "application/json"


@dataclass
class Request:
    """One request as the server saw it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class Response:
    """What to answer. `body` may be str, bytes, a dict/list (sent as JSON) or an iterable of byte chunks."""

    status: int = 200
    body: Any = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None  # None: chosen from the body; "": no Content-Type header
    delay: float = 0.0  # seconds to wait before sending anything
    chunk_delay: float = 0.0  # seconds to wait between chunks of an iterable body

    def encoded(self) -> tuple[str, bytes | Iterable[bytes]]:
        """(content type, body): bytes with a known length, or an iterable of chunks (streamed)."""
        body = self.body
        content_type = self.content_type
        if isinstance(body, dict | list):
            body = json.dumps(body).encode()
            content_type = JSON if content_type is None else content_type
        elif isinstance(body, str):
            body = body.encode("utf-8")
        if isinstance(body, bytes):
            return (HTML if content_type is None else content_type), body
        return ("application/octet-stream" if content_type is None else content_type), body


Handler = Callable[[Request], Response]


def _chunks(size: int, chunk: bytes) -> Iterator[bytes]:
    sent = 0
    while sent < size:
        piece = chunk[: size - sent]
        sent += len(piece)
        yield piece


class LocalServer:
    """A threaded HTTP server on 127.0.0.1 (or another loopback address); a context manager (starts on enter,
    stops on exit)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host  # another loopback address (127.0.0.2) stands in for an internal host in egress tests
        self._routes: dict[str, Handler] = {}
        self._prefixes: dict[str, Handler] = {}
        self._lock = threading.Lock()
        self.requests: list[Request] = []
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ------------------------------------------------------------------------------------
    def start(self) -> LocalServer:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out at once: no 40 ms delayed-ACK stall

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = Request(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                )
                with server._lock:
                    server.requests.append(request)
                response = server._dispatch(request)
                if response.delay:
                    time.sleep(response.delay)
                content_type, payload = response.encoded()
                try:
                    self.send_response(response.status)
                    if content_type:  # "" sends no Content-Type header at all
                        self.send_header("Content-Type", content_type)
                    for name, value in response.headers.items():
                        self.send_header(name, value)
                    if isinstance(payload, bytes):  # a known length (streamed bodies are iterables of chunks)
                        self.send_header("Content-Length", str(len(payload)))
                        self.end_headers()
                        if self.command != "HEAD":
                            self.wfile.write(payload)
                    else:
                        self.send_header("Transfer-Encoding", "chunked")
                        self.end_headers()
                        if self.command != "HEAD":
                            for piece in payload:
                                if response.chunk_delay:
                                    time.sleep(response.chunk_delay)
                                self.wfile.write(f"{len(piece):X}\r\n".encode() + piece + b"\r\n")
                            self.wfile.write(b"0\r\n\r\n")
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
                    self.close_connection = True  # the client went away (e.g. refused a huge body)

            do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = _handle

        class _Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                if not isinstance(sys.exc_info()[1], ConnectionError):  # clients hanging up are normal here
                    super().handle_error(request, client_address)

        self._httpd = _Server((self.host, 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(  # stop() waits for one poll: 10 ms at the end of every test using it
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, name="local-http-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- addresses ------------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def hits(self, path: str) -> list[Request]:
        """Recorded requests for `path` (without query)."""
        with self._lock:
            return [r for r in self.requests if r.path == path]

    # --- routes ---------------------------------------------------------------------------------------
    def handler(self, path: str, handler: Handler) -> None:
        """Answer `path` (exact, query ignored) with whatever `handler(request)` returns."""
        self._routes[path] = handler

    def route(
        self,
        path: str,
        body: Any = b"",
        *,
        status: int = 200,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
    ) -> None:
        """A fixed answer for `path`."""
        response = Response(status, body, dict(headers or {}), content_type, delay)
        self.handler(path, lambda _request: response)

    def redirect(self, path: str, to: str, *, status: int = 302) -> None:
        """Redirect `path` to `to` (a path on this server or an absolute URL)."""
        self.route(path, b"", status=status, headers={"Location": to})

    def large(self, path: str, size: int, *, content_type: str = HTML, chunk_size: int = 64 * 1024) -> None:
        """A body of `size` bytes, generated and streamed in chunks (chunked encoding, no Content-Length)."""
        filler = (b"<div>" + b"x" * 90 + b"</div>\n") * (chunk_size // 100 + 1)
        chunk = filler[:chunk_size]

        def _answer(_request: Request) -> Response:
            return Response(200, _chunks(size, chunk), content_type=content_type)

        self.handler(path, _answer)

    def sequence(self, path: str, responses: list[Response]) -> None:
        """Answer successive requests with `responses` in order; the last one repeats."""
        remaining = list(responses)
        lock = threading.Lock()

        def _answer(_request: Request) -> Response:
            with lock:
                return remaining.pop(0) if len(remaining) > 1 else remaining[0]

        self.handler(path, _answer)

    def directory(self, prefix: str, root: Path) -> None:
        """Serve files under `root` at `prefix` (e.g. "/site" → /site/index.html). Missing files → 404."""
        root = root.resolve()
        prefix = "/" + prefix.strip("/")

        def _answer(request: Request) -> Response:
            relative = request.path[len(prefix) :].lstrip("/") or "index.html"
            target = (root / relative).resolve()
            if target.is_dir():
                target = target / "index.html"
            if root not in target.parents or not target.is_file():
                return Response(404, "not found", content_type="text/plain")
            content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if content_type.startswith("text/") or content_type == JSON:
                content_type += "; charset=utf-8"
            return Response(200, target.read_bytes(), content_type=content_type)

        self._prefixes[prefix] = _answer

    def _dispatch(self, request: Request) -> Response:
        handler = self._routes.get(request.path)
        if handler is None:
            for prefix in sorted(self._prefixes, key=len, reverse=True):
                if request.path == prefix or request.path.startswith(prefix.rstrip("/") + "/"):
                    handler = self._prefixes[prefix]
                    break
        if handler is None:
            return Response(404, "not found", content_type="text/plain")
        try:
            return handler(request)
        except Exception as exc:  # a broken test handler shows up as a 500 with its message
            return Response(500, f"handler error: {exc!r}", content_type="text/plain")
