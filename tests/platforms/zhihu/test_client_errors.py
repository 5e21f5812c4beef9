"""ZhihuAdapter error mapping (platforms.md §7.4): every way Zhihu says "no" becomes its typed KeyPick error.

Error bodies follow the `{"error": {"code", "message", ...}}` envelope of §7.4; the codes and
messages are those seen in MediaCrawler issues (#435, #517), the 10003 signature answer is
an observed-in-issues assumption, and 40352 + /account/unhuman is the captcha answer.
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
    VerificationRequired,
)
from keypick.platforms.base import SearchOptions
from tests.platforms.zhihu.fake_browser import MakeAdapter, adapter_factory, html, ok_json
from tests.platforms.zhihu.payloads import card, search

UNHUMAN = "https://www.zhihu.com/account/unhuman?type=S6E3V1&need_login=false&session=abc"


@pytest.fixture
async def make_adapter() -> AsyncIterator[MakeAdapter]:
    async with adapter_factory() as build:
        yield build


def error(code: int, message: str = "x", **extra: object) -> dict[str, object]:
    return {"error": {"code": code, "message": message, **extra}}


CASES: list[tuple[str, httpx.Response, type[PlatformError], str]] = [
    ("risk 40362", ok_json(error(40362, "您当前请求存在异常，暂时限制本次访问"), 403), RiskControl, "40362"),
    ("risk 40362 on 200", ok_json(error(40362)), RiskControl, "40362"),
    ("captcha 40352", ok_json(error(40352, "系统监测到您的网络环境存在异常", redirect=UNHUMAN), 403),
     VerificationRequired, "40352"),
    ("unhuman redirect field", ok_json(error(0, redirect=UNHUMAN), 403), VerificationRequired, "0"),
    ("not logged in 101", ok_json(error(101, name="ZERR_NOT_LOGIN"), 401), LoginRequired, "101"),
    ("ZERR_NOT_LOGIN name", ok_json(error(7, name="ZERR_NOT_LOGIN"), 403), LoginRequired, "7"),
    ("HTTP 401 bare", httpx.Response(401), LoginRequired, "401"),
    ("params 100", ok_json(error(100, "请求头或参数封装错误"), 400), DataFetchError, "100"),
    ("signature 10003", ok_json(error(10003, "请求参数异常，请升级客户端后重试"), 403), DataFetchError, "10003"),
    ("HTTP 403 html", html("<html><body>403 Forbidden</body></html>", 403), RiskControl, "403"),
    ("HTTP 403 unknown code", ok_json(error(12345), 403), RiskControl, "12345"),
    ("unknown code 200", ok_json(error(4242, "怪")), DataFetchError, "4242"),
    ("HTTP 404 search", ok_json(error(404), 404), DataFetchError, "404"),
    ("HTTP 400 html", html("<html>bad</html>", 400), DataFetchError, "400"),
    ("redirect unhuman", httpx.Response(302, headers={"location": UNHUMAN}), VerificationRequired, "302"),
    ("redirect signin", httpx.Response(302, headers={"location": "https://www.zhihu.com/signin?next=%2F"}),
     LoginRequired, "302"),
    ("redirect elsewhere", httpx.Response(302, headers={"location": "https://www.zhihu.com/"}), DataFetchError, "302"),
    ("captcha page 200", html("<html><title>安全验证 - 知乎</title><div id='captcha'></div></html>"),
     VerificationRequired, ""),
    ("login page 200", html("<html><title>登录知乎</title><a href='/signin'>登录</a></html>"), LoginRequired, ""),
    ("malformed json", httpx.Response(200, text='{"paging": {"is_end"', headers={"content-type": "application/json"}),
     ParseError, "200"),
    ("json list", ok_json([]), ParseError, "200"),
]  # fmt: skip


@pytest.mark.parametrize(("response", "error_type", "raw"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
async def test_search_error_mapping(
    make_adapter: MakeAdapter, response: httpx.Response, error_type: type[PlatformError], raw: str
) -> None:
    adapter, browser = make_adapter(response)
    with pytest.raises(error_type) as caught:
        await adapter.search("kw", cursor=None, options=SearchOptions())
    assert type(caught.value) is error_type
    assert caught.value.platform == "zhihu"
    if raw:
        assert str(caught.value.raw_code) == raw and caught.value.endpoint == "search"
    assert len(browser.sent) == 1  # none of these is retried


async def test_signature_rejection_says_so(make_adapter: MakeAdapter) -> None:
    adapter, _ = make_adapter(ok_json(error(10003, "请求参数异常，请升级客户端后重试"), 403))
    with pytest.raises(DataFetchError, match="signature rejected"):
        await adapter.search("kw", cursor=None, options=SearchOptions())


async def test_rate_limit_is_retried_then_raised(make_adapter: MakeAdapter) -> None:
    adapter, browser = make_adapter(httpx.Response(429, headers={"retry-after": "0"}), max_retries=2)
    with pytest.raises(RateLimited) as caught:
        await adapter.search("kw", cursor=None, options=SearchOptions())
    assert caught.value.retry_after == 0.0 and len(browser.sent) == 3


async def test_rate_limit_then_success(make_adapter: MakeAdapter) -> None:
    adapter, browser = make_adapter(httpx.Response(429), httpx.Response(429), ok_json(search()))
    page = await adapter.search("kw", cursor=None, options=SearchOptions())
    assert len(page.posts) == 6 and len(browser.sent) == 3


async def test_server_errors_are_retried(make_adapter: MakeAdapter) -> None:
    adapter, browser = make_adapter(httpx.Response(503), max_retries=1)
    with pytest.raises(ServerError):
        await adapter.search("kw", cursor=None, options=SearchOptions())
    assert len(browser.sent) == 2


async def test_a_keyword_that_looks_like_a_login_path_is_not_a_login_wall(make_adapter: MakeAdapter) -> None:
    adapter, _ = make_adapter(ok_json(search()))
    page = await adapter.search("/signin unhuman", cursor=None, options=SearchOptions())
    assert len(page.posts) == 6


async def test_risk_control_on_comments_is_raised_not_swallowed(make_adapter: MakeAdapter) -> None:
    adapter, _ = make_adapter(ok_json(error(40362), 403))
    with pytest.raises(RiskControl):
        await adapter.comments(card(), cursor=None)


async def test_verification_page_instead_of_a_profile(make_adapter: MakeAdapter) -> None:
    adapter, _ = make_adapter(html("<html><title>安全验证</title><a href='/account/unhuman'>验证</a></html>"))
    with pytest.raises(VerificationRequired):
        await adapter.author("92f38183266a26012d15b1510593a537")
