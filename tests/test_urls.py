"""Canonical posting URLs (scoutly/acquire/urls.py)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoutly.acquire.urls import canonical_url, url_key

BASE = "https://www.example.com/careers/"


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/jobs/1?utm_source=x&utm_medium=y", "https://www.example.com/jobs/1"),
        ("jobs/2#apply", "https://www.example.com/careers/jobs/2"),
        ("https://Boards.Greenhouse.io/acme/jobs/3?gh_src=abc", "https://boards.greenhouse.io/acme/jobs/3"),
        (
            "https://jobs.lever.co/acme/uuid?lever-source=LinkedIn&lever-origin=applied",
            "https://jobs.lever.co/acme/uuid",
        ),
        ("https://x.io/p?id=5&source=twitter&ref=hn&fbclid=zz", "https://x.io/p?id=5"),
        ("https://careers.airbnb.com/positions/7?gh_jid=7", "https://careers.airbnb.com/positions/7?gh_jid=7"),
        ("https://x.io/p?b=2&a=1", "https://x.io/p?a=1&b=2"),
        ("https://x.io:443/a b", "https://x.io/a%20b"),
        ("https://x.io/#/jobs/12", "https://x.io/#/jobs/12"),
        ("?page=2", "https://www.example.com/careers/?page=2"),
        ("  /jobs/9  ", "https://www.example.com/jobs/9"),
        ("/jobdetail.aspx?id=5521&sessionid=A81F2C", "https://www.example.com/jobdetail.aspx?id=5521"),
        ("/job/12;jsessionid=0AF3B9?lang=en", "https://www.example.com/job/12?lang=en"),
        ("https://x.io/p?PHPSESSID=9f&id=3", "https://x.io/p?id=3"),
        ("https://x.io/matrix;v=1", "https://x.io/matrix;v=1"),
    ],
)
def test_canonical_url(href: str, expected: str) -> None:
    assert canonical_url(href, BASE) == expected


@pytest.mark.parametrize("href", ["mailto:jobs@x.io", "tel:+123", "javascript:void(0)", "#", "#top", "", None])
def test_non_web_links_are_none(href: str | None) -> None:
    assert canonical_url(href, BASE) is None


def test_same_posting_one_key() -> None:
    variants = [
        "https://x.io/jobs/7/?utm_campaign=a",
        "https://x.io/jobs/7#details",
        "https://X.io/jobs/7/?source=linkedin",
    ]
    assert len({url_key(canonical_url(v)) for v in variants}) == 1


@given(
    path=st.lists(st.text(alphabet="abcXYZ019-_.~%é ", min_size=1, max_size=8), max_size=4),
    params=st.lists(
        st.tuples(
            st.sampled_from(["id", "utm_source", "gh_jid", "page", "ref", "q", "lever-source"]),
            st.text(alphabet="abc123 &=é", max_size=5),
        ),
        max_size=4,
    ),
    fragment=st.sampled_from(["", "#top", "#/jobs/1"]),
)
def test_canonical_url_is_idempotent_and_drops_tracking(
    path: list[str], params: list[tuple[str, str]], fragment: str
) -> None:
    query = "&".join(f"{quote(k)}={quote(v)}" for k, v in params)
    url = canonical_url(
        "https://Example.com/" + "/".join(quote(p) for p in path) + ("?" + query if query else "") + fragment
    )
    assert url is not None and canonical_url(url) == url
    assert not any(name in url for name in ("utm_source", "lever-source", "ref="))


@pytest.mark.parametrize("href", ["http://[::1/jobs/2", "https://example.org:99999/jobs/3", "//[bad/jobs/4"])
def test_an_href_that_is_no_url_at_all_is_no_link(href: str) -> None:
    assert canonical_url(href, "https://example.org/careers") is None


def test_one_broken_href_does_not_cost_a_page_its_postings() -> None:
    from scoutly.acquire.extract import extract_postings

    items = [("/jobs/1", "Backend Engineer"), ("http://[::1/jobs/2", "Frontend Engineer"), ("/jobs/3", "Data Engineer")]
    links = "".join(f'<li><a href="{href}">{title}</a></li>' for href, title in items)
    html = f"<main><h2>Open roles</h2><ul>{links}</ul></main>"
    postings = extract_postings(html, "https://example.org/careers")
    assert {p.url for p in postings} >= {"https://example.org/jobs/1", "https://example.org/jobs/3"}
    assert all(p.url is None or "[" not in p.url for p in postings)
