"""WeiboAdapter over httpx.MockTransport with the real PlatformHttp + Slot: the requests it sends.

Answers are the real captured samples; nothing touches the network. Error mapping: test_client_errors.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from keypick.content.schemas import Post
from keypick.enums import Platform, SortBy
from keypick.exceptions import LoginRequired
from keypick.platforms.base import SearchOptions
from keypick.platforms.weibo import ADAPTER_INFO, WeiboAdapter
from keypick.platforms.weibo.parsers import parse_mblog
from tests.platforms.weibo.mock_platform import UA, MakeAdapter, adapter_factory, ok_json
from tests.platforms.weibo.payloads import FETCHED_AT as NOW
from tests.platforms.weibo.payloads import FIRST_ID as MID
from tests.platforms.weibo.payloads import detail_page, first_mblog, hotflow, timeline

END_OF_RESULTS = {"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}}


@pytest.fixture
async def make_adapter() -> AsyncIterator[MakeAdapter]:
    async with adapter_factory() as build:
        yield build


# -- search -----------------------------------------------------------------------------------------


async def test_search_first_page_request_and_result(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(ok_json(timeline()))
    page = await adapter.search("猫咪", cursor=None, options=SearchOptions(sort_by=SortBy.HOT))
    request = rec.last
    assert request.method == "GET"
    assert (request.url.host, request.url.path) == ("m.weibo.cn", "/api/container/getIndex")
    assert rec.params() == {"containerid": "100103type=60&q=猫咪", "page_type": "searchall", "page": "1"}
    # One param whose value holds "&q=": it must travel percent-encoded, not as a second param.
    assert "containerid=100103type%3D60%26q%3D%E7%8C%AB%E5%92%AA" in str(request.url)
    assert request.headers["User-Agent"] == UA
    assert request.headers["Referer"] == "https://m.weibo.cn/"
    assert request.headers["Origin"] == "https://m.weibo.cn"
    assert request.headers["X-Requested-With"] == "XMLHttpRequest"
    assert request.headers["MWeibo-Pwa"] == "1"
    assert "Cookie" not in request.headers
    assert len(page.posts) == 10 and page.posts[0].id == MID
    assert page.posts[0].publish_time == datetime(2019, 6, 13, 16, 0, tzinfo=UTC)  # "06-14" by the clock
    assert page.posts[0].crawl_time == NOW
    assert page.next_cursor == {"page": 2}
    assert page.skipped == 0


async def test_search_sends_the_cookie_when_given(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(ok_json(timeline()), cookie=" SUB=abc; _T_WM=1 ")
    await adapter.search("猫咪", cursor=None, options=SearchOptions())
    assert rec.last.headers["Cookie"] == "SUB=abc; _T_WM=1"


@pytest.mark.parametrize(
    ("sort_by", "code"),
    [(SortBy.HOT, "60"), (SortBy.RECENT, "61"), (SortBy.LIKES, "1"), (SortBy.COMMENTS, "1"), (SortBy.SHARES, "1")],
)
async def test_search_sort_maps_to_the_container_type(make_adapter: MakeAdapter, sort_by: SortBy, code: str) -> None:
    adapter, rec = make_adapter(ok_json(timeline()))
    await adapter.search("kw", cursor=None, options=SearchOptions(sort_by=sort_by))
    assert rec.params()["containerid"] == f"100103type={code}&q=kw"
    assert adapter.time_ordered(SearchOptions(sort_by=sort_by)) is (sort_by is SortBy.RECENT)


async def test_search_follows_the_page_cursor(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(ok_json(timeline()))
    page = await adapter.search("kw", cursor={"page": 3}, options=SearchOptions())
    assert rec.params()["page"] == "3"
    assert page.next_cursor == {"page": 4}


async def test_search_end_of_results_ends_without_error(make_adapter: MakeAdapter) -> None:
    adapter, _ = make_adapter(ok_json(END_OF_RESULTS))
    page = await adapter.search("kw", cursor={"page": 6}, options=SearchOptions())
    assert page.posts == [] and page.next_cursor is None


async def test_search_page_without_cards_ends(make_adapter: MakeAdapter) -> None:
    adapter, _ = make_adapter(ok_json({"ok": 1, "data": {"cards": []}}))
    page = await adapter.search("kw", cursor=None, options=SearchOptions())
    assert page.next_cursor is None


# -- comments ----------------------------------------------------------------------------------------------


def search_post(**changes: Any) -> Post:
    mblog = first_mblog() | changes
    return parse_mblog(mblog, fetched_at=NOW - timedelta(hours=1))


async def test_comments_first_page_request_and_cursor(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(ok_json(hotflow()))
    page = await adapter.comments(search_post(), cursor=None)
    assert rec.last.url.path == "/comments/hotflow"
    assert rec.params() == {"id": MID, "mid": MID, "max_id_type": "0"}  # no max_id on page 1
    assert rec.last.headers["Referer"] == f"https://m.weibo.cn/detail/{MID}"
    assert rec.last.headers["X-Requested-With"] == "XMLHttpRequest"
    assert len(page.comments) == 11
    assert all(c.post_id == MID for c in page.comments)
    assert page.comments[1].parent_id == page.comments[0].comment_id == "4383183984547669"
    assert page.next_cursor == {"max_id": 314345666829623, "max_id_type": 0}


async def test_comments_next_page_sends_max_id_and_ends_at_zero(make_adapter: MakeAdapter) -> None:
    last = hotflow()
    last["data"]["max_id"] = 0
    adapter, rec = make_adapter(ok_json(last))
    page = await adapter.comments(search_post(), cursor={"max_id": 314345666829623, "max_id_type": 0})
    assert rec.params() == {"id": MID, "mid": MID, "max_id": "314345666829623", "max_id_type": "0"}
    assert page.next_cursor is None


async def test_comments_of_a_post_without_comments(make_adapter: MakeAdapter) -> None:
    adapter, _ = make_adapter(ok_json({"ok": 0, "msg": "快来发表你的评论吧"}))
    page = await adapter.comments(search_post(), cursor=None)
    assert page.comments == [] and page.next_cursor is None


# -- full text (complete) ----------------------------------------------------------------------------------


async def test_complete_leaves_short_posts_alone(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(ok_json({}))
    post = search_post()
    assert await adapter.complete(post) is post
    assert rec.requests == []


async def test_complete_fetches_the_detail_page_of_long_posts(make_adapter: MakeAdapter) -> None:
    full = first_mblog()
    full |= {"isLongText": True, "text": "完整的正文<br />第二行"}
    adapter, rec = make_adapter(httpx.Response(200, text=detail_page(full), headers={"content-type": "text/html"}))
    short = search_post(isLongText=True, text="被截断的...<a href='/status/x'>全文</a>")
    result = await adapter.complete(short)
    assert rec.last.url.path == f"/detail/{MID}"
    assert "X-Requested-With" not in rec.last.headers
    assert rec.last.headers["Accept"].startswith("text/html")
    assert result.content == "完整的正文\n第二行"
    assert result.crawl_time == short.crawl_time == NOW - timedelta(hours=1)
    assert result.platform_data["full_text"] is True


async def test_complete_keeps_the_short_post_when_the_page_has_no_data(make_adapter: MakeAdapter) -> None:
    page = "<html><head><title>微博</title></head><body>微博不存在或暂无查看权限</body></html>"
    adapter, _ = make_adapter(httpx.Response(200, text=page))
    short = search_post(isLongText=True)
    result = await adapter.complete(short)
    assert result.content == short.content
    assert "$render_data" in result.platform_data["full_text_error"]


async def test_complete_login_redirect_is_not_swallowed(make_adapter: MakeAdapter) -> None:
    adapter, _ = make_adapter(httpx.Response(302, headers={"location": "https://passport.weibo.cn/signin/welcome"}))
    with pytest.raises(LoginRequired):
        await adapter.complete(search_post(isLongText=True))


# -- author ------------------------------------------------------------------------------------------------


async def test_author_request_and_profile(make_adapter: MakeAdapter) -> None:
    # No captured userInfo answer: the real timeline user wrapped in the getIndex envelope.
    user = first_mblog()["user"]
    adapter, rec = make_adapter(ok_json({"ok": 1, "data": {"userInfo": user}}))
    author = await adapter.author("1331994986")
    assert rec.last.url.path == "/api/container/getIndex"
    assert rec.params() == {
        "jumpfrom": "weibocom",
        "type": "uid",
        "value": "1331994986",
        "containerid": "1005051331994986",
    }
    assert (author.author_id, author.nickname, author.followers) == ("1331994986", "用户甲", 63356825)


# -- static facts -------------------------------------------------------------------------------------------


def test_adapter_info() -> None:
    assert WeiboAdapter.info is ADAPTER_INFO
    assert ADAPTER_INFO.platform is Platform.WEIBO
    assert ADAPTER_INFO.page_size == 10
    caps = ADAPTER_INFO.capabilities
    assert (caps.search, caps.detail, caps.comments, caps.replies, caps.author) == (True,) * 5
    assert caps.author_posts is True
    assert (caps.native_time_filter, caps.needs_account) == (False,) * 2
    assert caps.native_sorts == ("hot→60 popular", "recent→61 real-time", "default→1")
    assert caps.notes
