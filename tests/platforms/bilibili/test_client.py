"""BilibiliAdapter over httpx.MockTransport with the real PlatformHttp + Slot: requests, signing, paging.

Answers are the real captures where they exist (search, replies) and payloads.py's built shapes
elsewhere (nav, detail, acc/info, sub-reply pages). Error mapping: test_client_errors.py.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from keypick.content.schemas import Post
from keypick.enums import Platform, SortBy
from keypick.exceptions import DataFetchError
from keypick.platforms.base import SearchOptions
from keypick.platforms.bilibili import ADAPTER_INFO, BilibiliAdapter
from keypick.platforms.bilibili.parsers import parse_video_item
from keypick.platforms.bilibili.signing import encode_query
from tests.platforms.bilibili.mock_platform import UA, MakeAdapter, adapter_factory, ok_json, params_of
from tests.platforms.bilibili.payloads import (
    FETCHED_AT,
    MIXIN,
    acc_info,
    first_item,
    reply_main,
    reply_modern,
    search_new,
    view_detail,
)

SEARCH = "/x/web-interface/wbi/search/type"
NAV = "/x/web-interface/nav"
MAIN = "/x/v2/reply/wbi/main"
REPLY = "/x/v2/reply/reply"
WTS = str(int(FETCHED_AT.timestamp()))


@pytest.fixture
async def make_adapter() -> AsyncIterator[MakeAdapter]:
    async with adapter_factory() as build:
        yield build


def assert_signed(params: dict[str, str], mixin: str = MIXIN) -> None:
    """The w_rid is md5 of the other params, sorted and encoded, plus the mixin key."""
    rest = {k: v for k, v in params.items() if k != "w_rid"}
    assert list(rest) == sorted(rest) and rest["wts"] == WTS
    assert params["w_rid"] == hashlib.md5((encode_query(rest) + mixin).encode()).hexdigest()


# -- search -------------------------------------------------------------------------------------------


async def test_search_first_page_request_and_result(make_adapter: MakeAdapter) -> None:
    adapter, router = make_adapter({SEARCH: [ok_json(search_new())]})
    page = await adapter.search("火影忍者", cursor=None, options=SearchOptions(sort_by=SortBy.HOT))
    assert [r.url.path for r in router.requests] == [NAV, SEARCH]  # keys first, then the signed call
    request = router.requests[-1]
    assert request.url.host == "api.bilibili.com" and request.method == "GET"
    params = params_of(request)
    assert {k: v for k, v in params.items() if k not in ("w_rid", "wts")} == {
        "keyword": "火影忍者", "order": "click", "page": "1", "page_size": "20", "search_type": "video",
    }  # fmt: skip
    assert_signed(params)
    assert request.headers["User-Agent"] == UA
    assert request.headers["Referer"] == "https://www.bilibili.com/"
    assert request.headers["Origin"] == "https://www.bilibili.com"
    assert "Cookie" not in request.headers
    assert len(page.posts) == 10 and page.posts[0].id == "BV19wFGzzEPZ" and page.skipped == 0
    assert page.posts[0].crawl_time == FETCHED_AT
    assert page.next_cursor == {"page": 2}


async def test_search_keys_are_fetched_once_and_the_cookie_is_sent(make_adapter: MakeAdapter) -> None:
    adapter, router = make_adapter({SEARCH: [ok_json(search_new())]}, cookie=" SESSDATA=abc; buvid3=x ")
    await adapter.search("kw", cursor=None, options=SearchOptions())
    await adapter.search("kw", cursor={"page": 2}, options=SearchOptions())
    assert [r.url.path for r in router.requests] == [NAV, SEARCH, SEARCH]
    assert all(r.headers["Cookie"] == "SESSDATA=abc; buvid3=x" for r in router.requests)
    assert params_of(router.requests[-1])["page"] == "2"


@pytest.mark.parametrize(
    ("sort_by", "order"),
    [(SortBy.HOT, "click"), (SortBy.RECENT, "pubdate"), (SortBy.LIKES, ""), (SortBy.COMMENTS, ""), (SortBy.SHARES, "")],
)
async def test_search_sort_maps_to_order(make_adapter: MakeAdapter, sort_by: SortBy, order: str) -> None:
    adapter, router = make_adapter({SEARCH: [ok_json(search_new())]})
    await adapter.search("kw", cursor=None, options=SearchOptions(sort_by=sort_by))
    assert params_of(router.requests[-1])["order"] == order
    assert adapter.time_ordered(SearchOptions(sort_by=sort_by)) is (sort_by is SortBy.RECENT)


async def test_search_time_window_is_sent_in_seconds(make_adapter: MakeAdapter) -> None:
    adapter, router = make_adapter({SEARCH: [ok_json(search_new())]})
    since, until = FETCHED_AT - timedelta(days=7), FETCHED_AT - timedelta(days=1)
    await adapter.search("kw", cursor=None, options=SearchOptions(since=since, until=until))
    params = params_of(router.requests[-1])
    assert params["pubtime_begin_s"] == str(int(since.timestamp()))
    assert params["pubtime_end_s"] == str(int(until.timestamp()) - 1)  # inclusive end, exclusive until
    assert_signed(params)
    await adapter.search("kw", cursor=None, options=SearchOptions(since=since))
    assert params_of(router.requests[-1])["pubtime_end_s"] == WTS  # open end: now


async def test_search_last_page_ends(make_adapter: MakeAdapter) -> None:
    last = search_new()
    last["data"]["page"] = last["data"]["numPages"] = 24
    adapter, _ = make_adapter({SEARCH: [ok_json(last)]})
    page = await adapter.search("kw", cursor={"page": 24}, options=SearchOptions())
    assert page.next_cursor is None and len(page.posts) == 10


# -- detail ---------------------------------------------------------------------------------------------


def search_post() -> Post:
    return parse_video_item(first_item(), fetched_at=FETCHED_AT - timedelta(hours=1))


async def test_complete_fetches_the_unsigned_detail_and_merges(make_adapter: MakeAdapter) -> None:
    adapter, router = make_adapter({"/x/web-interface/view/detail": [ok_json(view_detail())]})
    card = search_post()
    full = await adapter.complete(card)
    (request,) = router.requests  # no nav: detail is not WBI-signed
    assert params_of(request) == {"bvid": "BV19wFGzzEPZ"}
    assert request.headers["Referer"] == "https://www.bilibili.com/video/BV19wFGzzEPZ"
    assert (full.id, full.shares, full.likes, full.crawl_time) == (card.id, 45, 782, card.crawl_time)
    assert full.images == card.images  # the https cover of the search card, not View's http one
    assert full.tags == ["火影忍者", "合集"]
    assert full.platform_data["coins"] == 321 and full.platform_data["detail"] is True
    assert full.platform_data["duration"] == "14150:36"  # kept from the card
    assert full.author_info is not None and full.author_info.followers == 12345


async def test_complete_of_a_missing_video_raises_and_a_bad_shape_keeps_the_card(make_adapter: MakeAdapter) -> None:
    adapter, _ = make_adapter({"/x/web-interface/view/detail": [ok_json({"code": -404, "message": "啥都木有"})]})
    with pytest.raises(DataFetchError):
        await adapter.complete(search_post())
    adapter, _ = make_adapter({"/x/web-interface/view/detail": [ok_json({"code": 0, "data": {"View": None}})]})
    kept = await adapter.complete(search_post())
    assert kept.shares is None and "View" in kept.platform_data["detail_error"]


# -- comments -------------------------------------------------------------------------------------------


def main_page(roots: list[dict[str, Any]], *, next_: int, is_end: bool, top: list[dict[str, Any]] | None = None) -> Any:
    """The real wbi/main envelope around given real roots."""
    payload = reply_main()
    payload["data"]["replies"] = roots
    payload["data"]["top_replies"] = top or []
    payload["data"]["cursor"] |= {"next": next_, "is_end": is_end}
    return payload


def sub_page(request: httpx.Request) -> httpx.Response:
    """Sub-replies: root 0 gets its 3 embedded replies back plus root 2's, re-rooted; others only theirs."""
    roots = reply_modern()["data"]["replies"]
    root = next(r for r in roots if r["rpid_str"] == params_of(request)["root"])
    replies = copy.deepcopy(root["replies"])
    if root is roots[0]:
        for extra in copy.deepcopy(roots[2]["replies"]):
            extra |= {"root": root["rpid"], "root_str": root["rpid_str"], "parent_str": root["rpid_str"]}
            replies.append(extra)
    page = {"num": 1, "size": 10, "count": len(replies)}
    return ok_json({"code": 0, "message": "0", "data": {"page": page, "replies": replies, "root": root}})


