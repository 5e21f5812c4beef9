"""TiebaAdapter error mapping: every HTTP status, redirect, body and error_code → a typed KeyPick error.

The real PlatformHttp + Slot run underneath (no pauses), so retries are the real ones. The error codes
are ASSUMED (no captured Tieba error answer; see constants.py); the rule error_code != 0 is platforms.md's.
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
from keypick.platforms.tieba.parsers import parse_search_page
from tests.platforms.tieba.mock_platform import MakeAdapter, adapter_factory, ok_html, ok_json
from tests.platforms.tieba.payloads import FETCHED_AT, multsearch, page_pc, sync, thread_card

CHECK_PAGE = "<html><head><title>百度安全验证</title></head><body>网络不给力，请稍后重试</body></html>"
WAPPASS = "https://wappass.baidu.com/static/captcha/tuxing.html?backurl=https%3A%2F%2Ftieba.baidu.com%2F"


@pytest.fixture
async def make_adapter() -> AsyncIterator[MakeAdapter]:
    async with adapter_factory() as build:
        yield build


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (httpx.Response(302, headers={"location": WAPPASS}), VerificationRequired),
        (httpx.Response(302, headers={"location": "https://passport.baidu.com/v2/?login&u=x"}), LoginRequired),
        (httpx.Response(302, headers={"location": "https://tieba.baidu.com/elsewhere"}), DataFetchError),
        (ok_html(CHECK_PAGE, 403), VerificationRequired),
        (httpx.Response(403, text="Forbidden"), RiskControl),
        (httpx.Response(401, json={"error_code": 1}), LoginRequired),
        (httpx.Response(404, text="not found"), DataFetchError),
        (ok_html(CHECK_PAGE), VerificationRequired),
        (
            ok_html("<html><head><title>登录百度帐号</title></head><body>passport.baidu.com</body></html>"),
            LoginRequired,
        ),
        (ok_json({"error_code": 110001, "error_msg": "未登录"}), LoginRequired),
        (ok_json({"error_code": 220034, "error_msg": "sign error"}), DataFetchError),
        (ok_json({"error_code": 20003, "error_msg": "服务暂时不可用"}), DataFetchError),
        (ok_json({"no": 1, "error": "请完成验证"}), VerificationRequired),
        (ok_json({"error_code": 0, "data": {"list": []}}), ParseError),
        (ok_json([1, 2]), ParseError),
    ],
)
async def test_search_errors_are_typed_and_not_retried(
    make_adapter: MakeAdapter, response: httpx.Response, error: type[Exception]
) -> None:
    adapter, rec = make_adapter(response, ok_json(multsearch(thread_card())))
    with pytest.raises(error) as caught:
        await adapter.search("kw", cursor=None, options=SearchOptions())
    assert len(rec.requests) == 1
    assert getattr(caught.value, "platform", None) == "tieba"
    assert getattr(caught.value, "endpoint", None) == "search"


async def test_error_code_is_kept_as_raw_code(make_adapter: MakeAdapter) -> None:
    adapter, _ = make_adapter(ok_json({"error_code": "110001", "error_msg": "未登录"}))
    with pytest.raises(LoginRequired) as caught:
        await adapter.search("kw", cursor=None, options=SearchOptions())
    assert caught.value.raw_code == 110001


@pytest.mark.parametrize("body", ['{"error_code": 0, "data": {"card_list": [', "<html><body>oops</body></html>", ""])
async def test_non_json_body_is_a_parse_error(make_adapter: MakeAdapter, body: str) -> None:
    adapter, _ = make_adapter(httpx.Response(200, content=body.encode()))
    with pytest.raises(ParseError, match="malformed JSON"):
        await adapter.search("kw", cursor=None, options=SearchOptions())


async def test_a_keyword_naming_the_check_hosts_is_not_a_wall(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(ok_json(multsearch(thread_card())))
    page = await adapter.search("wappass.baidu.com passport.baidu.com", cursor=None, options=SearchOptions())
    assert len(page.posts) == 1 and rec.params()["word"] == "wappass.baidu.com passport.baidu.com"


async def test_verification_on_the_detail_post(make_adapter: MakeAdapter) -> None:
    adapter, _ = make_adapter(ok_json(sync()), httpx.Response(302, headers={"location": WAPPASS}))
    post = parse_search_page(multsearch(thread_card()), fetched_at=FETCHED_AT).posts[0]
    with pytest.raises(VerificationRequired) as caught:
        await adapter.complete(post)
    assert caught.value.endpoint == "thread"


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (ok_html(CHECK_PAGE), VerificationRequired),
        (httpx.Response(302, headers={"location": "https://passport.baidu.com/v2/?login"}), LoginRequired),
        (httpx.Response(404, text="nope"), DataFetchError),
    ],
)
async def test_sub_reply_page_errors(
    make_adapter: MakeAdapter, response: httpx.Response, error: type[Exception]
) -> None:
    adapter, _ = make_adapter(ok_json(sync()), ok_json(page_pc(total_page=1)), response)
    post = parse_search_page(multsearch(thread_card()), fetched_at=FETCHED_AT).posts[0]
    page = await adapter.comments(post, cursor=None)
    with pytest.raises(error):
        await adapter.comments(post, cursor=page.next_cursor)


async def test_a_sub_reply_quoting_the_check_page_text_is_not_a_wall(make_adapter: MakeAdapter) -> None:
    item = (
        '<li class="lzl_single_post" data-field=\'{"spid": 9}\'><span class="lzl_content_main">百度安全验证</span></li>'
    )
    adapter, _ = make_adapter(ok_json(sync()), ok_json(page_pc(total_page=1)), ok_html(f"<ul>{item}</ul>"))
    post = parse_search_page(multsearch(thread_card()), fetched_at=FETCHED_AT).posts[0]
    page = await adapter.comments(post, cursor=None)
    replies = await adapter.comments(post, cursor=page.next_cursor)
    assert [r.content for r in replies.comments] == ["百度安全验证"]


async def test_429_is_retried_then_succeeds(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(
        httpx.Response(429, headers={"Retry-After": "0"}), httpx.Response(429), ok_json(multsearch(thread_card()))
    )
    page = await adapter.search("kw", cursor=None, options=SearchOptions())
    assert len(rec.requests) == 3 and len(page.posts) == 1


async def test_429_carries_retry_after(make_adapter: MakeAdapter) -> None:
    adapter, _ = make_adapter(httpx.Response(429, headers={"Retry-After": "7"}), max_retries=0)
    with pytest.raises(RateLimited) as caught:
        await adapter.search("kw", cursor=None, options=SearchOptions())
    assert caught.value.retry_after == 7.0 and caught.value.retryable


async def test_server_errors_are_retried_by_the_http_layer(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(httpx.Response(502), max_retries=1)
    with pytest.raises(ServerError):
        await adapter.search("kw", cursor=None, options=SearchOptions())
    assert len(rec.requests) == 2
