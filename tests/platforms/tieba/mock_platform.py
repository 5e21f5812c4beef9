"""A scripted tieba.baidu.com behind httpx.MockTransport, driving a TiebaAdapter over the real PlatformHttp + Slot."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from keypick.config import Politeness
from keypick.crawler.http import PlatformHttp
from keypick.crawler.ratelimit import Slot
from keypick.platforms.tieba import TiebaAdapter
from tests.platforms.tieba.payloads import FETCHED_AT

Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A scripted platform: answers requests in order (the last answer repeats) and keeps them."""

    def __init__(self, *answers: httpx.Response | Handler) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
        return answer(request) if callable(answer) else answer

    @property
    def last(self) -> httpx.Request:
        """The latest request."""
        return self.requests[-1]

    def params(self, index: int = -1) -> dict[str, str]:
        """The query of one request, decoded, one value per name."""
        return dict(parse_qsl(urlsplit(str(self.requests[index].url)).query, keep_blank_values=True))

    def form(self, index: int = -1) -> dict[str, str]:
        """The form body of one request, decoded."""
        return dict(parse_qsl(self.requests[index].content.decode(), keep_blank_values=True))

    def paths(self) -> list[str]:
        """The paths of every request, in order."""
        return [r.url.path for r in self.requests]


MakeAdapter = Callable[..., tuple[TiebaAdapter, Recorder]]


@asynccontextmanager
async def adapter_factory() -> AsyncIterator[MakeAdapter]:
    """Yield a builder of (adapter, recorder) pairs: no pauses, clock fixed at FETCHED_AT, clients closed after."""
    clients: list[httpx.AsyncClient] = []

    def build(
        *answers: httpx.Response | Handler, max_retries: int = 3, cookie: str | None = None
    ) -> tuple[TiebaAdapter, Recorder]:
        recorder = Recorder(*answers)
        client = httpx.AsyncClient(transport=httpx.MockTransport(recorder), follow_redirects=False)
        clients.append(client)
        politeness = Politeness(min_interval=0, jitter=0, backoff_base=0, daily_budget=0, max_retries=max_retries)
        http = PlatformHttp("tieba", client=client, slot=Slot("tieba", politeness))
        return TiebaAdapter(http, cookie=cookie, clock=lambda: FETCHED_AT), recorder

    try:
        yield build
    finally:
        for client in clients:
            await client.aclose()


def ok_json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    """An answer with a JSON body."""
    return httpx.Response(status, json=payload, headers=headers)


def ok_html(text: str, status: int = 200) -> httpx.Response:
    """An answer with an HTML body."""
    return httpx.Response(status, text=text, headers={"content-type": "text/html; charset=utf-8"})
