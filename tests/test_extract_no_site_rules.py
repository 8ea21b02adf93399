"""No per-site rules: no host name of the corpus's pages appears under scoutly/acquire/ outside the ATS vendor
modules (issue 10). Host names are read from the corpus at test time (its page addresses and labelled URLs)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from scoutly.acquire.vocabulary import ATS_HOSTS

pytestmark = pytest.mark.corpus

ACQUIRE = Path(__file__).resolve().parents[1] / "scoutly" / "acquire"
_ADDRESS = re.compile(r"page address\s+<?(\S+?)>?\s*$", re.MULTILINE)
_SECOND_LEVEL = {"co", "com", "org", "ac", "gov", "net", "edu"}


def _site(host: str) -> str:
    """The registrable part of a host name ("careers.jqit.co.jp" → "jqit.co.jp")."""
    labels = host.lower().removeprefix("www.").split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def _corpus_sites(corpus: Path) -> set[str]:
    urls = _ADDRESS.findall((corpus / "SOURCES.md").read_text(encoding="utf-8"))
    for labels in corpus.rglob("*.labels.json"):
        urls += [item.get("url") or "" for item in json.loads(labels.read_text(encoding="utf-8"))]
    hosts = {urlsplit(url).hostname for url in urls if url.startswith("http")}
    # ATS vendors' own domains are named by the vendor modules and the shared vendor list, not by site rules.
    return {_site(h) for h in hosts if h and not ATS_HOSTS.search(_site(h))}


def test_no_corpus_host_name_in_the_extractor(corpus: Path) -> None:
    sites = _corpus_sites(corpus)
    assert len(sites) >= 20
    offenders = []
    for path in ACQUIRE.rglob("*.py"):
        if "ats" in path.relative_to(ACQUIRE).parts[:1]:
            continue
        text = path.read_text(encoding="utf-8").lower()
        for site in sites:
            if site in text or re.escape(site) in text or site.split(".")[0] + r"\." in text:
                offenders.append((path.name, site))
    assert offenders == []
