"""XiaohongshuAdapter over httpx.MockTransport with the real PlatformHttp + Slot: the requests it sends.

Answers are the real captured samples; the note and profile pages (no capture) wrap real note_cards
and the platforms.md field list. Error mapping: test_client_errors.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from keypick.content.schemas import Post
from keypick.enums import Platform, SortBy
from keypick.exceptions import DataFetchError, LoginRequired
from keypick.platforms.base import SearchOptions
from keypick.platforms.xiaohongshu import ADAPTER_INFO, XiaohongshuAdapter
from keypick.platforms.xiaohongshu.constants import DESKTOP_USER_AGENT
from keypick.platforms.xiaohongshu.parsers import parse_search_page
from keypick.platforms.xiaohongshu.signing import encode_body, make_search_id
from keypick.sandbox.xiaohongshu import signature_problem
from tests.platforms.xiaohongshu.mock_platform import SALT, MakeAdapter, adapter_factory, ok_json, page
from tests.platforms.xiaohongshu.payloads import A1, COOKIE, FETCHED_AT, note_card, note_page, profile_page, sample

NOW_MS = int(FETCHED_AT.timestamp() * 1000)
SEARCH_ID = make_search_id(NOW_MS, SALT)
NOTE = "66696f98000000000d00f289"  # search_notes-2's first item is feed-2's note
TOKEN = "AB6upnGgv6BNOobQ5GHPU98g6KpeN7XW0qhYIO7pi0Fuy="


@pytest.fixture
async def make_adapter() -> AsyncIterator[MakeAdapter]:
    async with adapter_factory() as build:
        yield build


def assert_signed(request: httpx.Request) -> None:
    """The request carries a valid signature over exactly the bytes it sends."""
    sent = request.url.raw_path.decode() if request.method == "GET" else request.url.path + request.content.decode()
    assert signature_problem(request.headers, sent, A1, NOW_MS) is None


def card_post() -> Post:
    return parse_search_page(sample("search_notes-2"), fetched_at=FETCHED_AT).posts[0]


# -- search -----------------------------------------------------------------------------------------


async def test_search_first_page_request_and_result(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(ok_json(sample("search_notes-2")))
    result = await adapter.search("销售 客户", cursor=None, options=SearchOptions(sort_by=SortBy.HOT))
    request = rec.last
    assert request.method == "POST"
    assert (request.url.host, request.url.path, request.url.query) == (
        "edith.xiaohongshu.com", "/api/sns/web/v1/search/notes", b"",
    )  # fmt: skip
    expected = {"keyword": "销售 客户", "page": 1, "page_size": 20, "search_id": SEARCH_ID,
                "sort": "popularity_descending", "note_type": 0}  # fmt: skip
    assert request.content == encode_body(expected)  # exact bytes: compact, in this order, UTF-8
    assert request.headers["Content-Type"] == "application/json;charset=UTF-8"
    assert request.headers["Cookie"] == COOKIE
    assert request.headers["User-Agent"] == DESKTOP_USER_AGENT
    assert request.headers["Origin"] == "https://www.xiaohongshu.com"
    assert request.headers["x-rap-param"]
    assert_signed(request)
    assert len(result.posts) == 9 and result.skipped == 1
    assert result.posts[0].crawl_time == FETCHED_AT
    assert result.next_cursor == {"page": 2, "search_id": SEARCH_ID}


@pytest.mark.parametrize(
    ("sort_by", "native"),
    [(SortBy.HOT, "popularity_descending"), (SortBy.RECENT, "time_descending"), (SortBy.LIKES, "general"),
     (SortBy.COMMENTS, "general"), (SortBy.SHARES, "general")],
)  # fmt: skip
async def test_search_sort_mapping(make_adapter: MakeAdapter, sort_by: SortBy, native: str) -> None:
    adapter, rec = make_adapter(ok_json(sample("search_notes-1")))
    await adapter.search("kw", cursor=None, options=SearchOptions(sort_by=sort_by))
    assert rec.body()["sort"] == native
    assert adapter.time_ordered(SearchOptions(sort_by=sort_by)) is (sort_by is SortBy.RECENT)


async def test_search_resumes_with_the_same_search_id(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(ok_json(sample("search_notes-1")))
    result = await adapter.search("kw", cursor={"page": 4, "search_id": "kept"}, options=SearchOptions())
    assert (rec.body()["page"], rec.body()["search_id"]) == (4, "kept")
    assert result.next_cursor == {"page": 5, "search_id": "kept"}


async def test_search_ends_when_has_more_is_false(make_adapter: MakeAdapter) -> None:
    last = sample("search_notes-1")
    last["data"]["has_more"] = False
    adapter, _ = make_adapter(ok_json(last))
    result = await adapter.search("kw", cursor=None, options=SearchOptions())
    assert len(result.posts) == 1 and result.next_cursor is None


# -- complete (detail) ---------------------------------------------------------------------------------


async def test_complete_fetches_the_feed_with_the_search_token(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(ok_json(sample("feed-2")))
    card = card_post().model_copy(update={"task_id": "t1"})
    full = await adapter.complete(card)
    assert (rec.last.method, rec.last.url.path) == ("POST", "/api/sns/web/v1/feed")
    assert rec.last.content == encode_body({
        "source_note_id": NOTE, "image_formats": ["jpg", "webp", "avif"], "extra": {"need_body_topic": 1},
        "xsec_source": "pc_search", "xsec_token": TOKEN,
    })  # fmt: skip
    assert_signed(rec.last)
    assert full.id == NOTE and full.content.startswith("保证数")
    assert full.publish_time == datetime(2024, 6, 12, 9, 51, 20, tzinfo=UTC)
    assert (full.likes, full.collects, full.comments, full.shares) == (44, 18, 160, 12)
    assert full.tags == ["客户资源", "精准客源", "电话销售", "销售"]
    assert (full.crawl_time, full.task_id) == (card.crawl_time, "t1")
    assert full.platform_data["detail"] == "feed" and full.platform_data["xsec_token"] == TOKEN
    assert full.url == card.url  # the link keeps the token
    assert full.author_avatar == "https://sns-avatar-qc.xhscdn.com/avatar/1040g2jo106ia2ggdle3w3n3julgj457yh5yb9g6"


async def test_complete_falls_back_to_the_note_page(make_adapter: MakeAdapter) -> None:
    empty = sample("feed-2")
    empty["data"]["items"] = []
    adapter, rec = make_adapter(ok_json(empty), page(note_page(note_card("feed-2"), NOTE)))
    full = await adapter.complete(card_post())
    request = rec.last
    assert (request.method, request.url.host, request.url.path) == ("GET", "www.xiaohongshu.com", f"/explore/{NOTE}")
    assert rec.params() == {"xsec_token": TOKEN, "xsec_source": "pc_search"}
    assert "X-S" not in request.headers and request.headers["Accept"].startswith("text/html")
    assert request.headers["Cookie"] == COOKIE
    assert full.platform_data["detail"] == "note_page" and full.tags[0] == "客户资源"


async def test_complete_page_without_the_note_is_a_fetch_error(make_adapter: MakeAdapter) -> None:
    empty = sample("feed-2")
    empty["data"]["items"] = []
    adapter, _ = make_adapter(ok_json(empty), page(note_page(note_card("feed-1"), "68f4e9bf00000000070327cb")))
    with pytest.raises(DataFetchError, match="no note"):
        await adapter.complete(card_post())


async def test_complete_skips_notes_without_token_or_already_complete(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(ok_json(sample("feed-2")))
    no_token = card_post().model_copy(update={"platform_data": {}})
    assert await adapter.complete(no_token) is no_token
    done = card_post().model_copy(update={"platform_data": {"xsec_token": TOKEN, "detail": "feed"}})
    assert await adapter.complete(done) is done
    assert rec.requests == []


async def test_complete_rejects_another_note(make_adapter: MakeAdapter) -> None:
    adapter, _ = make_adapter(ok_json(sample("feed-1")))
    with pytest.raises(DataFetchError, match="asked for"):
        await adapter.complete(card_post())


# -- comments ------------------------------------------------------------------------------------------


def sub_page(ids: list[str], *, has_more: bool) -> dict[str, Any]:
    """sub_comment_page-1 re-identified (the replies of a given root in a test)."""
    payload = sample("sub_comment_page-1")
    payload["data"]["comments"] = [dict(c, id=i) for c, i in zip(payload["data"]["comments"], ids, strict=False)]
    payload["data"] |= {"cursor": ids[-1], "has_more": has_more}
    return payload


async def test_comments_first_page_request(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(ok_json(sample("comment_page-1")))
    result = await adapter.comments(card_post(), cursor=None)
    request = rec.last
    assert (request.method, request.url.path) == ("GET", "/api/sns/web/v2/comment/page")
    # Built by hand, in this order, commas literal: exactly what was signed.
    assert request.url.query.decode() == (
        f"note_id={NOTE}&cursor=&top_comment_id=&image_formats=jpg,webp,avif&xsec_token="
        "AB6upnGgv6BNOobQ5GHPU98g6KpeN7XW0qhYIO7pi0Fuy%3D"
    )
    assert_signed(request)
    assert "x-rap-param" not in request.headers
    assert len(result.comments) == 19 and result.next_cursor is not None
    assert result.next_cursor["cursor"] == "66c993bc00000000150390e6" and result.next_cursor["more"] is True
    assert len(result.next_cursor["threads"]) == 6


async def test_comments_page_replies_then_next_page_then_end(make_adapter: MakeAdapter) -> None:
    first = sample("comment_page-1")
    first["data"]["comments"] = first["data"]["comments"][:1]  # one root with more replies
    last = sample("comment_page-2")
    root = "66971acb0000000005020d08"
    # Each reply page repeats a reply already returned: it is returned once.
    adapter, rec = make_adapter(
        ok_json(first),
        ok_json(sub_page(["669c7c58000000002601d56a", "a1000000000000000000000a"], has_more=True)),
        ok_json(sub_page(["a1000000000000000000000a", "a2000000000000000000000a"], has_more=False)),
        ok_json(last),
    )
    post = card_post()
    page1 = await adapter.comments(post, cursor=None)
    assert [c.comment_id for c in page1.comments] == [root, "669c7c58000000002601d56a"]
    page2 = await adapter.comments(post, cursor=page1.next_cursor)
    assert rec.last.url.path == "/api/sns/web/v2/comment/sub/page"
    assert rec.params() == {
        "note_id": NOTE, "root_comment_id": root, "num": "10", "cursor": "669c7c58000000002601d56a",
        "image_formats": "jpg,webp,avif", "top_comment_id": "", "xsec_token": TOKEN,
    }  # fmt: skip
    assert_signed(rec.last)
    assert [(c.comment_id, c.parent_id) for c in page2.comments] == [("a1000000000000000000000a", root)]
    page3 = await adapter.comments(post, cursor=page2.next_cursor)
    assert rec.params()["cursor"] == "a1000000000000000000000a"  # the sub cursor moved on
    assert [c.comment_id for c in page3.comments] == ["a2000000000000000000000a"]
    page4 = await adapter.comments(post, cursor=page3.next_cursor)
    assert rec.last.url.path == "/api/sns/web/v2/comment/page"
    assert rec.params()["cursor"] == "66c993bc00000000150390e6"
    assert [c.comment_id for c in page4.comments] == ["68f599c10000000031002403", "68f599d50000000031002503"]
    assert page4.next_cursor is None and len(rec.requests) == 4


async def test_comments_skip_a_page_of_known_replies(make_adapter: MakeAdapter) -> None:
    first = sample("comment_page-1")
    first["data"]["comments"] = first["data"]["comments"][:1]
    first["data"]["has_more"] = False
    adapter, rec = make_adapter(
        ok_json(first),
        ok_json(sub_page(["669c7c58000000002601d56a"], has_more=False)),
        ok_json(sample("comment_page-2")),
    )
    page1 = await adapter.comments(card_post(), cursor=None)
    page2 = await adapter.comments(card_post(), cursor=page1.next_cursor)
    # The only thread had nothing new and the first level had ended: the comments end, with no empty loop.
    assert page2.comments == [] and page2.next_cursor is None and len(rec.requests) == 2


async def test_comments_without_any(make_adapter: MakeAdapter) -> None:
    none = {"code": 0, "success": True, "msg": "成功", "data": {"comments": [], "cursor": "", "has_more": False}}
    adapter, _ = make_adapter(ok_json(none))
    result = await adapter.comments(card_post(), cursor=None)
    assert result.comments == [] and result.next_cursor is None


# -- author, login ---------------------------------------------------------------------------------------


async def test_author_reads_the_profile_page(make_adapter: MakeAdapter) -> None:
    data = {"basicInfo": {"nickname": "用户甲", "gender": 0, "images": "https://sns-avatar-qc.xhscdn.com/avatar/x"},
            "interactions": [{"type": "fans", "count": "10"}], "tags": []}  # fmt: skip
    user = "789656330000000008005514"
    adapter, rec = make_adapter(page(profile_page(user, data)))
    author = await adapter.author(user)
    assert (rec.last.url.host, rec.last.url.path) == ("www.xiaohongshu.com", f"/user/profile/{user}")
    assert rec.last.url.query == b"" and "X-S" not in rec.last.headers
    assert (author.author_id, author.nickname, author.gender, author.followers) == (user, "用户甲", "m", 10)


@pytest.mark.parametrize("cookie", [None, "", "webId=1", "a1=x", "web_session=y"])
async def test_without_an_account_cookie_nothing_is_sent(make_adapter: MakeAdapter, cookie: str | None) -> None:
    adapter, rec = make_adapter(ok_json(sample("search_notes-1")), cookie=cookie)
    with pytest.raises(LoginRequired, match="a1 and web_session") as caught:
        await adapter.search("kw", cursor=None, options=SearchOptions())
    assert rec.requests == [] and caught.value.platform == "xiaohongshu"


def test_adapter_info() -> None:
    assert XiaohongshuAdapter.info is ADAPTER_INFO
    assert ADAPTER_INFO.platform is Platform.XIAOHONGSHU and ADAPTER_INFO.page_size == 20
    caps = ADAPTER_INFO.capabilities
    assert (caps.search, caps.detail, caps.comments, caps.replies, caps.author) == (True,) * 5
    assert (caps.needs_account, caps.needs_browser, caps.author_posts, caps.native_time_filter) == (
        True, False, True, False,
    )  # fmt: skip
    assert "user_posted" in caps.notes and ADAPTER_INFO.creator_keyword is not None
    assert caps.native_sorts == ("hot→popularity_descending", "recent→time_descending", "default→general")
    assert "xhshow" in caps.notes
