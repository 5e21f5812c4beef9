"""DouyinAdapter.author_posts with a scripted browser page: every /aweme/post/ call goes through the page (which
signs it), with the common params and max_cursor chaining; the list holds real awemes of the search capture under
the documented envelope (no capture of the list exists)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from keypick.config import Politeness
from keypick.crawler.http import PlatformHttp
from keypick.crawler.ratelimit import Slot
from keypick.exceptions import DataFetchError, LoginRequired, RiskControl
from keypick.platforms.douyin import DouyinAdapter
from keypick.platforms.douyin.signing import COMMON_PARAMS
from tests.platforms.douyin.fake_browser import MS_TOKEN, ScriptedBrowser
from tests.platforms.douyin.payloads import FETCHED_AT, aweme

WEBID = "7400000000000000001"
SEC_UID = "MS4wLjABAAAAPmoug13e0rU2uePaPL55-PQjtEenOTM-An-acSgbnin8sfKmjCRcJfrToxKLcpv9"
Make = Callable[..., tuple[DouyinAdapter, ScriptedBrowser]]


@pytest.fixture
async def make() -> AsyncIterator[Make]:
    clients: list[httpx.AsyncClient] = []

    def build(*answers: Any) -> tuple[DouyinAdapter, ScriptedBrowser]:
        browser = ScriptedBrowser(*answers)
        client = httpx.AsyncClient()
        clients.append(client)
        politeness = Politeness(min_interval=0, jitter=0, backoff_base=0, daily_budget=0, max_retries=2)
        http = PlatformHttp("douyin", client=client, slot=Slot("douyin", politeness), browser=browser,
                            cookies="sessionid=s")  # fmt: skip
        return DouyinAdapter(http, webid=WEBID, clock=lambda: FETCHED_AT), browser

    yield build
    for client in clients:
        await client.aclose()


def listed(*, has_more: int = 1, max_cursor: int = 1765966706000, count: int = 8) -> httpx.Response:
    awemes = [aweme(i) for i in range(count)]
    payload = {"status_code": 0, "status_msg": "", "aweme_list": awemes, "has_more": has_more, "max_cursor": max_cursor}
    return httpx.Response(200, json=payload)


async def test_first_page_is_sent_from_the_page_with_the_common_params(make: Make) -> None:
    adapter, page = make(listed())
    result = await adapter.author_posts(f"https://www.douyin.com/user/{SEC_UID}?from_tab_name=main", cursor=None)
    request = page.requests[0]
    assert request.page_url == "https://www.douyin.com/" and request.method == "GET"
    assert request.url.startswith("https://www.douyin.com/aweme/v1/web/aweme/post/?")
    params = page.params()
    assert {k: params[k] for k in COMMON_PARAMS} == COMMON_PARAMS
    assert params["webid"] == WEBID and params["msToken"] == MS_TOKEN and "a_bogus" not in params  # the page adds it
    own = ("sec_user_id", "count", "max_cursor", "locate_query", "publish_video_strategy_type")
    assert [params[k] for k in own] == [SEC_UID, "18", "0", "false", "2"]
    assert len(result.posts) == 8 and result.next_cursor == {"max_cursor": 1765966706000}


async def test_max_cursor_chaining_and_the_ends(make: Make) -> None:
    adapter, page = make(listed(), listed(max_cursor=1765966706000), listed(has_more=0), listed(count=0))
    first = await adapter.author_posts(SEC_UID, cursor=None)
    stuck = await adapter.author_posts(SEC_UID, cursor=first.next_cursor)
    assert page.params(1)["max_cursor"] == "1765966706000" and stuck.next_cursor is None  # did not move
    assert (await adapter.author_posts(SEC_UID, cursor={"max_cursor": 5})).next_cursor is None  # has_more 0
    empty = await adapter.author_posts(SEC_UID, cursor={"max_cursor": 5})
    assert (empty.posts, empty.next_cursor) == ([], None)  # an empty list ends it too


async def test_bad_keyword_blocked_and_logged_out(make: Make) -> None:
    adapter, page = make(httpx.Response(200, content=b""), httpx.Response(200, json={"status_code": 8}))
    with pytest.raises(DataFetchError, match="sec_uid"):
        await adapter.author_posts("8469643826572106", cursor=None)
    assert page.requests == []
    with pytest.raises(RiskControl, match="blocked"):
        await adapter.author_posts(SEC_UID, cursor=None)
    with pytest.raises(LoginRequired):
        await adapter.author_posts(SEC_UID, cursor=None)
