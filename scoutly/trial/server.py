"""The sample career sites of `scoutly try`, served on 127.0.0.1 from a background thread.

What is served (paths on the server; `{{BASE}}` in the files becomes the server's own URL):

- ATS feeds in the vendors' real URL shapes, with or without a vendor prefix (`/greenhouse/v1/...` or
  `/v1/...`), so a fetcher whose API base URL is configurable can be pointed here (`ats_base_urls()`):
  Greenhouse `GET /v1/boards/{token}/jobs[?content=true]` and `/v1/boards/{token}/jobs/{id}`,
  Lever `GET /v0/postings/{token}[?mode=json&skip=&limit=]`, Ashby `GET /posting-api/job-board/{token}`,
  Workday CXS `POST /wday/cxs/{tenant}/{site}/jobs` (`{limit ≤ 20, offset, searchText}`) and
  `GET /wday/cxs/{tenant}/{site}/job/...` (one posting).
- The human pages of those boards (`/{slug}/`, `/{slug}/jobs/{id}`, Workday `/{slug}/{site}/job/...`),
  rendered from the same feed, so every URL a feed gives resolves.
- Every other site's files as written under scoutly/samples/sites/{slug}/ (`/x/` → `x/index.html`,
  `/x` → `x` or `x.html`).

`version` 2 serves the files under `{slug}/v2/` in place of the originals where they exist: a new posting
appears on some boards and one disappears from others, so a second pass has something to report.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
import threading
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from scoutly.trial.catalog import SITES_DIR, Catalog, SampleCompany, load_catalog

BASE_PLACEHOLDER = "{{BASE}}"
WORKDAY_MAX_LIMIT = 20  # the real CXS endpoint answers 400 to a larger page size
VERSIONS = (1, 2)

_GREENHOUSE = re.compile(r"^(?:/greenhouse)?/v1/boards/(?P<token>[^/]+)/jobs(?:/(?P<id>\d+))?/?$")
_LEVER = re.compile(r"^(?:/lever)?/v0/postings/(?P<token>[^/]+)(?:/(?P<id>[0-9a-f-]{36}))?/?$")
_ASHBY = re.compile(r"^(?:/ashby)?/posting-api/job-board/(?P<token>[^/]+)/?$")
_WORKDAY = re.compile(r"^(?:/workday)?/wday/cxs/(?P<tenant>[^/]+)/(?P<site>[^/]+)(?P<rest>/jobs/?|/job/.+)$")

_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"

    @classmethod
    def json(cls, data: Any, status: int = 200) -> Response:
        return cls(status, json.dumps(data, ensure_ascii=False).encode(), _CONTENT_TYPES[".json"])

    @classmethod
    def page(cls, title: str, body: str, status: int = 200) -> Response:
        text = (
            f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"</head>\n<body>\n{body}\n</body></html>\n"
        )
        return cls(status, text.encode())

    @classmethod
    def not_found(cls) -> Response:
        return cls.page("Not found", "<h1>404 Not found</h1>", status=404)


@dataclass(frozen=True)
class BoardJob:
    """One posting of an ATS feed, as its human page shows it."""

    id: str
    title: str
    location: str
    url: str
    description_html: str


class SiteRouter:
    """Maps a request to a response; no sockets, so it is easy to test and to reason about."""

    def __init__(self, root: Path = SITES_DIR, catalog: Catalog | None = None) -> None:
        self.root = root.resolve()
        self.catalog = catalog or load_catalog()
        self.base_url = "http://127.0.0.1"
        self.version = 1

    # -- files ---------------------------------------------------------------------------------------------
    def _file(self, slug: str, rel: str) -> Path | None:
        """The file for `rel` inside a company's directory, v2 overlay first; never outside the root."""
        company_dir = (self.root / slug).resolve()
        bases = [company_dir / "v2", company_dir] if self.version >= 2 else [company_dir]
        rel = rel.strip("/")
        candidates = [rel, f"{rel}.html", f"{rel}/index.html"] if rel else ["index.html"]
        for base in bases:
            for candidate in candidates:
                path = (base / candidate).resolve()
                if path.is_file() and path.is_relative_to(company_dir):
                    return path
        return None

    def _text(self, path: Path) -> str:
        return path.read_text(encoding="utf-8").replace(BASE_PLACEHOLDER, self.base_url)

    def _feed(self, company: SampleCompany) -> Any:
        path = self._file(company.slug, company.feed or "")
        if path is None:
            raise FileNotFoundError(f"{company.slug}: feed file {company.feed} missing")
        return json.loads(self._text(path))

    # -- dispatch ------------------------------------------------------------------------------------------
    def respond(self, method: str, target: str, body: bytes = b"") -> Response:
        parts = urlsplit(target)
        path, query = parts.path, parse_qs(parts.query)
        if method == "POST":
            match = _WORKDAY.match(path)
            if match and match["rest"].startswith("/jobs"):
                return self._workday_search(match["tenant"], match["site"], body)
            return Response.page("Method not allowed", "<h1>405</h1>", status=405)
        if method != "GET":
            return Response.page("Method not allowed", "<h1>405</h1>", status=405)
        for pattern, handler in (
            (_GREENHOUSE, self._greenhouse),
            (_LEVER, self._lever),
            (_ASHBY, self._ashby),
            (_WORKDAY, self._workday_get),
        ):
            match = pattern.match(path)
            if match:
                return handler(match, query)
        if path in ("", "/"):
            return self._home()
        slug, _, rest = path.lstrip("/").partition("/")
        try:
            company = self.catalog.company(slug)
        except KeyError:
            return Response.not_found()
        if company.ats:
            return self._board_page(company, rest)
        if rest.split("/", 1)[0] == "v2":  # the overlay is not a page of its own
            return Response.not_found()
        file = self._file(slug, rest)
        if file is None:
            return Response.not_found()
        content_type = _CONTENT_TYPES.get(file.suffix, "application/octet-stream")
        return Response(200, self._text(file).encode(), content_type)

    def _company(self, ats: str, token: str) -> SampleCompany | None:
        return self.catalog.by_token(ats, token)

    # -- ATS feeds -----------------------------------------------------------------------------------------
    def _greenhouse(self, match: re.Match[str], query: dict[str, list[str]]) -> Response:
        company = self._company("greenhouse", match["token"])
        if company is None:
            return Response.json({"status": 404, "error": "Job not found"}, status=404)
        feed = self._feed(company)
        if match["id"]:
            for job in feed["jobs"]:
                if str(job["id"]) == match["id"]:
                    return Response.json(job)
            return Response.json({"status": 404, "error": "Job not found"}, status=404)
        if query.get("content", ["false"])[0].lower() != "true":
            for job in feed["jobs"]:
                for key in ("content", "departments", "offices"):
                    job.pop(key, None)
        return Response.json(feed)

    def _lever(self, match: re.Match[str], query: dict[str, list[str]]) -> Response:
        company = self._company("lever", match["token"])
        if company is None:
            return Response.json({"ok": False, "error": "Document not found"}, status=404)
        postings = self._feed(company)
        if match["id"]:
            for posting in postings:
                if posting["id"] == match["id"]:
                    return Response.json(posting)
            return Response.json({"ok": False, "error": "Document not found"}, status=404)
        try:
            skip = int(query.get("skip", ["0"])[0] or 0)
            limit = query.get("limit", [""])[0]
            end = skip + int(limit) if limit else None
        except ValueError:
            return Response.json({"ok": False, "error": "skip and limit must be integers"}, status=400)
        return Response.json(postings[skip:end])

    def _ashby(self, match: re.Match[str], query: dict[str, list[str]]) -> Response:
        company = self._company("ashby", match["token"])
        if company is None:
            return Response.json({"success": False, "errors": ["job board not found"]}, status=404)
        return Response.json(self._feed(company))

    def _workday_company(self, tenant: str, site: str) -> SampleCompany | None:
        return self._company("workday", f"{tenant}/{site}")

    def _workday_search(self, tenant: str, site: str, body: bytes) -> Response:
        company = self._workday_company(tenant, site)
        if company is None:
            return Response.json({"errorCode": "HTTP_404", "httpStatus": 404}, status=404)
        try:
            request = json.loads(body or b"{}")
            limit = int(request.get("limit", WORKDAY_MAX_LIMIT))
            offset = int(request.get("offset", 0))
        except (ValueError, TypeError, AttributeError):
            return Response.json({"errorCode": "HTTP_400", "httpStatus": 400}, status=400)
        if not 0 < limit <= WORKDAY_MAX_LIMIT or offset < 0:
            return Response.json({"errorCode": "HTTP_400", "httpStatus": 400}, status=400)
        feed = self._feed(company)
        postings = feed["jobPostings"]
        search = str(request.get("searchText") or "").strip().lower()
        if search:
            postings = [p for p in postings if search in p["title"].lower()]
        return Response.json({**feed, "total": len(postings), "jobPostings": postings[offset : offset + limit]})

    def _workday_get(self, match: re.Match[str], query: dict[str, list[str]]) -> Response:
        company = self._workday_company(match["tenant"], match["site"])
        if company is None or not match["rest"].startswith("/job/"):
            return Response.json({"errorCode": "HTTP_404", "httpStatus": 404}, status=404)
        return self._workday_detail(company, match["rest"])

    def _workday_detail(self, company: SampleCompany, external_path: str) -> Response:
        listed = {p["externalPath"] for p in self._feed(company)["jobPostings"]}
        details_file = self._file(company.slug, "workday-details.json")
        details = json.loads(self._text(details_file)) if details_file else {}
        if external_path not in listed or external_path not in details:
            return Response.json({"errorCode": "HTTP_404", "httpStatus": 404}, status=404)
        return Response.json(details[external_path])

    # -- human pages of ATS boards (rendered from the feed) -------------------------------------------------
    def _board_jobs(self, company: SampleCompany) -> list[BoardJob]:
        feed = self._feed(company)
        if company.ats == "greenhouse":
            return [
                BoardJob(
                    str(j["id"]),
                    j["title"],
                    j["location"]["name"],
                    j["absolute_url"],
                    html.unescape(j.get("content") or ""),
                )
                for j in feed["jobs"]
            ]
        if company.ats == "lever":
            return [
                BoardJob(
                    j["id"],
                    j["text"],
                    j["categories"]["location"],
                    j["hostedUrl"],
                    j["description"]
                    + "".join(f"<h3>{x['text']}</h3><ul>{x['content']}</ul>" for x in j["lists"])
                    + j["additional"],
                )
                for j in feed
            ]
        if company.ats == "ashby":
            return [
                BoardJob(j["id"], j["title"], j["location"], j["jobUrl"], j["descriptionHtml"]) for j in feed["jobs"]
            ]
        site = (company.ats_token or "/").split("/", 1)[1]
        return [
            BoardJob(
                p["externalPath"],
                p["title"],
                p["locationsText"],
                f"{self.base_url}/{company.slug}/{site}{p['externalPath']}",
                "",
            )
            for p in feed["jobPostings"]
        ]

    def _board_page(self, company: SampleCompany, rest: str) -> Response:
        jobs = self._board_jobs(company)
        if company.ats == "workday":
            site = (company.ats_token or "/").split("/", 1)[1]
            if rest.rstrip("/") == site:
                return self._board_listing(company, jobs)
            if rest.startswith(f"{site}/job/"):
                detail = self._workday_detail(company, rest[len(site) :])
                if detail.status != 200:
                    return Response.not_found()
                info = json.loads(detail.body)["jobPostingInfo"]
                return self._board_detail(
                    company,
                    BoardJob(
                        info["jobReqId"], info["title"], info["location"], info["externalUrl"], info["jobDescription"]
                    ),
                )
            return Response.not_found()
        if rest in ("", "jobs", "jobs/"):
            return self._board_listing(company, jobs)
        match = re.fullmatch(r"jobs/([^/]+)(?:/(?:apply|application))?/?", rest)
        if match:
            for job in jobs:
                if job.id == match[1]:
                    return self._board_detail(company, job)
        return Response.not_found()

    def _board_listing(self, company: SampleCompany, jobs: list[BoardJob]) -> Response:
        items = "\n".join(
            f'<div class="opening"><a href="{html.escape(j.url)}">{html.escape(j.title)}</a> '
            f'<span class="location">{html.escape(j.location)}</span></div>'
            for j in jobs
        )
        body = f'<h1>Current openings at {html.escape(company.name)}</h1>\n<section id="openings">\n{items}\n</section>'
        return Response.page(f"Jobs at {company.name}", body)

    def _board_detail(self, company: SampleCompany, job: BoardJob) -> Response:
        body = (
            f'<div id="app_body"><h1 class="app-title">{html.escape(job.title)}</h1>\n<div class="company-name">'
            f'at {html.escape(company.name)}</div>\n<div class="location">{html.escape(job.location)}</div>\n'
            f'<div id="content">{job.description_html}</div></div>'
        )
        return Response.page(f"Job Application for {job.title} at {company.name}", body)

    def _home(self) -> Response:
        rows = "\n".join(
            f'<li><a href="{html.escape(c.careers_path)}">{html.escape(c.name)}</a> — {html.escape(c.shape)}</li>'
            for c in self.catalog.companies
        )
        return Response.page(
            "Scoutly sample career sites",
            f"<h1>Scoutly sample career sites (version {self.version})</h1>\n<ul>\n{rows}\n</ul>",
        )


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out at once: no 40 ms delayed-ACK stall per request

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            response = self.server.sites.router.respond("GET" if method == "HEAD" else method, self.path, body)
        except Exception as exc:  # a broken sample file must show up as a 500, not a hung connection
            response = Response.page("Server error", f"<h1>500</h1><pre>{html.escape(str(exc))}</pre>", status=500)
        self.server.sites.record(method, self.path, response.status)
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(response.body)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_POST(self) -> None:
        self._serve("POST")

    def log_message(self, format: str, *args: Any) -> None:  # quiet: requests are counted, not printed
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    sites: SampleSiteServer


