"""Rippling Recruiting job boards (https://ats.rippling.com/<board>/jobs; a job's page is …/<board>/jobs/<uuid>).

The board page reads its jobs from https://ats.rippling.com/api/v2/board/<board>/jobs?page=N&pageSize=M, which
answers `{items, page, pageSize, totalItems, totalPages}`; each item has id, name, url, department {name} and
locations [{name, city, state, country, workplaceType}], without descriptions, and a job open in several places
is listed once per location. Rippling's documented API needs a key and no reference page of Rippling's describes
this one: the shape here is the one it serves and that independent readers of it agree on. Pages are read until
the last one (bounded by `MAX_PAGES`). A new posting's description comes from the job's own answer
(…/api/v2/board/<board>/jobs/<uuid>: `description` {company, role} as HTML, `employmentType` {label, id}).
"""

from __future__ import annotations

import re
from typing import Any

from scoutly.acquire.ats.base import (
    UUID,
    AtsBoard,
    UrlParts,
    joined,
    link,
    listed,
    mapping,
    objects,
    optional_list,
    optional_text,
    sections,
    text_or_none,
)
from scoutly.acquire.ats.vendor import AtsVendor, Page, paginate
from scoutly.acquire.http import Http
from scoutly.acquire.models import Listing, PostingFound

VENDOR = "rippling"
HOST = "ats.rippling.com"
DEFAULT_API = f"https://{HOST}"
PAGE_SIZE = 100
MAX_PAGES = 30
_LOCALE = re.compile(r"^[a-z]{2}(-[A-Za-z]{2,4})?$")
_WORKPLACE = {"REMOTE": True, "ON_SITE": False, "HYBRID": False}


def _board_segments(url: UrlParts) -> list[str]:
    """The path after an optional locale (/de-DE/<board>/jobs…), for URLs on ats.rippling.com."""
    if url.host != HOST:
        return []
    segments = url.segments
    return segments[1:] if segments and _LOCALE.match(segments[0]) else segments


def _detect(url: UrlParts) -> AtsBoard | None:
    segments = _board_segments(url)
    if len(segments) >= 4 and segments[:2] == ["api", "v2"] and segments[2] == "board":
        return AtsBoard(VENDOR, segments[3])
    if segments and segments[0] not in ("api", "static", "_next"):
        return AtsBoard(VENDOR, segments[0])
    return None


def _posting_key(url: UrlParts) -> str | None:
    """ "rippling:<uuid>" for https://ats.rippling.com/[<locale>/]<board>/jobs/<uuid>."""
    segments = _board_segments(url)
    if len(segments) >= 3 and segments[1] == "jobs" and UUID.match(segments[2]):
        return f"{VENDOR}:{segments[2].lower()}"
    return None


def parse(data: Any) -> list[PostingFound]:
    """Postings of one page (`{"items": [...]}`); a job listed once per location becomes one posting."""
    merged: dict[str, tuple[PostingFound, list[bool]]] = {}
    for item in listed(data, "items", VENDOR):
        if not text_or_none(item.get("name")):
            continue
        url = link(item.get("url"), "a job's `url` as a string", VENDOR)
        key = _posting_key(UrlParts.of(url)) if url else None
        if key is None and item.get("id"):
            key = f"{VENDOR}:{str(item['id']).lower()}"
        if key is None:
            continue
        places = objects(optional_list(item.get("locations"), "a job's `locations` as a list", VENDOR))
        names = [
            text_or_none(place.get("name")) or joined(place.get("city"), place.get("state"), place.get("country"))
            for place in places
        ]
        kinds = [place.get("workplaceType") for place in places]
        flags = [_WORKPLACE[kind] for kind in kinds if isinstance(kind, str) and kind in _WORKPLACE]
        department = mapping(item.get("department"))
        if key in merged:
            posting, seen = merged[key]
            posting.location = joined(posting.location, *names)
            seen.extend(flags)
            continue
        posting = PostingFound(
            key=key,
            title=text_or_none(item["name"]) or "",
            url=url,
            location=joined(*names),
            department=text_or_none(department.get("name")),
            source=VENDOR,
        )
        merged[key] = (posting, list(flags))
    for posting, flags in merged.values():
        posting.remote = any(flags) if flags else None
    return [posting for posting, _ in merged.values()]


def parse_page(data: Any, number: int) -> Page[int]:
    """Page `number` of the board (`{items, totalPages}`): its postings, and the next page's number unless it is
    the last."""
    postings = parse(data)
    answer = data if isinstance(data, dict) else {}
    total = answer.get("totalPages")
    last = not answer.get("items") or not isinstance(total, int) or number + 1 >= total
    return Page(postings, None if last else number + 1)


def parse_detail(job: Any) -> tuple[str | None, str | None]:
    """(description, employment type) of one job's answer (anything but an object: neither)."""
    if not isinstance(job, dict):
        return None, None
    text = job.get("description")
    if isinstance(text, dict):
        description = sections((None, _html(text, "role")), (None, _html(text, "company")))
    else:
        description = sections((None, text if isinstance(text, str) else None))
    kind = job.get("employmentType")
    return description, text_or_none(kind.get("id") if isinstance(kind, dict) else kind)


def _html(description: dict[str, Any], part: str) -> str | None:
    return optional_text(description.get(part), f"a job's `description.{part}` as a string", VENDOR)


class Rippling(AtsVendor):
    name = VENDOR

    detect = staticmethod(_detect)
    posting_key = staticmethod(_posting_key)

    async def fetch(self, http: Http, board: AtsBoard) -> Listing:
        """Every page of the board (until `totalPages`), bounded by `MAX_PAGES`; a job listed on two pages (once
        per location) keeps the places of both."""
        url = f"{self.base(DEFAULT_API)}/api/v2/board/{board.token}/jobs"

        async def page(number: int) -> Page[int]:
            return parse_page(await http.get_json(url, params={"page": number, "pageSize": PAGE_SIZE}), number)

        return await paginate(board, page, 0, max_pages=MAX_PAGES, merge=_merge)

    async def describe(self, http: Http, board: AtsBoard, posting: PostingFound) -> PostingFound:
        """Fill a posting's description and employment type from its job answer."""
        job_id = posting.key.split(":", 1)[1]
        job = await http.get_json(f"{self.base(DEFAULT_API)}/api/v2/board/{board.token}/jobs/{job_id}")
        description, kind = parse_detail(job)
        posting.description = description or posting.description
        posting.employment_type = posting.employment_type or kind
        return posting


def _merge(first: PostingFound, again: PostingFound) -> None:
    first.location = joined(first.location, again.location)
