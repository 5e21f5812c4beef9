"""WeiboAdapter error mapping: every HTTP status, redirect, body and envelope signal → a typed KeyPick error.

The real PlatformHttp + Slot run underneath (no pauses), so retries are the real ones.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from keypick.exceptions import (
    DataFetchError,
    LoginRequired,
    ParseError,
    RateLimited,
    RiskControl,
    ServerError,
    VerificationRequired,
)
from keypick.platforms.base import SearchOptions
from tests.platforms.weibo.mock_platform import MakeAdapter, adapter_factory, ok_json
from tests.platforms.weibo.payloads import timeline

BLOCK_PAGE = "<html><head><title>432</title></head><body>访问受限</body></html>"


@pytest.fixture
async def make_adapter() -> AsyncIterator[MakeAdapter]:
    async with adapter_factory() as build:
        yield build


# -- error mapping -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (httpx.Response(432, text=BLOCK_PAGE, headers={"content-type": "text/html"}), RiskControl),
        (httpx.Response(418, text=""), RiskControl),
        (httpx.Response(403, text="Forbidden"), RiskControl),
        (httpx.Response(401, json={"ok": 0}), LoginRequired),
        (httpx.Response(404, text="not found"), DataFetchError),
        (httpx.Response(302, headers={"location": "https://passport.weibo.cn/signin/login?r=x"}), LoginRequired),
        (httpx.Response(302, headers={"location": "/login?r=x"}), LoginRequired),
        (httpx.Response(302, headers={"location": "https://m.weibo.cn/somewhere"}), DataFetchError),
        (ok_json({"ok": 0, "errno": "20003", "msg": "请求失败，请稍后重试"}), DataFetchError),
        (ok_json({"ok": 0, "errno": "100005", "msg": "请先登录"}), LoginRequired),
        (ok_json({"ok": -100, "url": "https://passport.weibo.cn/signin/welcome"}), LoginRequired),
        (ok_json({"ok": 1, "data": {"list": []}}), ParseError),
        (ok_json([1, 2]), ParseError),
    ],
)
async def test_search_errors_are_typed_and_not_retried(
    make_adapter: MakeAdapter, response: httpx.Response, error: type[Exception]
) -> None:
    adapter, rec = make_adapter(response, ok_json(timeline()))
    with pytest.raises(error) as caught:
        await adapter.search("kw", cursor=None, options=SearchOptions())
    assert len(rec.requests) == 1
    assert getattr(caught.value, "platform", None) == "weibo"


async def test_risk_control_carries_status_and_endpoint(make_adapter: MakeAdapter) -> None:
    adapter, _ = make_adapter(httpx.Response(432, text=BLOCK_PAGE))
    with pytest.raises(RiskControl) as caught:
        await adapter.search("kw", cursor=None, options=SearchOptions())
    assert (caught.value.raw_code, caught.value.endpoint) == (432, "search")


@pytest.mark.parametrize(
    "body",
    ['{"ok": 1, "data": {"cards": [', "<html><body>oops</body></html>", "", "\xff\xfe not text"],
)
async def test_non_json_body_is_a_parse_error(make_adapter: MakeAdapter, body: str) -> None:
    adapter, _ = make_adapter(httpx.Response(200, content=body.encode("latin-1")))
    with pytest.raises(ParseError, match="malformed JSON"):
        await adapter.search("kw", cursor=None, options=SearchOptions())


async def test_verification_page_is_verification_required(make_adapter: MakeAdapter) -> None:
    page = "<html><head><title>安全验证 - 微博</title></head><body><div id='captcha'></div></body></html>"
    adapter, _ = make_adapter(httpx.Response(200, text=page, headers={"content-type": "text/html"}))
    with pytest.raises(VerificationRequired):
        await adapter.search("kw", cursor=None, options=SearchOptions())


async def test_login_page_body_is_login_required(make_adapter: MakeAdapter) -> None:
    page = "<html><head><title>登录 - 新浪微博</title></head><body>https://passport.weibo.cn/signin</body></html>"
    adapter, _ = make_adapter(httpx.Response(200, text=page))
    with pytest.raises(LoginRequired):
        await adapter.search("kw", cursor=None, options=SearchOptions())


async def test_a_keyword_named_login_is_not_a_login_wall(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(ok_json(timeline()))
    page = await adapter.search("login passport", cursor=None, options=SearchOptions())
    assert len(page.posts) == 10
    assert rec.params()["containerid"] == "100103type=60&q=login passport"


async def test_429_is_retried_then_succeeds(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(
        httpx.Response(429, text="slow down", headers={"Retry-After": "0"}),
        httpx.Response(429, text="slow down"),
        ok_json(timeline()),
    )
    page = await adapter.search("kw", cursor=None, options=SearchOptions())
    assert len(rec.requests) == 3 and len(page.posts) == 10


async def test_429_carries_retry_after(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(httpx.Response(429, headers={"Retry-After": "7"}), max_retries=0)
    with pytest.raises(RateLimited) as caught:
        await adapter.search("kw", cursor=None, options=SearchOptions())
    assert caught.value.retry_after == 7.0 and caught.value.retryable
    assert len(rec.requests) == 1


async def test_429_with_an_http_date_leaves_backoff_to_the_slot(make_adapter: MakeAdapter) -> None:
    when = "Wed, 21 Oct 2015 07:28:00 GMT"
    adapter, _ = make_adapter(httpx.Response(429, headers={"Retry-After": when}), max_retries=0)
    with pytest.raises(RateLimited) as caught:
        await adapter.search("kw", cursor=None, options=SearchOptions())
    assert caught.value.retry_after is None


async def test_server_errors_are_retried_by_the_http_layer(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(httpx.Response(502), max_retries=1)
    with pytest.raises(ServerError):
        await adapter.search("kw", cursor=None, options=SearchOptions())
    assert len(rec.requests) == 2