async def test_comments_page_replies_then_next_page_until_the_end(make_adapter: MakeAdapter) -> None:
    roots = reply_modern()["data"]["replies"]
    pinned = reply_main()["data"]["replies"][0]
    first = main_page(roots[:2], next_=2, is_end=False, top=[pinned])
    last = main_page([pinned, *reply_main()["data"]["replies"][1:]], next_=3, is_end=True)
    adapter, router = make_adapter({MAIN: [ok_json(first), ok_json(last)], REPLY: [sub_page]})
    post = search_post()
    aid = post.platform_data["aid"]

    page1 = await adapter.comments(post, cursor=None)
    params = params_of(router.on(MAIN)[0])
    assert {k: params[k] for k in ("oid", "type", "mode", "ps", "next")} == {
        "oid": aid, "type": "1", "mode": "3", "ps": "20", "next": "0"}  # fmt: skip
    assert_signed(params)
    assert router.on(MAIN)[0].headers["Referer"] == "https://www.bilibili.com/video/BV19wFGzzEPZ"
    assert [c.comment_id for c in page1.comments][:2] == ["237740291920", "237106897104"]  # pinned first
    assert len(page1.comments) == 1 + 2 + 6 and all(c.post_id == post.id for c in page1.comments)
    assert page1.next_cursor == {"next": 2, "queue": [["237106897104", ["237108982016", "237109513696",
                                 "237495603232"]], ["237108055680", ["237250103120", "237256617888",
                                 "237303314560"]]], "pn": 1, "pinned": ["237740291920"]}  # fmt: skip

    page2 = await adapter.comments(post, cursor=page1.next_cursor)
    sub = params_of(router.on(REPLY)[0])
    assert {k: sub[k] for k in ("oid", "type", "root", "ps", "pn")} == {
        "oid": aid, "type": "1", "root": "237106897104", "ps": "10", "pn": "1"}  # fmt: skip
    assert_signed(sub)
    # The embedded three are not returned twice; the others hang under root 0.
    assert [c.comment_id for c in page2.comments] == ["237108091664", "237109206624", "237115286160"]
    assert {c.parent_id for c in page2.comments} == {"237106897104"}

    # Root 1's sub page only repeats its embedded replies: the call moves on to main page 2 by itself.
    page3 = await adapter.comments(post, cursor=page2.next_cursor)
    assert params_of(router.on(MAIN)[1])["next"] == "2"
    assert [c.comment_id for c in page3.comments] == ["237689432448"]  # the pinned one is not repeated
    assert page3.next_cursor is None


