"""What the browser layer returns and raises (kept apart so callers need not import Playwright's types)."""

from __future__ import annotations

from dataclasses import dataclass, field

from scoutly.errors import ConfigError


@dataclass
class RenderedPage:
    """One rendered document: final URL, HTML (same-origin iframe documents appended), iframe URLs, status."""

    url: str
    html: str
    frame_urls: list[str] = field(default_factory=list)
    status: int | None = None
    truncated: bool = False  # incomplete: a bound (scrolls, load-more clicks, next pages, HTML size) stopped us


class BrowserError(Exception):
    """Rendering failed (timeout, crash, navigation error); the pool stays usable for the next call."""


class BrowserUnavailable(BrowserError, ConfigError):
    """Chromium cannot be found or started (a setting to fix, not a page to retry)."""


class PartialListing(BrowserError):
    """A later listing page failed; `pages` holds those rendered before it (the listing is NOT complete)."""

    def __init__(self, message: str, pages: list[RenderedPage]) -> None:
        super().__init__(message)
        self.pages = pages
