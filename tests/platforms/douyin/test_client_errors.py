"""How DouyinAdapter maps Douyin's answers to KeyPick errors (platforms.md §2.4), through the real PlatformHttp."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from keypick.config import Politeness
from keypick.crawler.http import PlatformHttp
from keypick.crawler.ratelimit import Slot
from keypick.exceptions import (
    DataFetchError,
    LoginRequired,
    ParseError,
    PlatformError,
    RateLimited,
    RiskControl,
    ServerError,
    VerificationRequired,
)
from keypick.platforms.base import SearchOptions
from keypick.platforms.douyin import DouyinAdapter
from keypick.platforms.douyin.parsers import parse_aweme
from tests.platforms.douyin.fake_browser import ScriptedBrowser
from tests.platforms.douyin.payloads import FETCHED_AT, aweme, search

Make = Callable[..., tuple[DouyinAdapter, ScriptedBrowser]]
VERIFY_PAGE = "<html><head><title>验证码中间页</title></head><body><div id='captcha-verify-image'></div></body></html>"


@pytest.fixture
async def make() -> AsyncIterator[Make]:
    clients: list[httpx.AsyncClient] = []

    def build(*answers: Any, retries: int = 2) -> tuple[DouyinAdapter, ScriptedBrowser]:
        browser = ScriptedBrowser(*answers)
        client = httpx.AsyncClient()
        clients.append(client)
        politeness = Politeness(min_interval=0, jitter=0, backoff_base=0, daily_budget=0, max_retries=retries)
        http = PlatformHttp("douyin", client=client, slot=Slot("douyin", politeness), browser=browser, cookies="a=1")
        return DouyinAdapter(http, webid="7400000000000000001", clock=lambda: FETCHED_AT), browser

    yield build
    for client in clients:
        await client.aclose()


async def _search(adapter: DouyinAdapter) -> Any:
    return await adapter.search("kw", cursor=None, options=SearchOptions())


@pytest.mark.parametrize(
    ("answer", "error", "needle"),
    [
        (httpx.Response(200, content=b""), RiskControl, "empty body"),
        (httpx.Response(200, text="blocked"), RiskControl, "'blocked'"),
        (httpx.Response(200, text="<html><body>访问受限</body></html>"), RiskControl, "non-JSON"),
        (httpx.Response(200, text=VERIFY_PAGE), VerificationRequired, "verification page"),
        (httpx.Response(200, text="<html><title>登录</title></html>"), LoginRequired, "login page"),
        (httpx.Response(200, text='{"status_code":0,"data":[{"ty'), ParseError, "malformed JSON"),
        (httpx.Response(200, json={"status_code": 8, "status_msg": "用户未登录"}), LoginRequired, "用户未登录"),
        (httpx.Response(200, json={"status_code": 2483, "status_msg": "verify"}), VerificationRequired, "2483"),
        (httpx.Response(200, json={"status_code": 4, "status_msg": "请求太频繁"}), RateLimited, "频繁"),
        (httpx.Response(200, json={"status_code": 20003, "status_msg": "系统繁忙"}), DataFetchError, "20003"),
        (httpx.Response(200, json={"status_code": 0}), RiskControl, "no 'data'"),
        (httpx.Response(200, json=[1, 2]), ParseError, "status_code"),
        (httpx.Response(403, text="forbidden"), RiskControl, "HTTP 403"),
        (httpx.Response(404, text="nope"), DataFetchError, "HTTP 404"),
    ],
)
async def test_answers_map_to_typed_errors(make: Make, answer: httpx.Response, error: type, needle: str) -> None:
    adapter, page = make(answer)
    with pytest.raises(error, match=needle) as caught:
        await _search(adapter)
    assert type(caught.value) is error  # not a subclass or a catch-all
    assert isinstance(caught.value, PlatformError) and caught.value.platform == "douyin"
    assert caught.value.endpoint == "search"
    # Non-retryable answers are not retried (RateLimited from a body is, up to max_retries).
    assert len(page.requests) == (3 if error is RateLimited else 1)


async def test_429_is_retried_then_succeeds(make: Make) -> None:
    limited = httpx.Response(429, text="", headers={"retry-after": "0"})
    adapter, page = make(limited, limited, httpx.Response(200, json=search()))
    result = await _search(adapter)
    assert len(page.requests) == 3 and len(result.posts) == 8


async def test_429_gives_up_after_the_retries(make: Make) -> None:
    adapter, page = make(httpx.Response(429, text="", headers={"retry-after": "0"}), retries=1)
    with pytest.raises(RateLimited) as caught:
        await _search(adapter)
    assert caught.value.retry_after == 0 and caught.value.raw_code == 429 and len(page.requests) == 2


async def test_5xx_from_the_page_is_a_retryable_server_error(make: Make) -> None:
    adapter, page = make(httpx.Response(503, text="busy"), retries=1)
    with pytest.raises(ServerError):
        await _search(adapter)
    assert len(page.requests) == 2


async def test_comment_errors_name_their_endpoint(make: Make) -> None:
    adapter, _ = make(httpx.Response(200, content=b""))
    post = parse_aweme(aweme(1), fetched_at=FETCHED_AT)
    with pytest.raises(RiskControl) as caught:
        await adapter.comments(post, cursor=None)
    assert caught.value.endpoint == "comments"
    with pytest.raises(RiskControl) as caught:
        await adapter.comments(post, cursor={"cursor": None, "roots": ["7590258008161092394"]})
    assert caught.value.endpoint == "replies"


async def test_author_error(make: Make) -> None:
    adapter, _ = make(httpx.Response(200, json={"status_code": 8, "status_msg": "用户未登录"}))
    with pytest.raises(LoginRequired) as caught:
        await adapter.author("MS4wLjABAAAAx")
    assert caught.value.endpoint == "creator_info" and caught.value.raw_code == 8
