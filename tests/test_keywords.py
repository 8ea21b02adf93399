"""Keyword trackers (pure): include/exclude terms and locations against title, location and text."""

from __future__ import annotations

from scoutly.analysis.keywords import find_terms, is_remote, judge, location_suits
from scoutly.analysis.profile import Profile


def posting(title, location="Berlin", description="", **extra):
    return {"title": title, "location": location, "description": description, **extra}


def test_terms_match_whole_words_case_insensitively():
    assert find_terms(
        ["python", "Go", "C++", ".NET", "machine learning"], "Senior PYTHON dev; C++ and .net; Machine  Learning"
    ) == [
        "python",
        "C++",
        ".NET",
        "machine learning",
    ]
    assert find_terms(["go"], "Google ergonomics") == []
    assert find_terms(["java"], "JavaScript engineer") == []


def test_include_exclude_and_location():
    profile = Profile(include_keywords=["python"], exclude_keywords=["intern"], locations=["Berlin", "Munich"])
    assert judge(profile, posting("Python Developer")).is_match
    assert judge(profile, posting("Engineer", description="We love Python")).is_match  # text counts
    excluded = judge(profile, posting("Python Intern"))
    assert excluded.excluded and not excluded.is_match and excluded.exclude_hits == ["intern"]
    assert not judge(profile, posting("Python Developer", "Paris")).is_match
    assert judge(profile, posting("Python Developer", "")).is_match  # unknown location suits
    assert not judge(profile, posting("Office Manager")).is_match


def test_remote_postings_suit_users_who_take_remote():
    remote_ok = Profile(locations=["Berlin"], work_models=["remote"])
    onsite = Profile(locations=["Berlin"], work_models=["onsite"])
    assert location_suits(remote_ok, posting("Dev", "Remote - EMEA"))
    assert location_suits(remote_ok, posting("Dev", "Lisbon", remote=True))
    assert not location_suits(onsite, posting("Dev", "Remote - EMEA"))
    assert is_remote(posting("Dev (Remote)", "Lisbon"))
    assert location_suits(Profile(locations=["berlin"]), posting("Dev", "Berlin, Germany"))


def test_no_include_terms_means_no_keyword_match():
    assert not judge(Profile(), posting("Anything")).is_match
