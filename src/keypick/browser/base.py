"""The contract of a browser-assisted fetcher (no Playwright import here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx


@dataclass(frozen=True)
class BrowserRequest:
    """A request to send from inside a platform page.

    `page_url` is the platform page that must be open (its scripts sign the
    request); `url` is the API URL, already sandbox-routed when a sandbox is set.
    """

    page_url: str
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None


class BrowserFetcher(Protocol):
    """Sends requests through a real browser page, so the page's own scripts sign them."""

    async def fetch(self, request: BrowserRequest, *, cookies: str | None) -> httpx.Response:
        """Run the request inside the page (opened with these cookies) and return the answer."""
        ...

    async def evaluate(
        self, page_url: str, script: str, arg: Any = None, *, cookies: str | None, init_script: str | None = None
    ) -> Any:
        """Evaluate a function expression in the page (e.g. call the page's own signer) and return its value.

        `init_script` runs before the page's own scripts on every navigation (used to find
        the page's signer object, as Kuaishou needs); pages are reused per (origin, cookies, init_script).
        """
        ...

    async def aclose(self) -> None:
        """Close pages and the browser."""
        ...
