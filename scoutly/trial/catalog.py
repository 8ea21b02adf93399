"""The sample companies and people of `scoutly try` (scoutly/samples/sites/catalog.json).

Careers URLs in the catalog are paths; `sample_companies(base_url)` turns them into URLs on the local
sample-site server, in the shape `scoutly seed companies` accepts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

SITES_DIR = Path(__file__).resolve().parents[1] / "samples" / "sites"
CATALOG_FILE = SITES_DIR / "catalog.json"


@dataclass(frozen=True)
class SampleCompany:
    """A fictional company whose careers page (and ATS feed, if any) the sample server serves."""

    slug: str
    name: str
    careers_path: str
    ats: str | None
    ats_token: str | None
    shape: str
    feed: str | None = None

    def careers_url(self, base_url: str) -> str:
        return base_url.rstrip("/") + self.careers_path

    def seed_row(self, base_url: str) -> dict[str, Any]:
        """The company as a seed row (the fields of docs/DATA_MODEL.md `companies`)."""
        return {
            "slug": self.slug,
            "name": self.name,
            "careers_url": self.careers_url(base_url),
            "ats": self.ats,
            "ats_token": self.ats_token,
        }


@dataclass(frozen=True)
class SampleUser:
    """A fictional user with a profile (keyword trackers included) and ranks for some sample companies."""

    email: str
    name: str
    profile: dict[str, Any]
    trackings: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Catalog:
    companies: tuple[SampleCompany, ...]
    users: tuple[SampleUser, ...]

    def company(self, slug: str) -> SampleCompany:
        for company in self.companies:
            if company.slug == slug:
                return company
        raise KeyError(slug)

    def by_token(self, ats: str, token: str) -> SampleCompany | None:
        """The company whose ATS feed is `ats` with board token `token` (case-insensitive)."""
        for company in self.companies:
            if company.ats == ats and (company.ats_token or "").lower() == token.lower():
                return company
        return None


@lru_cache(maxsize=4)
def load_catalog(path: Path = CATALOG_FILE) -> Catalog:
    """Read the catalog file (it ships with the package, so a broken one is a packaging bug)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    companies = tuple(
        SampleCompany(
            slug=row["slug"],
            name=row["name"],
            careers_path=row["careers_path"],
            ats=row.get("ats"),
            ats_token=row.get("ats_token"),
            shape=row["shape"],
            feed=row.get("feed"),
        )
        for row in data["companies"]
    )
    users = tuple(
        SampleUser(email=row["email"], name=row["name"], profile=row["profile"], trackings=row["trackings"])
        for row in data["users"]
    )
    return Catalog(companies=companies, users=users)


def sample_companies(base_url: str) -> list[dict[str, Any]]:
    """The sample companies as seed rows whose careers URLs point at the server at `base_url`."""
    return [company.seed_row(base_url) for company in load_catalog().companies]


def sample_users() -> list[SampleUser]:
    """The sample users (2–3 people with profiles, keyword trackers and ranks across the five bands)."""
    return list(load_catalog().users)
