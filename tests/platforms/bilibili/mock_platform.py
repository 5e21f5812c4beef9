"""A scripted api.bilibili.com behind httpx.MockTransport, driving a BilibiliAdapter over the real PlatformHttp."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from keypick.config import Politeness
from keypick.crawler.http import PlatformHttp
from keypick.crawler.ratelimit import Slot
from keypick.platforms.bilibili import BilibiliAdapter
from tests.platforms.bilibili.payloads import FETCHED_AT, nav

UA = "Mozilla/5.0 (X11; Linux x86_64) KeyPickTest/1.0"
Answer = httpx.Response | Callable[[httpx.Request], httpx.Response]


def ok_json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    """An answer with a JSON body."""
    return httpx.Response(status, json=payload, headers=headers)


class Router:
    """Answers per path in order (the last answer repeats); nav answers the test keys unless scripted."""

    def __init__(self, routes: dict[str, list[Answer]]) -> None:
        self.routes = {"/x/web-interface/nav": [ok_json(nav())]} | routes
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answers = self.routes.get(request.url.path)
        if not answers:
            return ok_json({"code": -404, "message": "no route in the test"})
        seen = sum(1 for r in self.requests if r.url.path == request.url.path)
        answer = answers[min(seen, len(answers)) - 1]
        return answer(request) if callable(answer) else answer

    def on(self, path: str) -> list[httpx.Request]:
        """The requests sent to one path, in order."""
        return [r for r in self.requests if r.url.path == path]


def params_of(request: httpx.Request) -> dict[str, str]:
    """The decoded query of a request, in the order sent."""
    return dict(parse_qsl(urlsplit(str(request.url)).query, keep_blank_values=True))


MakeAdapter = Callable[..., tuple[BilibiliAdapter, Router]]


@asynccontextmanager
async def adapter_factory() -> AsyncIterator[MakeAdapter]:
    """Yield a builder of (adapter, router): no pauses, clock fixed at FETCHED_AT, clients closed after."""
    clients: list[httpx.AsyncClient] = []

    def build(
        routes: dict[str, list[Answer]], *, max_retries: int = 2, cookie: str | None = None
    ) -> tuple[BilibiliAdapter, Router]:
        router = Router(routes)
        client = httpx.AsyncClient(transport=httpx.MockTransport(router), follow_redirects=False)
        clients.append(client)
        politeness = Politeness(min_interval=0, jitter=0, backoff_base=0, daily_budget=0, max_retries=max_retries)
        http = PlatformHttp("bilibili", client=client, slot=Slot("bilibili", politeness))
        return BilibiliAdapter(http, user_agent=UA, cookie=cookie, clock=lambda: FETCHED_AT), router

    try:
        yield build
    finally:
        for client in clients:
            await client.aclose()
