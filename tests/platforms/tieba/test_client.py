"""TiebaAdapter over httpx.MockTransport with the real PlatformHttp + Slot: the requests it sends, the paging.

No Tieba JSON was ever captured: answers follow the platforms.md field lists (payloads.py).
Error mapping: test_client_errors.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from keypick.content.schemas import Post
from keypick.enums import Platform, SortBy
from keypick.exceptions import DataFetchError
from keypick.platforms.base import SearchOptions
from keypick.platforms.tieba import ADAPTER_INFO, TiebaAdapter
from keypick.platforms.tieba.constants import DESKTOP_USER_AGENT
from keypick.platforms.tieba.parsers import parse_search_page
from keypick.platforms.tieba.signing import compute_sign
from tests.platforms.tieba.mock_platform import MakeAdapter, adapter_factory, ok_html, ok_json
from tests.platforms.tieba.payloads import (
    FETCHED_AT,
    OTHER_PORTRAIT,
    PORTRAIT,
    TID,
    homesidebar,
    lzl_item,
    lzl_page,
    multsearch,
    my_thread,
    page_pc,
    sync,
    thread_card,
)

TBS = "2f5e9a1c7d3b4e601722902400"


@pytest.fixture
async def make_adapter() -> AsyncIterator[MakeAdapter]:
    async with adapter_factory() as build:
        yield build


def card_post() -> Post:
    return parse_search_page(multsearch(thread_card()), fetched_at=FETCHED_AT).posts[0]


def assert_signed(values: dict[str, str]) -> None:
    assert (values["subapp_type"], values["_client_type"]) == ("pc", "20")
    assert values["sign"] == compute_sign(values)


# -- search ------------------------------------------------------------------------------------------


async def test_search_first_page_request_and_result(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(ok_json(multsearch({"cardStyle": "forum", "data": {}}, thread_card())))
    page = await adapter.search("富士康", cursor=None, options=SearchOptions(sort_by=SortBy.RECENT))
    request = rec.last
    assert request.method == "GET"
    assert (request.url.host, request.url.path) == ("tieba.baidu.com", "/mo/q/search/multsearch")
    params = rec.params()
    assert {k: v for k, v in params.items() if k not in ("subapp_type", "_client_type", "sign")} == {
        "rn": "20", "st": "1", "word": "富士康", "needbrand": "1", "sug_type": "2", "pn": "1", "come_from": "search",
    }  # fmt: skip
    assert_signed(params)
    assert request.headers["User-Agent"] == DESKTOP_USER_AGENT
    assert request.headers["Referer"] == "https://tieba.baidu.com/"
    assert request.headers["Accept"].startswith("application/json")
    assert "Cookie" not in request.headers
    assert [p.id for p in page.posts] == [TID] and page.skipped == 1
    assert page.posts[0].crawl_time == FETCHED_AT
    assert page.next_cursor == {"pn": 2}


async def test_search_sends_the_cookie_when_given(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(ok_json(multsearch(thread_card())), cookie=" BDUSS=abc; BAIDUID=1 ")
    await adapter.search("kw", cursor=None, options=SearchOptions())
    assert rec.last.headers["Cookie"] == "BDUSS=abc; BAIDUID=1"


@pytest.mark.parametrize(
    ("sort_by", "st"),
    [(SortBy.RECENT, "1"), (SortBy.HOT, "2"), (SortBy.LIKES, "2"), (SortBy.COMMENTS, "2"), (SortBy.SHARES, "2")],
)
async def test_sort_maps_to_st(make_adapter: MakeAdapter, sort_by: SortBy, st: str) -> None:
    adapter, rec = make_adapter(ok_json(multsearch(thread_card())))
    await adapter.search("kw", cursor=None, options=SearchOptions(sort_by=sort_by))
    assert rec.params()["st"] == st
    assert adapter.time_ordered(SearchOptions(sort_by=sort_by)) is (sort_by is SortBy.RECENT)


async def test_search_follows_the_cursor_and_ends_on_an_empty_list(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(ok_json(multsearch(thread_card())), ok_json(multsearch()))
    page = await adapter.search("kw", cursor={"pn": 3}, options=SearchOptions())
    assert rec.params()["pn"] == "3" and page.next_cursor == {"pn": 4}
    last = await adapter.search("kw", cursor={"pn": 4}, options=SearchOptions())
    assert last.posts == [] and last.next_cursor is None


# -- detail (complete) -------------------------------------------------------------------------------


async def test_complete_fetches_tbs_then_page_pc_and_merges(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(ok_json(sync(TBS)), ok_json(page_pc()))
    card = card_post().model_copy(update={"task_id": "t1"})
    full = await adapter.complete(card)
    assert rec.paths() == ["/c/s/pc/sync", "/c/f/pb/page_pc"]
    assert_signed(rec.params(0))
    post = rec.last
    assert post.method == "POST" and post.url.query == b""
    assert post.headers["Content-Type"] == "application/x-www-form-urlencoded;charset=UTF-8"
    assert post.headers["Referer"] == f"https://tieba.baidu.com/p/{TID}"
    form = rec.form()
    assert {k: v for k, v in form.items() if k not in ("subapp_type", "_client_type", "sign")} == {
        "pn": "1", "lz": "0", "r": "2", "mark_type": "0", "back": "0", "fr": "", "kz": TID,
        "session_request_times": "1", "tbs": TBS,
    }  # fmt: skip
    assert_signed(form)
    assert full.content.endswith("正式对外发布了一则重大投资公告。") and full.comments == 14
    assert (full.crawl_time, full.task_id) == (card.crawl_time, "t1")
    assert full.platform_data["forum_id"] == "26976424" and full.platform_data["total_page"] == 2
    assert "content_is_snippet" not in full.platform_data
    assert full.author_avatar == "https://himg.bdimg.com/sys/portrait/x.jpg"


async def test_tbs_is_fetched_once_per_adapter(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(ok_json(sync(TBS)), ok_json(page_pc()))
    await adapter.complete(card_post())
    await adapter.complete(card_post())
    assert rec.paths() == ["/c/s/pc/sync", "/c/f/pb/page_pc", "/c/f/pb/page_pc"]


async def test_a_stale_tbs_is_replaced_once(make_adapter: MakeAdapter) -> None:
    stale = ok_json({"error_code": 220034, "error_msg": "tbs error"})
    adapter, rec = make_adapter(ok_json(sync("old")), stale, ok_json(sync("new")), ok_json(page_pc()))
    await adapter.complete(card_post())
    assert rec.paths() == ["/c/s/pc/sync", "/c/f/pb/page_pc", "/c/s/pc/sync", "/c/f/pb/page_pc"]
    assert rec.form(1)["tbs"] == "old" and rec.form(3)["tbs"] == "new"


async def test_a_tbs_rejected_twice_is_an_error(make_adapter: MakeAdapter) -> None:
    stale = ok_json({"error_code": 220034, "error_msg": "tbs error"})
    adapter, rec = make_adapter(ok_json(sync()), stale, ok_json(sync()), stale)
    with pytest.raises(DataFetchError, match="tbs"):
        await adapter.complete(card_post())
    assert len(rec.requests) == 4


async def test_complete_keeps_what_the_detail_lacks(make_adapter: MakeAdapter) -> None:
    bare = page_pc()
    bare["user_list"] = []
    adapter, _ = make_adapter(ok_json(sync()), ok_json(bare))
    full = await adapter.complete(card_post())
    assert (full.author, full.author_id) == ("用户甲", PORTRAIT)  # from the search card
    assert full.author_info is not None


# -- comments --------------------------------------------------------------------------------------------


def sub_page(count: int, start: int = 0) -> str:
    items = [
        lzl_item(150719000000 + i, "用户丙", "tb.1.aa", f"第{i}条", "2024-08-05 17:01") for i in range(start, count)
    ]
    return lzl_page(*items)


async def test_comments_reuse_the_detail_page_then_walk_sub_replies_and_pages(make_adapter: MakeAdapter) -> None:
    last_page = page_pc(
        pn=2, posts=[{"id": 3, "author_id": 2012345678, "time": 1722850000, "content": [{"text": "末"}]}]
    )
    adapter, rec = make_adapter(
        ok_json(sync()), ok_json(page_pc()), ok_html(sub_page(10)), ok_html(sub_page(12, 10)), ok_json(last_page)
    )
    post = await adapter.complete(card_post())
    first = await adapter.comments(post, cursor=None)
    assert len(rec.requests) == 2  # page 1 came with the detail
    assert [c.comment_id for c in first.comments] == ["150718999001", "150718999002"]
    assert first.next_cursor == {"pn": 2, "fid": "26976424", "queue": [["150718999001", 1, 2]]}
    subs = await adapter.comments(post, cursor=first.next_cursor)
    assert rec.last.url.path == "/p/comment"
    assert rec.params() == {"tid": TID, "pid": "150718999001", "fid": "26976424", "pn": "1"}
    assert rec.last.headers["Accept"].startswith("text/html")
    assert len(subs.comments) == 10 and {c.parent_id for c in subs.comments} == {"150718999001"}
    more = await adapter.comments(post, cursor=subs.next_cursor)
    assert rec.params()["pn"] == "2" and len(more.comments) == 2
    assert more.next_cursor == {"pn": 2, "fid": "26976424", "queue": []}
    tail = await adapter.comments(post, cursor=more.next_cursor)
    assert rec.form()["pn"] == "2" and [c.comment_id for c in tail.comments] == ["3"]
    assert tail.next_cursor is None


async def test_comments_without_detail_fetch_page_one(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(ok_json(sync()), ok_json(page_pc(total_page=1)))
    page = await adapter.comments(card_post(), cursor=None)
    assert rec.paths() == ["/c/s/pc/sync", "/c/f/pb/page_pc"]
    assert len(page.comments) == 2
    assert page.next_cursor == {"pn": None, "fid": "26976424", "queue": [["150718999001", 1, 2]]}


async def test_an_empty_sub_reply_page_moves_on_within_one_call(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(ok_json(sync()), ok_json(page_pc(total_page=1)), ok_html(lzl_page()))
    page = await adapter.comments(card_post(), cursor=None)
    assert page.next_cursor is not None
    end = await adapter.comments(card_post(), cursor=page.next_cursor)
    assert end.comments == [] and end.next_cursor is None
    assert rec.paths()[-1] == "/p/comment"


async def test_a_thread_without_replies_ends_at_once(make_adapter: MakeAdapter) -> None:
    only_first = page_pc(total_page=1)
    only_first["post_list"] = only_first["post_list"][:1]
    adapter, _ = make_adapter(ok_json(sync()), ok_json(only_first))
    page = await adapter.comments(card_post(), cursor=None)
    assert page.comments == [] and page.next_cursor is None


# -- author -------------------------------------------------------------------------------------------


async def test_author_request_and_profile(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(ok_json(homesidebar()))
    author = await adapter.author(PORTRAIT)
    assert rec.last.url.path == "/c/u/pc/homeSidebarRight"
    params = rec.params()
    assert (params["portrait"], params["un"]) == (PORTRAIT, "")
    assert_signed(params)
    assert (author.author_id, author.nickname, author.followers) == (PORTRAIT, "用户甲", 12000)


async def test_author_ids_of_replies_fit_the_profile_call(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(ok_json(sync()), ok_json(page_pc()), ok_json(homesidebar(portrait=OTHER_PORTRAIT)))
    page = await adapter.comments(card_post(), cursor=None)
    author = await adapter.author(page.comments[0].author_id or "")
    assert rec.params()["portrait"] == OTHER_PORTRAIT == author.author_id


async def test_author_posts_request_paging_and_completion(make_adapter: MakeAdapter) -> None:
    info = {"tid": int(TID), "title": "【武汉交互空间吧】富士康10亿加码", "reply_num": 12, "create_time": 1722847500}
    adapter, rec = make_adapter(ok_json(my_thread(info)), ok_json(my_thread(info | {"tid": 1}, has_more=0)),
                                ok_json(sync()), ok_json(page_pc()))  # fmt: skip
    link = f"https://tieba.baidu.com/home/main?id={PORTRAIT}&fr=index"
    first = await adapter.author_posts(link, cursor=None)
    assert rec.last.url.path == "/c/u/feed/myThread"
    params = rec.params()
    assert {k: params[k] for k in ("pn", "rn", "portrait", "type", "un")} == {
        "pn": "1", "rn": "20", "portrait": PORTRAIT, "type": "1", "un": ""}  # fmt: skip
    assert_signed(params)
    assert rec.last.headers["referer"] == f"https://tieba.baidu.com/home/main?id={PORTRAIT}"
    assert first.next_cursor == {"pn": 2} and [p.id for p in first.posts] == [TID]
    assert first.posts[0].author_id == PORTRAIT and first.posts[0].title == "富士康10亿加码"
    last = await adapter.author_posts(PORTRAIT, cursor=first.next_cursor)
    assert rec.params()["pn"] == "2" and last.next_cursor is None
    # A listed thread is completed from page_pc, as a search card is.
    full = await adapter.complete(first.posts[0])
    assert rec.paths()[-1] == "/c/f/pb/page_pc" and full.content and "content_is_snippet" not in full.platform_data


# -- static facts --------------------------------------------------------------------------------------


def test_adapter_info() -> None:
    assert TiebaAdapter.info is ADAPTER_INFO
    assert ADAPTER_INFO.platform is Platform.TIEBA and ADAPTER_INFO.page_size == 20
    caps = ADAPTER_INFO.capabilities
    assert (caps.search, caps.detail, caps.comments, caps.replies, caps.author, caps.author_posts) == (True,) * 6
    assert (caps.native_time_filter, caps.needs_account, caps.needs_browser) == (False,) * 3
    assert caps.native_sorts == ("recent→st=1 time desc", "default→st=2 relevance")
    assert "BDUSS" in caps.notes and "myThread" in caps.notes
