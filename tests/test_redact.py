"""Secrets never reach output: URI passwords, Google keys, key parameters, registered secrets."""

from scoutly.redact import redact, register_secret


def test_uri_password_masked():
    assert redact("mongodb://scout:s3cr3t@db:27017/scoutly") == "mongodb://scout:***@db:27017/scoutly"


def test_google_key_and_query_params_masked():
    text = "GET https://x/v1beta/models?key=AIzaSyA1234567890123456789012345 failed, token=abc&x=1"
    out = redact(text)
    assert "AIzaSyA123" not in out
    assert "abc" not in out


def test_registered_secret_masked():
    register_secret("tgram://123456:ABCDEF/987")
    assert "ABCDEF" not in redact("notify via tgram://123456:ABCDEF/987 failed")