class SampleSiteServer:
    """The sample sites on 127.0.0.1 (an ephemeral port by default). Use as a context manager:

    >>> with SampleSiteServer() as sites:
    ...     sites.base_url  # 'http://127.0.0.1:43125'
    """

    def __init__(self, root: Path = SITES_DIR, *, host: str = "127.0.0.1", port: int = 0, version: int = 1) -> None:
        self.router = SiteRouter(root)
        self.version = version
        self._host, self._port = host, port
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.hits: Counter[tuple[str, str, int]] = Counter()

    @property
    def version(self) -> int:
        return self.router.version

    @version.setter
    def version(self, value: int) -> None:
        if value not in VERSIONS:
            raise ValueError(f"sample sites have versions {VERSIONS}, not {value}")
        self.router.version = value

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the sample-site server is not running")
        return self.router.base_url

    def ats_base_urls(self) -> dict[str, str]:
        """Where each ATS's API lives on this server (vendor → base URL with the vendor prefix)."""
        return {vendor: f"{self.base_url}/{vendor}" for vendor in ("greenhouse", "lever", "ashby", "workday")}

    def record(self, method: str, target: str, status: int) -> None:
        with self._lock:
            self.hits[(method, urlsplit(target).path, status)] += 1

    def requests_to(self, prefix: str) -> int:
        """How many requests for paths starting with `prefix` were answered."""
        with self._lock:
            return sum(n for (_, path, _), n in self.hits.items() if path.startswith(prefix))

    def start(self) -> SampleSiteServer:
        if self._httpd is not None:
            return self
        self._httpd = _Server((self._host, self._port), _Handler)
        self._httpd.sites = self
        host = self._httpd.server_address[0]
        self.router.base_url = f"http://{host.decode() if isinstance(host, bytes) else host}:{self._httpd.server_port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="scoutly-sample-sites", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> SampleSiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


__all__ = ["Response", "SampleSiteServer", "SiteRouter"]


def main(argv: list[str] | None = None) -> None:
    """Serve the sample sites until Ctrl-C: `python -m scoutly.trial.server [--port N] [--site-version 2]`."""
    import argparse

    parser = argparse.ArgumentParser(description="Serve Scoutly's sample career sites on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0, help="port (default: any free one)")
    parser.add_argument("--site-version", type=int, choices=VERSIONS, default=1, help="2: the changed sites")
    args = parser.parse_args(argv)
    with SampleSiteServer(port=args.port, version=args.site_version) as sites:
        print(f"sample career sites (version {sites.version}) on {sites.base_url}/", flush=True)
        for company in sites.router.catalog.companies:
            print(f"  {company.slug:20} {company.careers_url(sites.base_url)}", flush=True)
        print("ATS API bases (SCOUTLY_ATS_API_OVERRIDES): " + json.dumps(sites.ats_base_urls()), flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
