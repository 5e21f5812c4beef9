"""The shared HTTP layer under every platform client.

`PlatformHttp.fetch` is the one place where a request waits for its politeness
slot, is routed to the sandbox when KEYPICK_SANDBOX_URL is set, is retried on
retryable failures with backoff, and has httpx errors translated into KeyPick's.
The platform client passes a `check` function that reads the envelope and
raises typed errors; what it returns is what `fetch` returns.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from keypick.browser.base import BrowserFetcher, BrowserRequest
from keypick.crawler.ratelimit import Slot
from keypick.exceptions import ConfigError, PlatformError, ServerError, TransportError
from keypick.metrics import PLATFORM_REQUESTS

T = TypeVar("T")
log = logging.getLogger(__name__)


def sandbox_route(url: str, sandbox_url: str) -> str:
    """Rewrite https://host/path?q to {sandbox}/host/path?q (design.md); unchanged without a sandbox."""
    if not sandbox_url:
        return url
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{sandbox_url}/{parts.netloc}{parts.path}{query}"


class PlatformHttp:
    """A polite, sandbox-aware, retrying HTTP front for one platform."""

    def __init__(
        self,
        platform: str,
        *,
        client: httpx.AsyncClient,
        slot: Slot,
        sandbox_url: str = "",
        browser: BrowserFetcher | None = None,
        cookies: str | None = None,
    ) -> None:
        self.platform = platform
        self.client = client
        self.slot = slot
        self.sandbox_url = sandbox_url
        self.browser = browser
        self.cookies = cookies

    def route(self, url: str) -> str:
        """Return the URL requests really go to (the sandbox when one is set)."""
        return sandbox_route(url, self.sandbox_url)

    async def fetch(
        self,
        method: str,
        url: str,
        *,
        check: Callable[[httpx.Response], T],
        endpoint: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
        page_url: str | None = None,
    ) -> T:
        """Send the request politely and return `check(response)`; retry what is retryable.

        With `page_url`, the request is sent from inside that platform page by the
        browser fetcher (the page's own scripts sign it); otherwise by httpx.
        """
        target = self.route(url)
        attempt = 0
        while True:
            try:
                async with self.slot.acquire():
                    if page_url is not None:
                        response = await self._send_in_page(
                            method, target, params, headers, content, page_url, endpoint
                        )
                    else:
                        response = await self._send(method, target, params, headers, content, endpoint)
                result = check(response)
            except PlatformError as exc:
                PLATFORM_REQUESTS.labels(self.platform, exc.code).inc()
                if not exc.retryable or attempt >= self.slot.politeness.max_retries:
                    raise
                delay = self.slot.backoff(attempt, exc.retry_after)
                log.warning("%s %s: %s; retry %d in %.1fs", self.platform, endpoint, exc.code, attempt + 1, delay)
                attempt += 1
                continue
            PLATFORM_REQUESTS.labels(self.platform, "ok").inc()
            return result

    async def _send_in_page(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        content: bytes | None,
        page_url: str,
        endpoint: str,
    ) -> httpx.Response:
        if self.browser is None:
            raise ConfigError(
                f"{self.platform} {endpoint} needs the browser signer: pip install 'keypick[browser]' "
                "and a Chromium (see docs/platforms.md)"
            )
        full = str(httpx.URL(url, params=params)) if params else url
        request = BrowserRequest(
            page_url=self.route(page_url), method=method, url=full, headers=dict(headers or {}),
            body=content.decode() if content is not None else None,
        )  # fmt: skip
        response = await self.browser.fetch(request, cookies=self.cookies)
        if response.status_code >= 500:
            raise ServerError(
                f"HTTP {response.status_code} on {endpoint}",
                platform=self.platform, endpoint=endpoint, raw_code=response.status_code,
            )  # fmt: skip
        return response

    async def _send(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        content: bytes | None,
        endpoint: str,
    ) -> httpx.Response:
        try:
            response = await self.client.request(method, url, params=params, headers=headers, content=content)
        except httpx.TimeoutException as exc:
            raise TransportError(f"timeout on {endpoint}", platform=self.platform, endpoint=endpoint) from exc
        except httpx.HTTPError as exc:
            raise TransportError(
                f"network error on {endpoint}: {type(exc).__name__}", platform=self.platform, endpoint=endpoint
            ) from exc
        if response.status_code >= 500:
            raise ServerError(
                f"HTTP {response.status_code} on {endpoint}",
                platform=self.platform,
                endpoint=endpoint,
                raw_code=response.status_code,
            )
        return response
