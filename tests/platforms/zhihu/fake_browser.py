"""A scripted Zhihu behind a fake browser fetcher, driving a ZhihuAdapter over the real PlatformHttp + Slot.

The fake stands in for PlaywrightFetcher: it records each in-page request (page URL, API URL,
headers, cookies) and answers from a script. Nothing touches the network or a browser.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from keypick.browser.base import BrowserRequest
from keypick.config import Politeness
from keypick.crawler.http import PlatformHttp
from keypick.crawler.ratelimit import Slot
from keypick.platforms.zhihu import ZhihuAdapter
from tests.platforms.zhihu.payloads import FETCHED_AT

COOKIE = "_xsrf=abc; d_c0=AJDf2-example|1712584885; z_c0=2|1:0|10:1712584885|4:z_c0|token"
Answer = httpx.Response | Callable[[BrowserRequest], httpx.Response]


@dataclass
class Sent:
    """One request the adapter sent through the browser."""

    request: BrowserRequest
    cookies: str | None

    @property
    def path(self) -> str:
        """The API path."""
        return urlsplit(self.request.url).path

    @property
    def params(self) -> dict[str, str]:
        """The query, decoded, one value per name."""
        query = parse_qs(urlsplit(self.request.url).query, keep_blank_values=True)
        return {k: v[0] for k, v in query.items()}


class FakeBrowser:
    """Answers in-page requests in order (the last answer repeats) and keeps them."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.sent: list[Sent] = []

    async def fetch(self, request: BrowserRequest, *, cookies: str | None) -> httpx.Response:
        """Record the request and return the scripted answer."""
        self.sent.append(Sent(request, cookies))
        answer = self.answers[min(len(self.sent), len(self.answers)) - 1]
        response = answer(request) if callable(answer) else answer
        response.request = httpx.Request(request.method, request.url)
        return response

    async def evaluate(self, page_url: str, script: str, arg: Any = None, *, cookies: str | None,
                       init_script: str | None = None) -> Any:  # fmt: skip
        """Not used by Zhihu."""
        raise AssertionError("zhihu does not evaluate scripts")

    async def aclose(self) -> None:
        """Nothing to close."""

    @property
    def last(self) -> Sent:
        """The latest request."""
        return self.sent[-1]


MakeAdapter = Callable[..., tuple[ZhihuAdapter, FakeBrowser]]


@asynccontextmanager
async def adapter_factory() -> AsyncIterator[MakeAdapter]:
    """Yield a builder of (adapter, browser) pairs: no pauses, clock fixed at FETCHED_AT."""
    adapters: list[ZhihuAdapter] = []

    def build(*answers: Answer, max_retries: int = 3, cookie: str | None = COOKIE) -> tuple[ZhihuAdapter, FakeBrowser]:
        browser = FakeBrowser(*answers)
        client = httpx.AsyncClient(transport=httpx.MockTransport(_no_plain_http), follow_redirects=False)
        politeness = Politeness(min_interval=0, jitter=0, backoff_base=0, daily_budget=0, max_retries=max_retries)
        http = PlatformHttp("zhihu", client=client, slot=Slot("zhihu", politeness), browser=browser, cookies=cookie)
        adapter = ZhihuAdapter(http, cookie=cookie, clock=lambda: FETCHED_AT)
        adapters.append(adapter)
        return adapter, browser

    try:
        yield build
    finally:
        for adapter in adapters:
            await adapter.aclose()


def _no_plain_http(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"zhihu sent {request.url} without the browser page")


def ok_json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    """An answer with a JSON body."""
    return httpx.Response(status, json=payload, headers=headers)


def html(text: str, status: int = 200) -> httpx.Response:
    """An answer with an HTML body."""
    return httpx.Response(status, text=text, headers={"content-type": "text/html; charset=utf-8"})
