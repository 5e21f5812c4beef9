"""How KuaishouAdapter maps what www.kuaishou.com answers to KeyPick errors (platforms.md §3.2 signals).

No real error answer was captured: shapes follow platforms.md; codes marked ASSUMPTION in
constants.py (109 wording, 400002 captcha, the captcha page) are KeyPick's guesses.
"""

from __future__ import annotations

import httpx
import pytest

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
from keypick.platforms.kuaishou.parsers import parse_search_page
from tests.platforms.kuaishou.mock_platform import adapter_factory, ok_json
from tests.platforms.kuaishou.payloads import FETCHED_AT, KEYWORD, reshaped_search

CAPTCHA_PAGE = "<html><head><title>安全验证</title></head><body><div id='captcha'>请拖动滑块</div></body></html>"


@pytest.mark.parametrize(
    ("answer", "error", "text"),
    [
        (ok_json({"result": 50}), DataFetchError, "signature was rejected"),
        (ok_json({"result": 109, "error_msg": "请先登录"}), LoginRequired, "log in"),
        (ok_json({"result": 400002}), VerificationRequired, "captcha"),
        (ok_json({"result": 20003, "error_msg": "请求失败"}), DataFetchError, "result=20003"),
        (httpx.Response(200, html=CAPTCHA_PAGE), VerificationRequired, "captcha page"),
        (httpx.Response(200, text='{"result":1,"feeds":[{"ty'), ParseError, "malformed JSON"),
        (ok_json({}, status=403), RiskControl, "HTTP 403"),
        (ok_json({}, status=401), LoginRequired, "HTTP 401"),
        (ok_json({}, status=404), DataFetchError, "HTTP 404"),
        (
            httpx.Response(302, headers={"location": "https://passport.kuaishou.com/pc/account/login"}),
            LoginRequired,
            "login page",
        ),
        (httpx.Response(302, headers={"location": "https://www.kuaishou.com/other"}), DataFetchError, "redirect"),
    ],
)
async def test_search_answers(answer: httpx.Response, error: type[PlatformError], text: str) -> None:
    async with adapter_factory() as build:
        adapter, recorder, _ = build(answer)
        with pytest.raises(error, match=text) as caught:
            await adapter.search(KEYWORD, cursor=None, options=SearchOptions())
    assert caught.value.platform == "kuaishou" and caught.value.endpoint == "search"
    assert len(recorder.requests) == 1  # none of these is retried


async def test_result_2_is_retried_then_raised() -> None:
    async with adapter_factory() as build:
        adapter, recorder, signer = build(ok_json({"result": 2}), ok_json({"result": 2}), ok_json(reshaped_search()))
        page = await adapter.search(KEYWORD, cursor=None, options=SearchOptions())
        assert len(page.posts) == 20 and len(recorder.requests) == 3
        # Signed once per call: PlatformHttp has no per-attempt hook (see the adapter's _request).
        assert len(signer.signs) == 1
        always, recorder2, _ = build(ok_json({"result": 2}), max_retries=2)
        with pytest.raises(RateLimited):
            await always.search(KEYWORD, cursor=None, options=SearchOptions())
        assert len(recorder2.requests) == 3


async def test_http_429_and_5xx_are_retried() -> None:
    async with adapter_factory() as build:
        answers = (ok_json({}, 429, {"retry-after": "0"}), ok_json({}, 503), ok_json(reshaped_search()))
        adapter, recorder, _ = build(*answers)
        assert len((await adapter.search(KEYWORD, cursor=None, options=SearchOptions())).posts) == 20
        assert len(recorder.requests) == 3
        failing, _, _ = build(ok_json({}, 503), max_retries=0)
        with pytest.raises(ServerError):
            await failing.search(KEYWORD, cursor=None, options=SearchOptions())


@pytest.mark.parametrize(
    ("payload", "error", "text"),
    [
        ({"errors": [{"message": "user not found"}], "data": {"visionProfile": None}}, DataFetchError, "GraphQL error"),
        ({"result": 109, "error_msg": "请先登录"}, LoginRequired, "log in"),  # the gateway answers before GraphQL
        ({"data": {"visionProfile": {"result": 2}}}, RateLimited, "result 2"),
        ({"data": None}, ParseError, "data.visionProfile"),
    ],
)
async def test_graphql_answers(payload: object, error: type[PlatformError], text: str) -> None:
    async with adapter_factory() as build:
        adapter, _, _ = build(ok_json(payload), max_retries=0)
        with pytest.raises(error, match=text) as caught:
            await adapter.author("3xu")
    assert caught.value.endpoint == "creator"


async def test_comment_errors_name_their_endpoint() -> None:
    post = parse_search_page(reshaped_search(), fetched_at=FETCHED_AT).posts[0]
    async with adapter_factory() as build:
        adapter, _, _ = build(ok_json({"result": 109, "error_msg": "请先登录"}))
        with pytest.raises(LoginRequired) as caught:
            await adapter.comments(post, cursor=None)
        assert caught.value.endpoint == "comments"
        replies, _, _ = build(ok_json({"result": 20003}))
        cursor = {"pcursor": None, "roots_done": True, "pending": [["123", ""]]}
        with pytest.raises(DataFetchError) as caught_sub:
            await replies.comments(post, cursor=cursor)
        assert caught_sub.value.endpoint == "sub_comments"
