"""Stand-ins for the BrowserFetcher: a scripted platform, and a page signer in front of the sandbox app.

`ScriptedBrowser` answers BrowserRequests from a list (like a MockTransport) and records them.
`SandboxPage` does what the sandbox home page's hook does (append `a_bogus` over the raw path and
query plus the User-Agent, keypick.sandbox.signing_pages) and sends the call to the sandbox app in
process, with the page's User-Agent and the account's cookies. No Chromium here: the end-to-end
test (tests/crawl/test_douyin_e2e.py) runs the real page in the real browser.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from starlette.applications import Starlette

from keypick.browser.base import BrowserRequest
from keypick.sandbox.signing_pages import sign

UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36"
MS_TOKEN = "sandbox-mstoken"
Handler = Callable[[BrowserRequest], httpx.Response]


class ScriptedBrowser:
    """Answers in order (the last answer repeats) and keeps every request and evaluate call."""

    def __init__(self, *answers: httpx.Response | Handler, ms_token: Any = MS_TOKEN) -> None:
        self.answers = list(answers)
        self.requests: list[BrowserRequest] = []
        self.cookies: list[str | None] = []
        self.evaluated: list[tuple[str, str]] = []
        self.ms_token = ms_token

    async def fetch(self, request: BrowserRequest, *, cookies: str | None) -> httpx.Response:
        """Record the request and return the next scripted answer."""
        self.requests.append(request)
        self.cookies.append(cookies)
        answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
        response = answer(request) if callable(answer) else answer
        response.request = httpx.Request(request.method, request.url)
        return response

    async def evaluate(
        self, page_url: str, script: str, arg: Any = None, *, cookies: str | None, init_script: str | None = None
    ) -> Any:
        """Record the call; return the page's msToken (or raise it, if it is an exception)."""
        self.evaluated.append((page_url, script))
        if isinstance(self.ms_token, BaseException):
            raise self.ms_token
        return self.ms_token

    async def aclose(self) -> None:
        """Nothing to close."""

    def params(self, index: int = -1) -> dict[str, str]:
        """The query of one request, decoded, one value per name."""
        query = parse_qs(urlsplit(self.requests[index].url).query, keep_blank_values=True)
        return {k: v[0] for k, v in query.items()}


class SandboxPage:
    """Signs each request the way the sandbox page's hook does and sends it to the sandbox app."""

    def __init__(self, app: Starlette, *, sign_requests: bool = True, user_agent: str = UA) -> None:
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox.test")
        self.sign_requests = sign_requests
        self.user_agent = user_agent
        self.requests: list[BrowserRequest] = []

    async def fetch(self, request: BrowserRequest, *, cookies: str | None) -> httpx.Response:
        """Send the request as the page would: signed, with the page's UA and the cookies."""
        self.requests.append(request)
        url = httpx.URL(request.url)
        target = url.raw_path.decode()
        if self.sign_requests and "/aweme/" in url.path:
            sig = sign("douyin", f"{target}\n{self.user_agent}")
            target += ("&" if url.query else "?") + f"a_bogus={sig}"
        headers = {**request.headers, "User-Agent": self.user_agent}
        if cookies:
            headers["Cookie"] = cookies
        return await self.client.get(target, headers=headers)

    async def evaluate(
        self, page_url: str, script: str, arg: Any = None, *, cookies: str | None, init_script: str | None = None
    ) -> Any:
        """The page's localStorage["xmst"]."""
        return MS_TOKEN

    async def aclose(self) -> None:
        """Close the in-process client."""
        await self.client.aclose()
