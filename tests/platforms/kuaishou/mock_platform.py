"""A scripted www.kuaishou.com behind httpx.MockTransport plus a fake page signer, driving a KuaishouAdapter
over the real PlatformHttp + Slot."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from keypick.config import Politeness
from keypick.crawler.http import PlatformHttp
from keypick.crawler.ratelimit import Slot
from keypick.platforms.kuaishou import KuaishouAdapter
from keypick.platforms.kuaishou.signing import SIGN_SCRIPT, USER_AGENT_SCRIPT
from tests.platforms.kuaishou.payloads import FETCHED_AT

BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0.0.0 Safari/537.36 (fake page)"
COOKIE = "passToken=token; did=web_1"
Handler = Callable[[httpx.Request], httpx.Response]


@dataclass
class FakeSigner:
    """Stands in for the BrowserFetcher: records evaluate() calls, signs "sig-N", tells its UA."""

    calls: list[dict[str, Any]] = field(default_factory=list)
    signature: str | None = None

    async def evaluate(
        self, page_url: str, script: str, arg: Any = None, *, cookies: str | None, init_script: str | None = None
    ) -> Any:
        """Return the UA or a fresh signature, as the page would."""
        self.calls.append({"page_url": page_url, "script": script, "arg": arg, "cookies": cookies,
                           "init_script": init_script})  # fmt: skip
        if script == USER_AGENT_SCRIPT:
            return BROWSER_UA
        assert script == SIGN_SCRIPT
        return self.signature if self.signature is not None else f"sig-{len(self.signs)}"

    @property
    def signs(self) -> list[dict[str, Any]]:
        """The signing calls only."""
        return [c for c in self.calls if c["script"] == SIGN_SCRIPT]

    async def fetch(self, request: Any, *, cookies: str | None) -> httpx.Response:
        """Not used by Kuaishou: requests go through httpx with the page's signature."""
        raise AssertionError("kuaishou never sends through the page")

    async def aclose(self) -> None:
        """Nothing to release."""


class Recorder:
    """A scripted platform: answers requests in order (the last answer repeats) and keeps them."""

    def __init__(self, *answers: httpx.Response | Handler) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
        return answer(request) if callable(answer) else answer

    def body(self, index: int = -1) -> Any:
        """The JSON body of one request."""
        return json.loads(self.requests[index].content)


MakeAdapter = Callable[..., tuple[KuaishouAdapter, Recorder, FakeSigner]]


@asynccontextmanager
async def adapter_factory() -> AsyncIterator[MakeAdapter]:
    """Yield a builder of (adapter, recorder, signer): no pauses, clock fixed at FETCHED_AT."""
    clients: list[httpx.AsyncClient] = []

    def build(
        *answers: httpx.Response | Handler,
        max_retries: int = 2,
        cookie: str | None = COOKIE,
        browser: bool = True,
        sandbox_url: str = "",
    ) -> tuple[KuaishouAdapter, Recorder, FakeSigner]:
        recorder, signer = Recorder(*answers), FakeSigner()
        client = httpx.AsyncClient(transport=httpx.MockTransport(recorder), follow_redirects=False)
        clients.append(client)
        politeness = Politeness(min_interval=0, jitter=0, backoff_base=0, daily_budget=0, max_retries=max_retries)
        http = PlatformHttp("kuaishou", client=client, slot=Slot("kuaishou", politeness), sandbox_url=sandbox_url,
                            browser=signer if browser else None, cookies=cookie)  # fmt: skip
        return KuaishouAdapter(http, cookie=cookie, clock=lambda: FETCHED_AT), recorder, signer

    try:
        yield build
    finally:
        for client in clients:
            await client.aclose()


def ok_json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    """An answer with a JSON body."""
    return httpx.Response(status, json=payload, headers=headers)
