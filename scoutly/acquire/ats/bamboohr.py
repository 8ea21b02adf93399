"""BambooHR careers list (https://<company>.bamboohr.com/careers/list; a posting's page is …/careers/<id>, its
details …/careers/<id>/detail)."""

from __future__ import annotations

from typing import Any

from scoutly.acquire.ats.base import (
    RESERVED,
    AtsBoard,
    UrlParts,
    listed,
    mapping,
    optional_object,
    optional_text,
    text_or_none,
)
from scoutly.acquire.ats.vendor import AtsVendor
from scoutly.acquire.http import Http
from scoutly.acquire.models import Listing, PostingFound, dedupe
from scoutly.acquire.text import html_to_text
from scoutly.acquire.urls import canonical_url

VENDOR = "bamboohr"


def site(board: AtsBoard) -> str:
    return f"https://{board.token}.bamboohr.com"


def parse(data: Any, company: str) -> list[PostingFound]:
    """Postings of a `{meta, result: [...]}` answer (or the bare list) for the BambooHR account `company`."""
    postings = []
    for item in listed(data, "result", VENDOR):
        if item.get("id") is not None and item.get("jobOpeningName"):
            postings.append(_posting(item, company))
    return dedupe(postings)


def _posting(item: dict[str, Any], company: str) -> PostingFound:
    where = item.get("location") or {}
    country = mapping(item.get("atsLocation")).get("country")
    parts = [where.get("city"), where.get("state"), country] if isinstance(where, dict) else [where]
    location = ", ".join(p for p in (text_or_none(x) for x in parts) if p) or None
    remote = str(item.get("isRemote") or "").strip().lower()
    return PostingFound(
        key=f"{VENDOR}:{item['id']}",
        title=text_or_none(item["jobOpeningName"]) or "",
        url=canonical_url(f"https://{company}.bamboohr.com/careers/{item['id']}"),
        location=location,
        department=text_or_none(item.get("departmentLabel")),
        employment_type=text_or_none(item.get("employmentStatusLabel")),
        remote=True if remote in ("yes", "true", "1") else False if remote in ("no", "false", "0") else None,
        source=VENDOR,
    )


def parse_detail(data: Any) -> str:
    """The description of a …/careers/<id>/detail answer (`result.jobOpening.description`), "" without one."""
    answer = optional_object(data, "the answer as an object", VENDOR)
    result = optional_object(answer.get("result"), "`result` as an object", VENDOR)
    opening = optional_object(result.get("jobOpening"), "`result.jobOpening` as an object", VENDOR)
    return html_to_text(optional_text(opening.get("description"), "`jobOpening.description` as a string", VENDOR))


class BambooHR(AtsVendor):
    """<company>.bamboohr.com; a posting's key is its id (…/careers/<id>)."""

    name = VENDOR

    def detect(self, url: UrlParts) -> AtsBoard | None:
        if not url.host.endswith(".bamboohr.com") or url.host.count(".") != 2:
            return None
        account = url.host.split(".")[0]
        return AtsBoard(VENDOR, account) if account not in RESERVED and account != "api" else None

    def posting_key(self, url: UrlParts) -> str | None:
        segments = url.segments
        if url.host.endswith(".bamboohr.com") and len(segments) >= 2 and segments[0] == "careers":
            return f"{VENDOR}:{segments[1]}" if segments[1].isdigit() else None
        return None

    async def fetch(self, http: Http, board: AtsBoard) -> Listing:
        data = await http.get_json(f"{self.base(site(board))}/careers/list")
        return Listing(strategy=VENDOR, postings=parse(data, board.token))

    async def describe(self, http: Http, board: AtsBoard, posting: PostingFound) -> PostingFound:
        """Fill the description from …/careers/<id>/detail (`result.jobOpening.description`)."""
        data = await http.get_json(f"{self.base(site(board))}/careers/{posting.key.split(':', 1)[1]}/detail")
        posting.description = parse_detail(data) or posting.description
        return posting
