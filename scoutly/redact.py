"""Keep secrets (passwords in URIs, API keys) out of anything printed, logged or stored."""

from __future__ import annotations

import re

_URI_CREDENTIALS = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<user>[^:@/\s]*):(?P<pw>[^@/\s]+)@")
_GOOGLE_KEY = re.compile(r"AIza[0-9A-Za-z_\-]{20,}")
_KEY_PARAM = re.compile(r"(?i)((?:[?&]|\b)(?:key|api_key|apikey|token|access_token|password)=)[^&\s]+")

_known_secrets: set[str] = set()


def register_secret(value: str | None) -> None:
    """Remember a secret value so `redact` masks it wherever it appears."""
    if value and len(value) >= 4:
        _known_secrets.add(value)


def redact(text: str) -> str:
    """Mask URI passwords, Google API keys, key-like query parameters and registered secrets."""
    text = _URI_CREDENTIALS.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)
    text = _GOOGLE_KEY.sub("AIza***", text)
    text = _KEY_PARAM.sub(r"\1***", text)
    for secret in sorted(_known_secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text
