"""Tieba JSON and 楼中楼 parsers, field by field.

No multsearch, page_pc, homeSidebarRight, sync or /p/comment answer was ever captured (SOURCES.md):
these payloads follow the platforms.md §6 field lists, filled with the real page's values (payloads.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from keypick.content.schemas import Author, Comment, Post
from keypick.exceptions import DataFetchError, LoginRequired, ParseError, RateLimited, VerificationRequired
from keypick.platforms.registry import parse_raw
from keypick.platforms.tieba.parsers import (
    parse_creator,
    parse_reply_page,
    parse_search_page,
    parse_sub_replies,
    parse_tbs,
    parse_thread_page,
)
from tests.platforms.tieba.payloads import (
    FETCHED_AT,
    OTHER_PORTRAIT,
    PID,
    PORTRAIT,
    TID,
    homesidebar,
    lzl_item,
    lzl_page,
    multsearch,
    page_pc,
    sync,
    thread_card,
)

POSTED = datetime(2024, 8, 5, 8, 45, tzinfo=UTC)
AVATAR = f"https://gss0.bdstatic.com/6LZ1dD3d1sgCo2Kml5_Y_D3/sys/portrait/item/{PORTRAIT}"

# -- multsearch -------------------------------------------------------------------------------------


def test_search_card_field_by_field() -> None:
    card = thread_card()
    (post,) = parse_search_page(multsearch(card), fetched_at=FETCHED_AT).posts
    assert post.id == TID and isinstance(post.id, str)
    assert post.title == "武汉交互空间科技：富士康10亿加码中国大陆，印度为何逐渐“失宠"
    assert post.content.startswith("全球知名的电子制造服务巨头富士康的母公司") and "<em>" not in post.content
    assert post.url == f"https://tieba.baidu.com/p/{TID}"
    assert post.comments == 12 and post.likes is None and post.shares is None
    assert (post.author, post.author_id, post.author_avatar) == ("用户甲", PORTRAIT, AVATAR)  # "?t=" dropped
    assert post.publish_time == POSTED
    assert post.crawl_time == FETCHED_AT
    assert post.platform_data == {
        "forum": "武汉交互空间",
        "forum_name": "武汉交互空间吧",
        "forum_url": "https://tieba.baidu.com/f?kw=%E6%AD%A6%E6%B1%89%E4%BA%A4%E4%BA%92%E7%A9%BA%E9%97%B4",
        "content_is_snippet": True,
    }
    assert post.raw == card["data"]
    author = post.author_info
    assert isinstance(author, Author)
    assert (author.author_id, author.nickname, author.profile_url) == (
        PORTRAIT,
        "用户甲",
        f"https://tieba.baidu.com/home/main?id={PORTRAIT}",
    )
    assert author.platform_data == {"user_id": "1785412375", "user_name": "用户甲"}


def test_search_skips_other_cards_and_repeats() -> None:
    forum_card = {"cardStyle": "forum", "data": {"forum_name": "富士康"}}
    other = thread_card(9114743782, title="请各位急用玛尼的小心，骗子最多", create_time=1722641700, time=None)
    legacy = {"cardInfo": {"cardStyle": "thread"}, "data": thread_card(9095684158)["data"]}
    result = parse_search_page(
        multsearch(forum_card, thread_card(), other, thread_card(), legacy), fetched_at=FETCHED_AT
    )
    assert [p.id for p in result.posts] == [TID, "9114743782", "9095684158"]
    assert result.skipped == 2 and not result.end
    assert result.posts[1].publish_time == datetime(2024, 8, 2, 23, 35, tzinfo=UTC)  # create_time when no time


@pytest.mark.parametrize("cards", [[], None])
def test_empty_card_list_is_the_end(cards: object) -> None:
    result = parse_search_page({"error_code": 0, "data": {"card_list": cards}}, fetched_at=FETCHED_AT)
    assert result.posts == [] and result.end


def test_a_page_of_only_non_thread_cards_is_the_end() -> None:
    result = parse_search_page(multsearch({"cardStyle": "user", "data": {}}), fetched_at=FETCHED_AT)
    assert result.end and result.skipped == 1


@pytest.mark.parametrize(
    "payload",
    [{"error_code": 0, "data": {}}, {"error_code": 0, "data": {"card_list": {}}}, [1], {"no": 0, "data": None}],
)
def test_unknown_search_shapes_are_parse_errors(payload: object) -> None:
    with pytest.raises(ParseError):
        parse_search_page(payload, fetched_at=FETCHED_AT)


def test_thread_card_without_tid_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="tid"):
        parse_search_page(multsearch(thread_card(tid=None)), fetched_at=FETCHED_AT)


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({"error_code": 110001, "error_msg": "未登录"}, LoginRequired),
        ({"error_code": "110001", "error_msg": ""}, LoginRequired),
        ({"error_code": 220034, "error_msg": "sign error"}, DataFetchError),
        ({"no": 4, "error": "需要安全验证"}, VerificationRequired),
        ({"error_code": 7, "error_msg": "操作太频繁"}, RateLimited),
        ({"error_code": 20003, "error_msg": "服务暂时不可用"}, DataFetchError),
        ({"error_code": "x"}, DataFetchError),
    ],
)
def test_error_codes_are_typed(payload: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error) as caught:
        parse_search_page(payload, fetched_at=FETCHED_AT)
    assert getattr(caught.value, "platform", None) == "tieba"


# -- page_pc: the thread ------------------------------------------------------------------------------


def test_thread_page_field_by_field() -> None:
    post = parse_thread_page(page_pc(), fetched_at=FETCHED_AT)
    assert isinstance(post, Post)
    assert post.id == TID
    assert post.title == "武汉交互空间科技：富士康10亿加码中国大陆"  # 【吧名】 and _百度贴吧 removed
    assert post.content == "全球知名的电子制造服务巨头富士康的母公司[微笑]正式对外发布了一则重大投资公告。"
    assert post.comments == 14 and post.likes is None
    assert (post.author, post.author_id) == ("用户甲", PORTRAIT)
    assert post.author_avatar == "https://himg.bdimg.com/sys/portrait/x.jpg"  # user_show_info first
    assert post.ip_location == "湖北"
    assert post.publish_time == POSTED
    assert post.platform_data == {
        "forum": "武汉交互空间",
        "forum_name": "武汉交互空间吧",
        "forum_url": "https://tieba.baidu.com/f?kw=%E6%AD%A6%E6%B1%89%E4%BA%A4%E4%BA%92%E7%A9%BA%E9%97%B4",
        "forum_id": "26976424",
        "first_floor_id": PID,
        "total_page": 2,
    }


def test_thread_page_wrapped_in_data_and_without_first_floor_time() -> None:
    payload = page_pc()
    payload["first_floor"].pop("time")
    payload["thread"]["create_time"] = 1722847500000  # ms is told apart from seconds
    post = parse_thread_page({"error_code": 0, "data": payload}, fetched_at=FETCHED_AT)
    assert post.publish_time == POSTED


def test_thread_page_without_thread_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="thread"):
        parse_thread_page({"error_code": 0, "post_list": []}, fetched_at=FETCHED_AT)


# -- page_pc: first-level replies ---------------------------------------------------------------------


def test_reply_page_field_by_field() -> None:
    result = parse_reply_page(page_pc(), post_id=TID, fetched_at=FETCHED_AT)
    assert (result.total_page, result.forum_id) == (2, "26976424")
    assert [c.comment_id for c in result.comments] == ["150718999001", "150718999002"]  # floor 1 left out
    first, second = result.comments
    assert isinstance(first, Comment)
    assert (first.post_id, first.parent_id, first.platform) == (TID, None, "tieba")
    assert (first.author, first.author_id) == ("用户乙", OTHER_PORTRAIT)
    assert first.content == "这一战略举措不仅彰显了富士康对中国市场持续深化的承诺与信心"
    assert first.likes is None  # no like counts on Tieba replies
    assert first.reply_count == 12
    assert first.publish_time == datetime(2024, 8, 5, 8, 55, tzinfo=UTC)
    assert first.ip_location is None  # ip_address ""
    assert first.platform_data["floor"] == 2
    assert first.platform_data["avatar"].endswith(OTHER_PORTRAIT)
    assert (second.author_id, second.ip_location, second.reply_count) == (PORTRAIT, "湖北", 0)
    assert second.publish_time == datetime(2024, 8, 5, 9, 5, tzinfo=UTC)  # "time" as a string


def test_reply_page_dedupes_and_names_its_thread_when_asked_without_post_id() -> None:
    payload = page_pc()
    payload["post_list"].append(dict(payload["post_list"][1]))
    result = parse_reply_page(payload, post_id="", fetched_at=FETCHED_AT)
    assert [c.post_id for c in result.comments] == [TID, TID]


def test_reply_by_a_user_missing_from_user_list_has_no_author() -> None:
    post = {"id": 1, "author_id": 999, "content": [{"text": "x"}], "time": 1722847500}
    (comment,) = parse_reply_page(page_pc(posts=[post]), post_id=TID, fetched_at=FETCHED_AT).comments
    assert (comment.author, comment.author_id) == (None, None)


@pytest.mark.parametrize("posts", [[{"author_id": 1}], ["x"]])
def test_reply_without_id_is_a_parse_error(posts: list[object]) -> None:
    with pytest.raises(ParseError, match="id"):
        parse_reply_page(page_pc(posts=posts), post_id=TID, fetched_at=FETCHED_AT)  # type: ignore[arg-type]


# -- 楼中楼 ------------------------------------------------------------------------------------------


def test_sub_replies_field_by_field() -> None:
    html = lzl_page(
        lzl_item(150719000001, "用户丙", "tb.1.aa", "回复 用户乙 :同意", "2024-08-05 17:01"),
        lzl_item(150719000002, "用户丁", "tb.1.bb?t=1", "郑东新区&amp;郑州", "2024-8-6 07:30"),
        lzl_item(150719000001, "用户丙", "tb.1.aa", "repeat", "2024-08-05 17:01"),
    )
    replies = parse_sub_replies(html, post_id=TID, parent_id="150718999001", fetched_at=FETCHED_AT)
    assert [r.comment_id for r in replies] == ["150719000001", "150719000002"]
    first, second = replies
    assert (first.post_id, first.parent_id) == (TID, "150718999001")
    assert (first.author, first.author_id, first.content) == ("用户丙", "tb.1.aa", "回复 用户乙 :同意")
    assert first.publish_time == datetime(2024, 8, 5, 9, 1, tzinfo=UTC)
    assert first.likes is None and first.reply_count is None
    assert first.platform_data == {"user_name": "用户丙"}
    assert (second.author_id, second.content) == ("tb.1.bb", "郑东新区&郑州")
    assert second.publish_time == datetime(2024, 8, 5, 23, 30, tzinfo=UTC)


def test_empty_sub_reply_page_has_no_replies() -> None:
    assert parse_sub_replies(lzl_page(), post_id=TID, parent_id="1", fetched_at=FETCHED_AT) == []


@pytest.mark.parametrize(
    "item", ['<li class="lzl_single_post" data-field="{not json">', '<li class="lzl_single_post" data-field="{}">']
)
def test_sub_reply_without_readable_spid_is_a_parse_error(item: str) -> None:
    with pytest.raises(ParseError, match="data-field"):
        parse_sub_replies(lzl_page(item), post_id=TID, parent_id="1", fetched_at=FETCHED_AT)


# -- profile and tbs ---------------------------------------------------------------------------------


def test_creator_field_by_field() -> None:
    author = parse_creator(homesidebar(), fetched_at=FETCHED_AT)
    assert (author.platform, author.author_id, author.nickname) == ("tieba", PORTRAIT, "用户甲")
    assert author.gender == "f"
    assert (author.followers, author.following, author.posts_count) == (12000, 35, None)
    assert author.ip_location == "湖北"
    assert author.avatar == AVATAR
    assert author.profile_url == f"https://tieba.baidu.com/home/main?id={PORTRAIT}"
    assert author.platform_data == {"user_id": "1785412375", "user_name": "用户甲", "tb_age": "8.5"}


def test_creator_without_portrait_keeps_the_requested_one_and_reads_gender() -> None:
    payload = homesidebar(portrait=None, sex=None, gender=1)
    author = parse_creator(payload, fetched_at=FETCHED_AT, portrait="tb.1.asked")
    assert (author.author_id, author.gender) == ("tb.1.asked", "m")


@pytest.mark.parametrize("payload", [{"error_code": 0, "data": {}}, {"error_code": 0, "data": {"user": {}}}])
def test_creator_without_user_is_a_parse_error(payload: dict[str, object]) -> None:
    with pytest.raises(ParseError, match=r"data\.user"):
        parse_creator(payload, fetched_at=FETCHED_AT)


def test_tbs() -> None:
    assert parse_tbs(sync("abc123")) == "abc123"
    with pytest.raises(ParseError, match="tbs"):
        parse_tbs({"error_code": 0, "data": {"anti": {}}})
    with pytest.raises(LoginRequired):
        parse_tbs({"error_code": 110001, "error_msg": "未登录"})


# -- keypick parse kinds ------------------------------------------------------------------------------


def test_parse_kinds() -> None:
    assert [p.id for p in parse_raw("tieba", "search", multsearch(thread_card()), fetched_at=FETCHED_AT)] == [TID]
    assert [p.id for p in parse_raw("tieba", "detail", page_pc(), fetched_at=FETCHED_AT)] == [TID]
    comments = parse_raw("tieba", "comments", page_pc(), fetched_at=FETCHED_AT)
    assert [c.post_id for c in comments] == [TID, TID]
    html = lzl_page(lzl_item(5, "用户丙", "tb.1.aa", "好", "2024-08-05 17:01"))
    (reply,) = parse_raw("tieba", "comments", html, fetched_at=FETCHED_AT)
    assert (reply.comment_id, reply.post_id, reply.parent_id) == ("5", "", None)
    (author,) = parse_raw("tieba", "creator", homesidebar(), fetched_at=FETCHED_AT)
    assert author.author_id == PORTRAIT
