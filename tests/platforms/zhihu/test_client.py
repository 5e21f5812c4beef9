"""ZhihuAdapter over a fake browser fetcher and the real PlatformHttp + Slot: what it sends, and from which page.

Search answers are the real capture; comment pages and HTML pages are built from platforms.md
(payloads.py). Error mapping: test_client_errors.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from keypick.enums import Platform, SortBy
from keypick.exceptions import DataFetchError, LoginRequired
from keypick.platforms.base import SearchOptions
from keypick.platforms.zhihu import ADAPTER_INFO, ZhihuAdapter
from keypick.platforms.zhihu import constants as c
from keypick.platforms.zhihu.parsers import parse_content
from tests.platforms.zhihu.fake_browser import COOKIE, MakeAdapter, adapter_factory, html, ok_json
from tests.platforms.zhihu.payloads import (
    FETCHED_AT,
    answer_page,
    card,
    comment,
    comment_page,
    member_answers,
    people_page,
    result,
    search,
    state_page,
)

SEARCH_PAGE = "https://www.zhihu.com/search?type=content&q=%E5%92%96%E5%95%A1"


@pytest.fixture
async def make_adapter() -> AsyncIterator[MakeAdapter]:
    async with adapter_factory() as build:
        yield build


# -- search -----------------------------------------------------------------------------------------


async def test_search_first_page_is_sent_from_the_search_page(make_adapter: MakeAdapter) -> None:
    adapter, browser = make_adapter(ok_json(search()))
    page = await adapter.search("咖啡", cursor=None, options=SearchOptions())
    sent = browser.last
    assert sent.request.page_url == SEARCH_PAGE
    assert sent.request.method == "GET" and sent.cookies == COOKIE
    assert sent.request.url.startswith("https://www.zhihu.com/api/v4/search_v3?")
    assert sent.params == {
        "gk_version": "gz-gaokao", "t": "general", "correction": "1", "filter_fields": "", "show_all_topics": "0",
        "search_source": "Filter", "vertical": "", "q": "咖啡", "offset": "0", "limit": "20", "lc_idx": "0",
        "time_interval": "", "sort": "",
    }  # fmt: skip
    assert sent.request.headers == {
        "accept": "*/*", "x-api-version": "3.0.91", "x-app-za": "OS=Web", "x-requested-with": "fetch",
        "x-zse-93": "101_3_3.0",
    }  # fmt: skip
    assert "x-zse-96" not in sent.request.headers  # the page's own script adds it
    assert [p.id for p in page.posts][:2] == ["3458972610", "74216785323"] and len(page.posts) == 6
    assert page.skipped == 4 and page.next_cursor == {"offset": 20}
    assert all(p.crawl_time == FETCHED_AT for p in page.posts)


async def test_search_follows_the_offset_cursor(make_adapter: MakeAdapter) -> None:
    adapter, browser = make_adapter(ok_json(search()))
    page = await adapter.search("kw", cursor={"offset": 40}, options=SearchOptions())
    assert (browser.last.params["offset"], browser.last.params["lc_idx"]) == ("40", "40")
    assert page.next_cursor == {"offset": 60}


async def test_search_ends_on_is_end(make_adapter: MakeAdapter) -> None:
    last = search()
    last["paging"]["is_end"] = True
    adapter, _ = make_adapter(ok_json(last))
    page = await adapter.search("kw", cursor={"offset": 80}, options=SearchOptions())
    assert len(page.posts) == 6 and page.next_cursor is None


@pytest.mark.parametrize(
    ("sort_by", "native"),
    [(SortBy.HOT, ""), (SortBy.RECENT, "created_time"), (SortBy.LIKES, "upvoted_count"), (SortBy.COMMENTS, ""),
     (SortBy.SHARES, "")],
)  # fmt: skip
async def test_sort_maps_to_the_native_sort(make_adapter: MakeAdapter, sort_by: SortBy, native: str) -> None:
    adapter, browser = make_adapter(ok_json(search()))
    await adapter.search("kw", cursor=None, options=SearchOptions(sort_by=sort_by))
    assert browser.last.params["sort"] == native
    assert adapter.time_ordered(SearchOptions(sort_by=sort_by)) is (sort_by is SortBy.RECENT)


@pytest.mark.parametrize(
    ("days", "interval"),
    [(None, ""), (0.5, "a_day"), (1, "a_day"), (3, "a_week"), (20, "a_month"), (60, "three_months"),
     (150, "half_a_year"), (300, "a_year"), (800, "")],
)  # fmt: skip
async def test_since_maps_to_the_narrowest_covering_time_interval(
    make_adapter: MakeAdapter, days: float | None, interval: str
) -> None:
    adapter, browser = make_adapter(ok_json(search()))
    since = None if days is None else FETCHED_AT - timedelta(days=days)
    await adapter.search("kw", cursor=None, options=SearchOptions(since=since))
    assert browser.last.params["time_interval"] == interval


@pytest.mark.parametrize("cookie", [None, "", "z_c0=abc; _xsrf=1", "d_c0=; z_c0=abc"])
async def test_no_d_c0_no_request(make_adapter: MakeAdapter, cookie: str | None) -> None:
    adapter, browser = make_adapter(ok_json(search()), cookie=cookie)
    with pytest.raises(LoginRequired, match="d_c0") as caught:
        await adapter.search("kw", cursor=None, options=SearchOptions())
    assert caught.value.raw_code == "no_d_c0" and browser.sent == []


# -- comments ----------------------------------------------------------------------------------------------


async def test_comments_page_with_replies(make_adapter: MakeAdapter) -> None:
    roots = comment_page([comment("100", text="根评论一", children=3), comment("101", text="根评论二")],
                         next_offset="1712_10_0", is_end=False)  # fmt: skip
    first_children = comment_page([comment("200", text="回复", reply_to="100", root="100"),
                                   comment("201", text="回复楼上", reply_to="200", root="100")],
                                  next_offset="c2", is_end=False)  # fmt: skip
    last_children = comment_page([comment("202", text="回复三", reply_to="100", root="100")])
    adapter, browser = make_adapter(ok_json(roots), ok_json(first_children), ok_json(last_children))
    page = await adapter.comments(card(), cursor=None)
    root_call, child_call, child_next = browser.sent
    assert root_call.path == "/api/v4/comment_v5/answers/3458972610/root_comment"
    assert root_call.params == {"order": "score", "offset": "", "limit": "10"}
    assert root_call.request.page_url == "https://www.zhihu.com/"
    assert child_call.path == "/api/v4/comment_v5/comment/100/child_comment"
    assert child_call.params == {"order": "sort", "offset": "", "limit": "10"}
    assert child_next.params["offset"] == "c2"
    got = [(c.comment_id, c.parent_id) for c in page.comments]
    assert got == [("100", None), ("200", "100"), ("201", "200"), ("202", "100"), ("101", None)]
    assert all(c.post_id == "3458972610" for c in page.comments)
    assert page.next_cursor == {"offset": "1712_10_0"}


async def test_comments_next_page_and_end(make_adapter: MakeAdapter) -> None:
    adapter, browser = make_adapter(ok_json(comment_page([comment("300", text="最后一页")])))
    page = await adapter.comments(card(8), cursor={"offset": "1712_10_0"})
    assert browser.last.path == "/api/v4/comment_v5/articles/371751409/root_comment"
    assert browser.last.params["offset"] == "1712_10_0"
    assert [c.comment_id for c in page.comments] == ["300"] and page.next_cursor is None


async def test_comments_offset_that_does_not_move_ends(make_adapter: MakeAdapter) -> None:
    stuck = comment_page([comment("300", text="x")], next_offset="same", is_end=False)
    adapter, _ = make_adapter(ok_json(stuck))
    assert (await adapter.comments(card(), cursor={"offset": "same"})).next_cursor is None


async def test_comments_404_means_none(make_adapter: MakeAdapter) -> None:
    adapter, browser = make_adapter(ok_json({"error": {"code": 404, "message": "你似乎来到了没有知识存在的荒原"}}, 404))
    page = await adapter.comments(card(), cursor=None)
    assert page.comments == [] and page.next_cursor is None and len(browser.sent) == 1


async def test_replies_404_keeps_the_root(make_adapter: MakeAdapter) -> None:
    adapter, _ = make_adapter(ok_json(comment_page([comment("100", text="根", children=2)])), ok_json({}, 404))
    page = await adapter.comments(card(), cursor=None)
    assert [c.comment_id for c in page.comments] == ["100"]


# -- full text (complete) ----------------------------------------------------------------------------------


async def test_complete_leaves_full_cards_alone(make_adapter: MakeAdapter) -> None:
    adapter, browser = make_adapter(ok_json({}))
    post = card()
    assert await adapter.complete(post) is post and browser.sent == []


async def test_complete_fetches_the_answer_page_of_a_cut_card(make_adapter: MakeAdapter) -> None:
    obj = result(3)["object"]
    del obj["content"]
    short = parse_content(obj, fetched_at=FETCHED_AT - timedelta(hours=1)).model_copy(update={"task_id": "t1"})
    adapter, browser = make_adapter(html(answer_page(3)))
    full = await adapter.complete(short)
    sent = browser.last
    assert sent.request.url == "https://www.zhihu.com/question/646087842/answer/3458972610"
    assert sent.request.page_url == "https://www.zhihu.com/" and sent.request.headers["accept"].startswith("text/html")
    assert full.content.startswith("因为搜索引擎默认不给全部结果了") and len(full.content) == 677
    assert full.platform_data["full_text"] is True and full.platform_data["content_truncated"] is False
    assert (full.crawl_time, full.task_id) == (short.crawl_time, "t1")


async def test_complete_fetches_articles_from_zhuanlan(make_adapter: MakeAdapter) -> None:
    obj = result(8)["object"]
    article_page = state_page({"articles": {obj["id"]: dict(obj)}})
    del obj["content"]
    adapter, browser = make_adapter(html(article_page))
    full = await adapter.complete(parse_content(obj, fetched_at=FETCHED_AT))
    assert browser.last.request.url == "https://zhuanlan.zhihu.com/p/371751409"
    assert browser.last.request.page_url == "https://zhuanlan.zhihu.com/"
    assert full.content.startswith("上回我们横向评测了")


async def test_complete_keeps_the_excerpt_when_the_page_has_no_data(make_adapter: MakeAdapter) -> None:
    obj = result(3)["object"]
    del obj["content"]
    short = parse_content(obj, fetched_at=FETCHED_AT)
    adapter, _ = make_adapter(html("<html><body>你似乎来到了没有知识存在的荒原</body></html>"))
    kept = await adapter.complete(short)
    assert kept.content == short.content and "js-initialData" in kept.platform_data["full_text_error"]


# -- author ------------------------------------------------------------------------------------------------


async def test_author_profile_page(make_adapter: MakeAdapter) -> None:
    adapter, browser = make_adapter(html(people_page(3)))
    author = await adapter.author("92f38183266a26012d15b1510593a537")
    assert browser.last.request.url == "https://www.zhihu.com/people/92f38183266a26012d15b1510593a537"
    assert (author.nickname, author.followers) == ("用户甲", 11135)


# -- static facts -------------------------------------------------------------------------------------------


async def test_aclose_closes_the_http_client(make_adapter: MakeAdapter) -> None:
    adapter, _ = make_adapter()
    await adapter.aclose()
    assert adapter.http.client.is_closed


async def test_author_posts_page_the_members_answers_from_the_home_page(make_adapter: MakeAdapter) -> None:
    token = "212-75-86"  # a real url_token of the search capture
    adapter, browser = make_adapter(
        ok_json(member_answers(token=token)), ok_json(member_answers(offset=20, is_end=True))
    )
    first = await adapter.author_posts(f"https://www.zhihu.com/people/{token}/answers", cursor=None)
    sent = browser.last
    assert sent.request.page_url == "https://www.zhihu.com/" and sent.cookies == COOKIE
    assert sent.path == f"/api/v4/members/{token}/answers"  # the link read into its url_token
    assert sent.params == {"include": c.MEMBER_ANSWERS_INCLUDE, "offset": "0", "limit": "20", "order_by": "created"}
    assert sent.request.headers["x-api-version"] == "3.0.91" and "x-zse-96" not in sent.request.headers
    assert len(first.posts) == 5 and first.next_cursor == {"offset": 20}
    last = await adapter.author_posts(token, cursor=first.next_cursor)
    assert browser.last.params["offset"] == "20" and last.next_cursor is None


async def test_author_posts_refuse_what_is_no_member_without_a_request(make_adapter: MakeAdapter) -> None:
    adapter, browser = make_adapter(ok_json(member_answers()))
    with pytest.raises(DataFetchError, match="'用户甲' is neither a Zhihu author id") as caught:
        await adapter.author_posts("用户甲", cursor=None)
    assert caught.value.endpoint == "creator_posts" and browser.sent == []


async def test_author_posts_stop_on_an_offset_that_does_not_move(make_adapter: MakeAdapter) -> None:
    adapter, _ = make_adapter(ok_json(member_answers(offset=-20)))  # paging.next names offset 0 again
    page = await adapter.author_posts("someone", cursor=None)
    assert len(page.posts) == 5 and page.next_cursor is None


async def test_author_posts_of_an_unknown_member_fail(make_adapter: MakeAdapter) -> None:
    adapter, _ = make_adapter(ok_json({"error": {"code": 404, "message": "你似乎来到了没有知识存在的荒原"}}, 404))
    with pytest.raises(DataFetchError, match="荒原"):
        await adapter.author_posts("nobody", cursor=None)


def test_adapter_info() -> None:
    assert ZhihuAdapter.info is ADAPTER_INFO
    assert ADAPTER_INFO.platform is Platform.ZHIHU and ADAPTER_INFO.page_size == 20
    caps = ADAPTER_INFO.capabilities
    assert (caps.search, caps.detail, caps.comments, caps.replies, caps.author, caps.author_posts) == (True,) * 6
    assert (caps.needs_account, caps.needs_browser, caps.native_time_filter) == (True,) * 3
    assert caps.native_sorts == ("likes→upvoted_count", "recent→created_time", "default→relevance")
    assert "d_c0" in caps.notes and "/members/" in caps.notes
