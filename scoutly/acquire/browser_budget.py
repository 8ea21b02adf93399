"""The byte budget of one rendered page: what Chromium receives for it, counted as it arrives, stopped past the limit.

The HTTP reader refuses a page over `max_page_bytes` while streaming, but Chromium would load the same 50 MB page
whole (issue 11: tree peak 2.8 GB). Here a CDP session on the page counts the decoded bytes of every response
(`Network.dataReceived`): the document itself may have `document_limit` bytes (as over HTTP), everything the page
loads together (scripts, JSON its scripts fetch) `page_limit`. Past either, `on_exceeded` is called with the
reason: the session closes the page at once (which stops its loads and frees its memory) and fails the visit.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from loguru import logger
from playwright.async_api import BrowserContext, Page
from playwright.async_api import Error as PlaywrightError


class ByteBudget:
    """Counts one page's received bytes (see module doc). `exceeded` holds the reason once a limit is passed."""

    def __init__(self, document_limit: int, page_limit: int, on_exceeded: Callable[[str], Any]) -> None:
        self.document_limit = document_limit
        self.page_limit = page_limit
        self.on_exceeded = on_exceeded
        self.received = 0  # decoded bytes of every response of the page
        self.exceeded: str | None = None
        self._documents: dict[str, int] = {}  # requestId → bytes, for document (frame) responses
        self._session: Any = None

    async def attach(self, context: BrowserContext, page: Page) -> None:
        """Start counting (before the page navigates). A CDP session of its own, so Playwright's is untouched."""
        self._session = await context.new_cdp_session(page)
        self._session.on("Network.responseReceived", self._response)
        self._session.on("Network.dataReceived", self._data)
        await self._session.send("Network.enable")

    def _response(self, event: dict[str, Any]) -> None:
        if event.get("type") != "Document":
            return
        self._documents[event["requestId"]] = 0
        headers = {str(k).lower(): v for k, v in (event.get("response", {}).get("headers") or {}).items()}
        declared = str(headers.get("content-length", ""))
        if declared.isdigit() and not headers.get("content-encoding") and int(declared) > self.document_limit:
            self._exceed(f"document of {int(declared)} bytes exceeds the {self.document_limit} byte limit")

    def _data(self, event: dict[str, Any]) -> None:
        size = int(event.get("dataLength") or 0)
        self.received += size
        request = event.get("requestId")
        if request in self._documents:
            self._documents[request] += size
            if self._documents[request] > self.document_limit:
                self._exceed(f"document exceeds the {self.document_limit} byte limit")
                return
        if self.received > self.page_limit:
            self._exceed(f"page loaded more than {self.page_limit} bytes (document and what it fetched)")

    def _exceed(self, reason: str) -> None:
        if self.exceeded is not None:
            return
        self.exceeded = f"{reason}; refused"
        logger.info("rendered page: {}", self.exceeded)
        self.on_exceeded(self.exceeded)

    async def detach(self) -> None:
        if self._session is not None:
            with contextlib.suppress(PlaywrightError):
                await self._session.detach()
            self._session = None
