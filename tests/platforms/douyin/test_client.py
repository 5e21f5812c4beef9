"""DouyinAdapter over the real PlatformHttp + Slot with a scripted browser page: the requests it sends.

Every call must go through the page (page_url = the www.douyin.com home page), whose scripts sign it.
Answers are the real captured samples; error mapping is in test_client_errors.py.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest

from keypick.browser.base import BrowserRequest
from keypick.config import Politeness
from keypick.content.schemas import Post
from keypick.crawler.http import PlatformHttp
from keypick.crawler.ratelimit import Slot
from keypick.enums import Platform, SortBy
from keypick.exceptions import ConfigError
from keypick.platforms import registry
from keypick.platforms.base import SearchOptions
from keypick.platforms.douyin import ADAPTER_INFO, DouyinAdapter
from keypick.platforms.douyin.parsers import parse_aweme
from keypick.platforms.douyin.signing import COMMON_PARAMS
from tests.platforms.douyin.fake_browser import MS_TOKEN, ScriptedBrowser
from tests.platforms.douyin.payloads import FETCHED_AT, VIDEO_ID, aweme, comments, profile, replies_of, search

WEBID = "7400000000000000001"
API = "https://www.douyin.com/aweme/v1/web"
Make = Callable[..., tuple[DouyinAdapter, ScriptedBrowser]]


def ok(payload: Any) -> httpx.Response:
    return httpx.Response(200, json=payload)


@pytest.fixture
async def make() -> AsyncIterator[Make]:
    clients: list[httpx.AsyncClient] = []

    def build(
        *answers: Any, cookie: str | None = "sessionid=s", ms_token: Any = MS_TOKEN
    ) -> tuple[DouyinAdapter, ScriptedBrowser]:
        browser = ScriptedBrowser(*answers, ms_token=ms_token)
        client = httpx.AsyncClient()
        clients.append(client)
        politeness = Politeness(min_interval=0, jitter=0, backoff_base=0, daily_budget=0, max_retries=2)
        http = PlatformHttp("douyin", client=client, slot=Slot("douyin", politeness), browser=browser, cookies=cookie)
        return DouyinAdapter(http, webid=WEBID, clock=lambda: FETCHED_AT), browser

    yield build
    for client in clients:
        await client.aclose()


def the_video() -> Post:
    return parse_aweme(aweme(1), fetched_at=FETCHED_AT)


async def test_search_is_sent_from_the_page_with_the_common_params(make: Make) -> None:
    adapter, page = make(ok(search()))
    result = await adapter.search("猫咪", cursor=None, options=SearchOptions())
    request = page.requests[0]
    assert request.page_url == "https://www.douyin.com/" and request.method == "GET"
    assert request.url.startswith(f"{API}/general/search/single/?")
    params = page.params()
    assert {k: params[k] for k in COMMON_PARAMS} == COMMON_PARAMS
    assert params["webid"] == WEBID and params["msToken"] == MS_TOKEN
    own = ("keyword", "offset", "count", "search_channel", "search_id")
    assert [params[k] for k in own] == ["猫咪", "0", "10", "aweme_general", ""]
    assert params["is_filter_search"] == "0" and "filter_selected" not in params
    assert "a_bogus" not in params  # the page's scripts add it, never KeyPick
    assert "Cookie" not in request.headers and page.cookies == ["sessionid=s"]  # the page carries them
    assert len(result.posts) == 8 and result.skipped == 1
    assert result.next_cursor == {"offset": 10, "search_id": "2026020517484919A801EBF16F8EC0F8C4"}
    assert page.evaluated == [("https://www.douyin.com/", "() => window.localStorage.getItem('xmst')")]


async def test_next_page_steps_offset_by_the_count_and_carries_the_logid(make: Make) -> None:
    adapter, page = make(ok(search()))
    await adapter.search("猫咪", cursor={"offset": 10, "search_id": "LOGID"}, options=SearchOptions())
    await adapter.search("猫咪", cursor={"offset": 20, "search_id": "LOGID2"}, options=SearchOptions())
    assert [(page.params(i)["offset"], page.params(i)["search_id"]) for i in (0, 1)] == [
        ("10", "LOGID"), ("20", "LOGID2")]  # fmt: skip
    assert len(page.evaluated) == 1  # msToken is read from the page once


@pytest.mark.parametrize(
    ("sort_by", "since_days", "selected"),
    [
        (SortBy.RECENT, None, {"sort_type": "2", "publish_time": "0"}),
        (SortBy.LIKES, None, {"sort_type": "1", "publish_time": "0"}),
        (SortBy.HOT, 0.5, {"sort_type": "0", "publish_time": "1"}),
        (SortBy.COMMENTS, 6, {"sort_type": "0", "publish_time": "7"}),
        (SortBy.RECENT, 100, {"sort_type": "2", "publish_time": "180"}),
        (SortBy.LIKES, 400, {"sort_type": "1", "publish_time": "0"}),
    ],
)
async def test_native_filters(make: Make, sort_by: SortBy, since_days: float | None, selected: dict[str, str]) -> None:
    adapter, page = make(ok(search()))
    since = FETCHED_AT - timedelta(days=since_days) if since_days is not None else None
    options = SearchOptions(sort_by=sort_by, since=since)
    await adapter.search("kw", cursor=None, options=options)
    assert json.loads(page.params()["filter_selected"]) == selected
    assert page.params()["is_filter_search"] == "1"
    assert page.params()["filter_selected"] == json.dumps(selected, separators=(",", ":"))
    assert adapter.time_ordered(options) is (sort_by is SortBy.RECENT)


async def test_last_page_has_no_next_cursor(make: Make) -> None:
    adapter, _ = make(ok({**search(), "has_more": 0}))
    assert (await adapter.search("kw", cursor=None, options=SearchOptions())).next_cursor is None


async def test_ms_token_is_optional(make: Make) -> None:
    adapter, page = make(ok(search()), ms_token=RuntimeError("page has no localStorage"))
    await adapter.search("kw", cursor=None, options=SearchOptions())
    await adapter.search("kw", cursor=None, options=SearchOptions())
    assert "msToken" not in page.params() and len(page.evaluated) == 1


async def test_comments_then_replies_then_the_next_root_page(make: Make) -> None:
    roots = [c["cid"] for c in comments()["comments"] if c["reply_comment_total"] > 0]

    def answer(request: BrowserRequest) -> httpx.Response:
        query = httpx.URL(request.url).params
        if "/reply/" in request.url:
            return ok(replies_of(query["comment_id"]))
        return ok({**comments(), "has_more": int(query["cursor"] == "0")})

    adapter, page = make(answer)
    post = the_video()
    batches, cursor = [], None
    for _ in range(20):
        got = await adapter.comments(post, cursor=cursor)
        batches.append(got.comments)
        cursor = got.next_cursor
        if cursor is None:
            break
    paths = [httpx.URL(r.url).path for r in page.requests]
    assert paths == ["/aweme/v1/web/comment/list/"] + ["/aweme/v1/web/comment/list/reply/"] * 5 + [
        "/aweme/v1/web/comment/list/"] + ["/aweme/v1/web/comment/list/reply/"] * 5  # fmt: skip
    first = page.params(0)
    assert (first["aweme_id"], first["cursor"], first["count"], first["item_type"]) == (VIDEO_ID, "0", "20", "0")
    assert page.params(6)["cursor"] == "20"  # the answer's cursor
    reply = page.params(1)
    assert [reply[k] for k in ("item_id", "comment_id", "cursor", "item_type")] == [VIDEO_ID, roots[0], "0", "0"]
    assert [c.parent_id for c in batches[1]] == [roots[0], roots[0]]
    assert all(r.page_url == "https://www.douyin.com/" for r in page.requests)


async def test_reply_pages_follow_their_cursor(make: Make) -> None:
    root = comments()["comments"][3]["cid"]  # 24 replies
    page_one = {**replies_of(root), "has_more": 1, "cursor": 20}
    adapter, page = make(ok(page_one), ok(replies_of(root)))
    state = {"cursor": None, "roots": [root], "reply_cursor": 0}
    got = await adapter.comments(the_video(), cursor=state)
    assert got.next_cursor == {"cursor": None, "roots": [root], "reply_cursor": 20}
    done = await adapter.comments(the_video(), cursor=got.next_cursor)
    assert page.params()["cursor"] == "20" and done.next_cursor is None


async def test_empty_reply_pages_are_skipped_within_one_call(make: Make) -> None:
    empty = {"status_code": 0, "comments": None, "has_more": 0, "cursor": 0, "total": 0}
    adapter, page = make(ok(empty), ok(empty), ok(replies_of("7590258008161092394")))
    state = {"cursor": None, "roots": ["7590258008161092390", "7590258008161092391", "7590258008161092394"]}
    got = await adapter.comments(the_video(), cursor=state)
    assert len(page.requests) == 3 and len(got.comments) == 2 and got.next_cursor is None


async def test_author_profile(make: Make) -> None:
    user = aweme(2)["author"]
    adapter, page = make(ok(profile(user)))
    author = await adapter.author(user["sec_uid"])
    assert httpx.URL(page.requests[0].url).path == "/aweme/v1/web/user/profile/other/"
    assert page.params()["sec_user_id"] == user["sec_uid"] and page.params()["publish_video_strategy_type"] == "2"
    assert author.nickname == "用户戊"


async def test_without_a_browser_the_call_says_what_to_install() -> None:
    async with httpx.AsyncClient() as client:
        politeness = Politeness(min_interval=0, jitter=0, daily_budget=0)
        http = PlatformHttp("douyin", client=client, slot=Slot("douyin", politeness))
        with pytest.raises(ConfigError, match="browser"):
            await DouyinAdapter(http).search("kw", cursor=None, options=SearchOptions())


def test_adapter_info_and_registry() -> None:
    caps = ADAPTER_INFO.capabilities
    assert caps.needs_browser and caps.needs_account and caps.comments and caps.replies and caps.author
    assert not caps.detail and caps.native_time_filter and ADAPTER_INFO.page_size == 10
    assert caps.author_posts and "/aweme/post/" in caps.notes and ADAPTER_INFO.creator_keyword is not None
    assert registry.is_available("douyin") and registry.INFOS[Platform.DOUYIN] is ADAPTER_INFO
