"""Sending through Apprise (email, ntfy, Telegram, JSON webhooks, ...), one URL at a time."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

import apprise

from scoutly.errors import InputError
from scoutly.redact import register_secret

SEND_TIMEOUT_SECONDS = 30


def delivery_key(url: str) -> str:
    """A stable, secret-free key for a URL (stored on matches to remember where they were delivered)."""
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def register_url_secrets(url: str) -> None:
    """Apprise URLs carry tokens and passwords: mask the URL and its long parts in every log line."""
    register_secret(url)
    parts = urlsplit(url)
    register_secret(parts.netloc + parts.path)
    for piece in [parts.netloc, *parts.path.split("/"), *parts.query.split("&")]:
        for token in piece.replace("@", ":").replace("=", ":").split(":"):
            if len(token) >= 12:
                register_secret(token)


def check_url(url: str) -> str:
    """Validate an Apprise URL (raises `InputError` with a secret-free message)."""
    url = url.strip()
    if not url or not apprise.Apprise().add(url):
        scheme = url.split("://", 1)[0] if "://" in url else "?"
        raise InputError(f"notify URL ({scheme}://…): not a URL Apprise understands")
    return url


async def send(url: str, title: str, body: str) -> bool:
    """Deliver one message to one URL; True only when the service accepted it."""
    register_url_secrets(url)
    client = apprise.Apprise()
    if not client.add(url):
        return False
    result = await client.async_notify(body=body, title=title, timeout=SEND_TIMEOUT_SECONDS)
    return bool(result)
