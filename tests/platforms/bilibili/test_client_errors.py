"""BilibiliAdapter error mapping and WBI key refresh: every status and code → a typed KeyPick error.

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
    PlatformError,
    RateLimited,
    RiskControl,
    ServerError,
)
from keypick.platforms.base import SearchOptions
from tests.platforms.bilibili.mock_platform import MakeAdapter, adapter_factory, ok_json, params_of
from tests.platforms.bilibili.payloads import IMG_KEY, NEW_IMG_KEY, NEW_SUB_KEY, SUB_KEY, nav, search_new

SEARCH = "/x/web-interface/wbi/search/type"
NAV = "/x/web-interface/nav"
RISK_PAGE = "<html><head><title>出错啦! - bilibili.com</title></head><body>由于触发哔哩哔哩安全风控策略</body></html>"
REJECTED = {"code": -352, "message": "风控校验失败", "ttl": 1}


@pytest.fixture
async def make_adapter() -> AsyncIterator[MakeAdapter]:
    async with adapter_factory() as build:
        yield build


@pytest.mark.parametrize(
    ("response", "error", "raw_code"),
    [
        (ok_json({"code": -412, "message": "请求被拦截", "ttl": 1}), RiskControl, -412),
        (ok_json({"code": -101, "message": "账号未登录", "ttl": 1}), LoginRequired, -101),
        (ok_json({"code": -400, "message": "请求错误", "ttl": 1}), DataFetchError, -400),
        (ok_json({"code": -404, "message": "啥都木有", "ttl": 1}), DataFetchError, -404),
        (ok_json({"code": 12345, "message": "其他"}), DataFetchError, 12345),
        (httpx.Response(412, text=RISK_PAGE, headers={"content-type": "text/html"}), RiskControl, 412),
        (httpx.Response(403, text="Forbidden"), RiskControl, 403),
        (httpx.Response(404, text="not found"), DataFetchError, 404),
        (httpx.Response(302, headers={"location": "https://passport.bilibili.com/login"}), DataFetchError, 302),
        (httpx.Response(200, text='{"code":0,"data":{"resu'), ParseError, 200),
        (ok_json({"code": 0, "data": {"seid": "1"}}), ParseError, None),
    ],
)
async def test_search_errors_are_typed_and_not_retried(
    make_adapter: MakeAdapter, response: httpx.Response, error: type[PlatformError], raw_code: int | None
) -> None:
    adapter, router = make_adapter({SEARCH: [response, ok_json(search_new())]})
    with pytest.raises(error) as caught:
        await adapter.search("kw", cursor=None, options=SearchOptions())
    assert caught.value.platform == "bilibili" and caught.value.endpoint == "search"
    assert caught.value.raw_code == raw_code
    assert len(router.on(SEARCH)) == 1 and len(router.on(NAV)) == 1  # no retry, no key refresh


async def test_429_is_retried_then_succeeds(make_adapter: MakeAdapter) -> None:
    busy = httpx.Response(429, headers={"retry-after": "0"})
    adapter, router = make_adapter({SEARCH: [busy, ok_json(search_new())]})
    page = await adapter.search("kw", cursor=None, options=SearchOptions())
    assert len(page.posts) == 10 and len(router.on(SEARCH)) == 2


async def test_429_until_retries_run_out_is_rate_limited(make_adapter: MakeAdapter) -> None:
    adapter, router = make_adapter({SEARCH: [httpx.Response(429)]}, max_retries=2)
    with pytest.raises(RateLimited):
        await adapter.search("kw", cursor=None, options=SearchOptions())
    assert len(router.on(SEARCH)) == 3


async def test_5xx_is_retried(make_adapter: MakeAdapter) -> None:
    adapter, router = make_adapter({SEARCH: [httpx.Response(503)]}, max_retries=1)
    with pytest.raises(ServerError):
        await adapter.search("kw", cursor=None, options=SearchOptions())
    assert len(router.on(SEARCH)) == 2


async def test_352_refreshes_the_keys_once_and_resigns(make_adapter: MakeAdapter) -> None:
    routes = {NAV: [ok_json(nav()), ok_json(nav(NEW_IMG_KEY, NEW_SUB_KEY))], SEARCH: [ok_json(REJECTED),
              ok_json(search_new())]}  # fmt: skip
    adapter, router = make_adapter(routes)
    page = await adapter.search("kw", cursor=None, options=SearchOptions())
    assert len(page.posts) == 10
    assert [r.url.path for r in router.requests] == [NAV, SEARCH, NAV, SEARCH]
    first, second = (params_of(r) for r in router.on(SEARCH))
    assert first["wts"] == second["wts"] and first["w_rid"] != second["w_rid"]  # same params, new keys
    # The fresh keys stay: the next call signs with them without asking nav again.
    await adapter.search("kw", cursor={"page": 2}, options=SearchOptions())
    assert len(router.on(NAV)) == 2 and params_of(router.on(SEARCH)[-1])["page"] == "2"


async def test_a_second_352_is_risk_control(make_adapter: MakeAdapter) -> None:
    adapter, router = make_adapter({SEARCH: [ok_json(REJECTED)]})
    with pytest.raises(RiskControl, match="again with fresh WBI keys") as caught:
        await adapter.search("kw", cursor=None, options=SearchOptions())
    assert caught.value.raw_code == -352
    assert [r.url.path for r in router.requests] == [NAV, SEARCH, NAV, SEARCH]


@pytest.mark.parametrize(
    ("nav_answer", "error"),
    [
        (ok_json({"code": -101, "message": "账号未登录", "ttl": 1}), LoginRequired),
        (httpx.Response(412, text=RISK_PAGE), RiskControl),
        (ok_json({"code": 0, "data": {"isLogin": True}}), ParseError),
    ],
)
async def test_nav_failures_stop_before_the_signed_call(
    make_adapter: MakeAdapter, nav_answer: httpx.Response, error: type[Exception]
) -> None:
    adapter, router = make_adapter({NAV: [nav_answer], SEARCH: [ok_json(search_new())]})
    with pytest.raises(error):
        await adapter.search("kw", cursor=None, options=SearchOptions())
    assert router.on(SEARCH) == []


async def test_logged_in_nav_keys_are_used(make_adapter: MakeAdapter) -> None:
    adapter, router = make_adapter(
        {NAV: [ok_json(nav(IMG_KEY, SUB_KEY, logged_in=True))], SEARCH: [ok_json(search_new())]}
    )
    await adapter.search("kw", cursor=None, options=SearchOptions())
    assert "w_rid" in params_of(router.on(SEARCH)[0])