async def test_comments_need_the_aid(make_adapter: MakeAdapter) -> None:
    adapter, _ = make_adapter({})
    post = search_post()
    post.platform_data.pop("aid")
    with pytest.raises(DataFetchError, match="aid"):
        await adapter.comments(post, cursor=None)


async def test_comments_cursor_that_does_not_move_ends(make_adapter: MakeAdapter) -> None:
    stuck = main_page(reply_main()["data"]["replies"], next_=0, is_end=False)
    adapter, _ = make_adapter({MAIN: [ok_json(stuck)]})
    page = await adapter.comments(search_post(), cursor=None)
    assert len(page.comments) == 2 and page.next_cursor is None


# -- author -----------------------------------------------------------------------------------------------


async def test_author_request_and_profile(make_adapter: MakeAdapter) -> None:
    adapter, router = make_adapter({"/x/space/wbi/acc/info": [ok_json(acc_info())]})
    author = await adapter.author("794383850")
    request = router.requests[-1]
    params = params_of(request)
    assert params["mid"] == "794383850" and request.headers["Referer"] == "https://space.bilibili.com/794383850"
    assert_signed(params)
    assert (author.author_id, author.nickname, author.gender) == ("794383850", "用户甲", "女")


# -- static facts -------------------------------------------------------------------------------------------


def test_adapter_info() -> None:
    assert BilibiliAdapter.info is ADAPTER_INFO and ADAPTER_INFO.platform is Platform.BILIBILI
    assert ADAPTER_INFO.page_size == 20
    caps = ADAPTER_INFO.capabilities
    assert (caps.search, caps.detail, caps.comments, caps.replies, caps.author, caps.native_time_filter) == (True,) * 6
    assert caps.author_posts is True
    assert (caps.needs_account, caps.needs_browser) == (False,) * 2
    assert caps.native_sorts[:2] == ("hot→click (most played)", "recent→pubdate (newest first)")
    assert "-412" in caps.notes and "cookie" in caps.notes


async def test_a_sub_reply_page_number_that_does_not_move_ends_that_root(make_adapter: MakeAdapter) -> None:
    payload = sub_page(httpx.Request("GET", f"https://api.bilibili.com{REPLY}?root=237108055680")).json()
    payload["data"]["page"] |= {"num": 1, "count": 20}  # always page 1 of 20, whatever pn was asked
    adapter, router = make_adapter({REPLY: [ok_json(payload)]})
    cursor = {"next": None, "queue": [["237108055680", []]], "pn": 2, "pinned": []}
    page = await adapter.comments(search_post(), cursor=cursor)
    assert params_of(router.on(REPLY)[0])["pn"] == "2"
    assert len(page.comments) == 3 and page.next_cursor is None
