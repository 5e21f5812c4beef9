"""XiaohongshuAdapter error mapping: every HTTP status, redirect, page and envelope signal → a typed KeyPick error.

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
from keypick.platforms.xiaohongshu.parsers import parse_search_page
from tests.platforms.xiaohongshu.mock_platform import MakeAdapter, adapter_factory, ok_json, page
from tests.platforms.xiaohongshu.payloads import FETCHED_AT, sample

VERIFY = {"Verifytype": "102", "Verifyuuid": "0f1e2d3c"}


@pytest.fixture
async def make_adapter() -> AsyncIterator[MakeAdapter]:
    async with adapter_factory() as build:
        yield build


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (httpx.Response(461, text="", headers=VERIFY), VerificationRequired),
        (httpx.Response(471, json={}, headers=VERIFY), VerificationRequired),
        (httpx.Response(461, text="<html><h1>461</h1></html>"), VerificationRequired),  # no headers: still a captcha
        (httpx.Response(401, text=""), LoginRequired),
        (httpx.Response(403, text="Forbidden"), RiskControl),
        (httpx.Response(406, json={"code": -1, "success": False}), DataFetchError),
        (httpx.Response(404, text="not found"), DataFetchError),
        (httpx.Response(302, headers={"location": "https://www.xiaohongshu.com/website-login/captcha?x=1"}),
         VerificationRequired),
        (httpx.Response(302, headers={"location": "https://www.xiaohongshu.com/login?redirectPath=/explore"}),
         LoginRequired),
        (httpx.Response(302, headers={"location": "https://www.xiaohongshu.com/explore"}), DataFetchError),
        (ok_json({"code": 300012, "success": False, "msg": "网络连接异常，请检查网络设置或重启试试"}), RiskControl),
        (ok_json({"code": 300011, "success": False, "msg": "当前账号存在异常"}), RiskControl),
        (ok_json({"code": -100, "success": False, "msg": "登录已过期"}), LoginRequired),
        (ok_json({"code": -101, "success": False, "msg": "无登录信息，或登录信息为空"}), LoginRequired),
        (ok_json({"code": -510000, "success": False, "msg": "笔记状态异常"}), DataFetchError),
        (ok_json({"code": -1, "success": False, "msg": "访问链接异常"}), DataFetchError),
        (ok_json({"code": 0, "success": True, "data": {"notes": []}}), ParseError),
        (ok_json([1, 2]), ParseError),
    ],
)  # fmt: skip
async def test_search_errors_are_typed_and_not_retried(
    make_adapter: MakeAdapter, response: httpx.Response, error: type[Exception]
) -> None:
    adapter, rec = make_adapter(response, ok_json(sample("search_notes-1")))
    with pytest.raises(error) as caught:
        await adapter.search("kw", cursor=None, options=SearchOptions())
    assert len(rec.requests) == 1
    assert getattr(caught.value, "platform", None) == "xiaohongshu"


async def test_captcha_carries_its_headers_status_and_endpoint(make_adapter: MakeAdapter) -> None:
    adapter, _ = make_adapter(httpx.Response(461, headers=VERIFY))
    with pytest.raises(VerificationRequired) as caught:
        await adapter.search("kw", cursor=None, options=SearchOptions())
    assert (caught.value.raw_code, caught.value.endpoint) == (461, "search")
    assert "verifytype=102" in caught.value.message and "verifyuuid=0f1e2d3c" in caught.value.message


async def test_business_code_is_the_raw_code(make_adapter: MakeAdapter) -> None:
    adapter, _ = make_adapter(ok_json({"code": 300012, "success": False, "msg": "网络连接异常"}))
    with pytest.raises(RiskControl) as caught:
        await adapter.search("kw", cursor=None, options=SearchOptions())
    assert (caught.value.raw_code, caught.value.endpoint) == (300012, "search")


@pytest.mark.parametrize("body", ['{"code": 0, "success": true, "data": {', "", "<html>oops</html>"])
async def test_non_json_body_is_a_parse_error(make_adapter: MakeAdapter, body: str) -> None:
    adapter, _ = make_adapter(httpx.Response(200, content=body.encode()))
    with pytest.raises(ParseError, match="malformed JSON"):
        await adapter.search("kw", cursor=None, options=SearchOptions())


async def test_verification_page_is_verification_required(make_adapter: MakeAdapter) -> None:
    adapter, _ = make_adapter(page("<html><body><div>请通过验证</div></body></html>"))
    with pytest.raises(VerificationRequired):
        await adapter.search("kw", cursor=None, options=SearchOptions())


async def test_page_answers_envelopes_and_pages_without_state(make_adapter: MakeAdapter) -> None:
    adapter, _ = make_adapter(ok_json({"code": -100, "success": False, "msg": "登录已过期"}))
    with pytest.raises(LoginRequired):
        await adapter.author("789656330000000008005514")
    adapter, _ = make_adapter(page("<html><body>小红书</body></html>"))
    with pytest.raises(ParseError, match="__INITIAL_STATE__"):
        await adapter.author("789656330000000008005514")
    adapter, _ = make_adapter(ok_json({"code": 0, "success": True, "data": {}}))
    with pytest.raises(ParseError, match="JSON where a page"):
        await adapter.author("789656330000000008005514")


async def test_429_is_retried_then_succeeds(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(
        httpx.Response(429, headers={"Retry-After": "0"}), httpx.Response(429), ok_json(sample("search_notes-1"))
    )
    result = await adapter.search("kw", cursor=None, options=SearchOptions())
    assert len(rec.requests) == 3 and len(result.posts) == 1


async def test_429_carries_retry_after(make_adapter: MakeAdapter) -> None:
    adapter, _ = make_adapter(httpx.Response(429, headers={"Retry-After": "7"}), max_retries=0)
    with pytest.raises(RateLimited) as caught:
        await adapter.search("kw", cursor=None, options=SearchOptions())
    assert caught.value.retry_after == 7.0 and caught.value.retryable
    adapter, _ = make_adapter(
        httpx.Response(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}), max_retries=0
    )
    with pytest.raises(RateLimited) as caught:
        await adapter.search("kw", cursor=None, options=SearchOptions())
    assert caught.value.retry_after is None


async def test_server_errors_are_retried_by_the_http_layer(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(httpx.Response(502), max_retries=1)
    with pytest.raises(ServerError):
        await adapter.search("kw", cursor=None, options=SearchOptions())
    assert len(rec.requests) == 2


async def test_detail_errors_reach_the_engine(make_adapter: MakeAdapter) -> None:
    card = parse_search_page(sample("search_notes-2"), fetched_at=FETCHED_AT).posts[0]
    adapter, _ = make_adapter(httpx.Response(461, headers=VERIFY))
    with pytest.raises(VerificationRequired):  # blocking: the engine stops the keyword
        await adapter.complete(card)
    adapter, _ = make_adapter(ok_json({"code": -510001, "success": False, "msg": "笔记不存在"}))
    with pytest.raises(DataFetchError, match="note missing"):  # not blocking: the engine keeps the card
        await adapter.complete(card)
