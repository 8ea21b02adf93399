"""Greenhouse job-board API (boards-api.greenhouse.io/v1/boards/<token>/jobs?content=true)."""

from __future__ import annotations

from typing import Any

from scoutly.acquire.ats.base import (
    RESERVED,
    AtsBoard,
    UrlParts,
    join_names,
    link,
    looks_remote,
    objects,
    optional_list,
    optional_object,
    optional_text,
    shape_error,
    text_or_none,
)
from scoutly.acquire.ats.vendor import AtsVendor
from scoutly.acquire.http import FetchError, Http
from scoutly.acquire.models import Listing, PostingFound, dedupe
from scoutly.acquire.text import html_to_text

VENDOR = "greenhouse"
DEFAULT_API = "https://boards-api.greenhouse.io"
EU_API = "https://boards-api.eu.greenhouse.io"


def parse(data: Any) -> list[PostingFound]:
    """Postings from a jobs, departments or offices response (or a wrapper holding `jobs`); deduped by id. An answer
    that is neither an object nor a list, or holds `jobs`/`departments`/`offices` that are not lists, is a
    FeedFormatError; items that are not objects, and jobs without title or id, are skipped."""
    if not isinstance(data, (dict, list)):
        raise shape_error(VENDOR, "the answer as an object or a list", data)
    return dedupe([_posting(job, group) for job, group in job_entries(data) if job.get("title") and job.get("id")])


def job_entries(data: Any, department: str | None = None) -> list[tuple[dict[str, Any], str | None]]:
    """(job, department name of the enclosing departments group) pairs, from any response shape."""
    if isinstance(data, list):
        if data and isinstance(data[0], dict) and "title" in data[0]:
            return [(job, department) for job in objects(data)]
        return [pair for item in data for pair in job_entries(item, department)]
    if not isinstance(data, dict):
        return []
    jobs = [(job, department) for job in objects(optional_list(data.get("jobs"), "`jobs` as a list", VENDOR))]
    for group in objects(optional_list(data.get("departments"), "`departments` as a list", VENDOR)):
        jobs.extend(job_entries(group, text_or_none(group.get("name"))))
    for group in objects(optional_list(data.get("offices"), "`offices` as a list", VENDOR)):
        jobs.extend(job_entries(group, department))
    return jobs


def _posting(job: dict[str, Any], group_department: str | None = None) -> PostingFound:
    location = text_or_none(optional_object(job.get("location"), "a job's `location` as an object", VENDOR).get("name"))
    offices = optional_list(job.get("offices"), "a job's `offices` as a list", VENDOR)
    if not location:
        location = join_names(offices, "location") or join_names(offices)
    employment = None
    for meta in objects(optional_list(job.get("metadata"), "a job's `metadata` as a list", VENDOR)):
        name = optional_text(meta.get("name"), "a metadata `name` as a string", VENDOR) or ""
        if name.lower() in ("employment type", "time type"):
            employment = text_or_none(meta.get("value")) or employment
    url = link(job.get("absolute_url"), "a job's `absolute_url` as a string", VENDOR)
    return PostingFound(
        key=f"{VENDOR}:{job['id']}",
        title=text_or_none(job["title"]) or "",
        url=url,
        location=location,
        department=join_names(optional_list(job.get("departments"), "a job's `departments` as a list", VENDOR))
        or group_department,
        employment_type=employment,
        remote=looks_remote(location, text_or_none(job.get("title"))),
        description=html_to_text(
            optional_text(job.get("content"), "a job's `content` as a string", VENDOR), unescape=True
        )
        or None,
        source=VENDOR,
    )


class Greenhouse(AtsVendor):
    """boards.greenhouse.io/<token> (also job-boards[.eu].greenhouse.io, embeds `?for=<token>`, the API itself); a
    posting's key is its job id, which links on a company's own site carry as `gh_jid`."""

    name = VENDOR

    def detect(self, url: UrlParts) -> AtsBoard | None:
        if not url.host.endswith("greenhouse.io"):
            return None
        segments = url.segments
        token = (url.query.get("for") or [""])[0]
        if not token and url.host.startswith("boards-api.") and len(segments) >= 3 and segments[:2] == ["v1", "boards"]:
            token = segments[2]
        first = segments[0] if segments else ""
        if not token and first.lower() not in RESERVED:
            token = first
        host_hint = url.host if ".eu." in url.host else None  # EU boards are served by the EU API
        return AtsBoard(VENDOR, token, host=host_hint) if token else None

    def posting_key(self, url: UrlParts) -> str | None:
        """ "greenhouse:<id>" for a `gh_jid=<id>` query on any host, or …greenhouse.io/…/jobs/<id>."""
        if "gh_jid" in url.query and url.query["gh_jid"][0].isdigit():
            return f"{VENDOR}:{url.query['gh_jid'][0]}"
        if url.host.endswith("greenhouse.io") and "jobs" in url.segments:
            index = url.segments.index("jobs")
            if len(url.segments) > index + 1 and url.segments[index + 1].isdigit():
                return f"{VENDOR}:{url.segments[index + 1]}"
        return None

    async def fetch(self, http: Http, board: AtsBoard) -> Listing:
        """The board's listing without `content` (a big board's descriptions run to megabytes); the descriptions
        of new postings come from `describe`."""
        eu = _is_eu(board)
        try:
            data = await http.get_json(f"{self._api(board)}/v1/boards/{board.token}/jobs")
        except FetchError as exc:  # a board unknown to the global API may live in Greenhouse's EU region
            if exc.status != 404 or eu or self.api:
                raise
            data = await http.get_json(f"{EU_API}/v1/boards/{board.token}/jobs")
            board = AtsBoard(VENDOR, board.token, host="boards-api.eu.greenhouse.io")
        return Listing(strategy=VENDOR, postings=parse(data), board=board)

    def _api(self, board: AtsBoard) -> str:
        return self.base(EU_API if _is_eu(board) else DEFAULT_API)

    async def describe(self, http: Http, board: AtsBoard, posting: PostingFound) -> PostingFound:
        """Fill description, department and location of one posting from the job endpoint."""
        job_id = posting.key.split(":", 1)[1]
        job = await http.get_json(f"{self._api(board)}/v1/boards/{board.token}/jobs/{job_id}")
        if isinstance(job, dict) and job.get("title"):  # anything else: the posting stays as listed
            full = _posting({**job, "id": job_id})  # the answer need not repeat its id
            posting.description = full.description or posting.description
            posting.department = posting.department or full.department
            posting.location = posting.location or full.location
            posting.employment_type = posting.employment_type or full.employment_type
        return posting

    async def describe_many(self, http: Http, board: AtsBoard, postings: list[PostingFound]) -> int:
        """Fill many postings at once from the full board (`content=true`: one request instead of one per
        posting, e.g. on a company's first scrape). Returns how many got a description."""
        url = f"{self._api(board)}/v1/boards/{board.token}/jobs"
        full = {posting.key: posting for posting in parse(await http.get_json(url, params={"content": "true"}))}
        filled = 0
        for posting in postings:
            match = full.get(posting.key)
            if match is not None and match.description:
                posting.description = match.description
                posting.department = posting.department or match.department
                posting.location = posting.location or match.location
                filled += 1
        return filled


def _is_eu(board: AtsBoard) -> bool:
    return bool(board.host and ".eu." in board.host)
