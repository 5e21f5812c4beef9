"""Comment, reply and creator parsers, field by field, on the real comment samples (creator: no capture).

The creator page was not captured: its test wraps a userPageData built from the platforms.md §1.3
field list (basicInfo, interactions, tags) in the page's `window.__INITIAL_STATE__`.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from keypick.exceptions import DataFetchError, LoginRequired, ParseError
from keypick.platforms import registry
from keypick.platforms.xiaohongshu.parsers import parse_comments_page, parse_creator_html
from tests.platforms.xiaohongshu.payloads import FETCHED_AT, profile_page, sample

NOTE = "66696f98000000000d00f289"
AVATAR = "https://sns-avatar-qc.xhscdn.com/avatar/"


def test_comment_page_1_structure() -> None:
    result = parse_comments_page(sample("comment_page-1"), post_id=NOTE, fetched_at=FETCHED_AT)
    raw = sample("comment_page-1")["data"]["comments"]
    roots = [c for c in result.comments if c.parent_id is None]
    replies = [c for c in result.comments if c.parent_id is not None]
    assert [c.comment_id for c in roots] == [r["id"] for r in raw]
    assert len(roots) == 10 and len(replies) == 9  # one root has an empty sub_comments list
    # Replies follow their root, and every parent is that root.
    order = [c.comment_id for c in result.comments]
    for root in raw:
        for reply in root["sub_comments"]:
            assert order.index(reply["id"]) > order.index(root["id"])
            assert next(c for c in replies if c.comment_id == reply["id"]).parent_id == root["id"]
    assert all(c.post_id == NOTE and c.platform == "xiaohongshu" for c in result.comments)
    assert (result.cursor, result.has_more) == ("66c993bc00000000150390e6", True)
    # Roots with sub_comment_has_more and a cursor are threads to page through with /sub/page.
    assert result.threads == [
        ("66971acb0000000005020d08", "669c7c58000000002601d56a"),
        ("66cddda7000000001203e58b", "66e289ad000000000b0229ab"),
        ("669dbf1e000000002300d6fb", "669e2f4b0000000015010bfc"),
        ("66bf63d9000000000d00ca52", "66c558bf000000000502fafb"),
        ("66cb0747000000000f00c50e", "66cbd789000000000f00435d"),
        ("66a8b9d100000000090030f6", "66a90637000000002301aa06"),
    ]


def test_comment_page_1_first_root_and_reply_field_by_field() -> None:
    result = parse_comments_page(sample("comment_page-1"), post_id=NOTE, fetched_at=FETCHED_AT)
    root, reply = result.comments[0], result.comments[1]
    assert root.comment_id == "66971acb0000000005020d08"
    assert (root.parent_id, root.author, root.author_id) == (None, "用户子", "7a06763d9372784f8667dc21")
    assert root.content == "怎么获取？"
    assert (root.likes, root.reply_count) == (17, 8)  # strings "17", "8" in the payload
    assert root.publish_time == datetime(2024, 7, 17, 1, 13, 48, tzinfo=UTC)  # 1721178828000 ms
    assert root.ip_location is None  # absent on this comment
    assert root.platform_data == {
        "author_avatar": f"{AVATAR}1040g2jo949on36549s452x5xyub4ghrdy4os1hb?imageView2/2/w/120/format/jpg",
        "status": 0,
    }
    assert root.raw == sample("comment_page-1")["data"]["comments"][0]
    assert reply.comment_id == "669c7c58000000002601d56a"
    assert (reply.parent_id, reply.author, reply.author_id) == (root.comment_id, "用户癸", "10b0193e0000000009082e44")
    assert (reply.content, reply.likes, reply.reply_count) == ("我们也可以", 3, None)
    assert reply.publish_time == datetime(2024, 7, 21, 3, 11, 20, tzinfo=UTC)
    assert reply.platform_data["target_comment_id"] == root.comment_id


def test_comment_page_1_locations_statuses_and_emoji() -> None:
    by_id = {
        c.comment_id: c
        for c in parse_comments_page(sample("comment_page-1"), post_id=NOTE, fetched_at=FETCHED_AT).comments
    }
    assert by_id["66cddda7000000001203e58b"].ip_location == "河北"
    assert by_id["66e289ad000000000b0229ab"].content == "私[偷笑R]"  # emoji codes stay as text
    assert by_id["66e289ad000000000b0229ab"].ip_location == "湖南"
    assert by_id["66cbd789000000000f00435d"].platform_data["status"] == -2  # kept, not interpreted
    assert by_id["66c993bc00000000150390e6"].reply_count == 0


def test_comment_page_2_author_comment() -> None:
    result = parse_comments_page(sample("comment_page-2"), post_id=None, fetched_at=FETCHED_AT)
    root, reply = result.comments
    assert (result.cursor, result.has_more, result.threads) == ("68f599c10000000031002403", False, [])
    assert (root.comment_id, root.post_id, root.content) == (
        "68f599c10000000031002403",
        "68f4e9bf00000000070327cb",
        "和顺打铁花",
    )
    assert (root.likes, root.reply_count, root.ip_location) == (0, 1, "河南")
    assert root.publish_time == datetime(2025, 10, 20, 2, 9, 6, tzinfo=UTC)
    assert root.platform_data["show_tags"] == ["is_author"]
    assert (reply.comment_id, reply.parent_id, reply.content) == ("68f599d50000000031002503", root.comment_id, "好看")


def test_sub_comment_page_1_with_and_without_the_root() -> None:
    root = "66f60002000000000f00769e"
    paged = parse_comments_page(sample("sub_comment_page-1"), post_id="n", root_id=root, fetched_at=FETCHED_AT)
    assert [c.comment_id for c in paged.comments] == [
        "66f60a0c000000001202c0c4", "66f60b0b000000000d00deb3", "66f60b620000000012024c87",
        "66f60c24000000000f006786", "66f60da8000000001202e41e",
    ]  # fmt: skip
    assert {c.parent_id for c in paged.comments} == {root}  # flattened under the root
    assert [c.platform_data["target_comment_id"] for c in paged.comments] == [
        root, "66f60a0c000000001202c0c4", "66f60b0b000000000d00deb3", "66f60b620000000012024c87",
        "66f60c24000000000f006786",
    ]  # fmt: skip
    assert (paged.cursor, paged.has_more) == ("66f60da8000000001202e41e", True)
    assert [c.platform_data["status"] for c in paged.comments] == [3, 0, 0, 3, 3]
    fourth = paged.comments[3]
    assert (fourth.author, fourth.likes, fourth.ip_location) == ("用户乙己", 16, "湖北")
    assert fourth.content == "女，老年，已逝。这应该比较好猜了。[笑哭R]"
    assert fourth.publish_time == datetime(2024, 9, 27, 1, 36, 37, tzinfo=UTC)
    # Without the root (keypick parse), a reply's parent is the comment it answers.
    alone = parse_comments_page(sample("sub_comment_page-1"), post_id=None, fetched_at=FETCHED_AT)
    assert [c.parent_id for c in alone.comments] == [c.platform_data["target_comment_id"] for c in paged.comments]
    assert {c.post_id for c in alone.comments} == {"66f4f758000000001902f8e1"}


def test_sub_comment_page_2() -> None:
    result = parse_comments_page(
        sample("sub_comment_page-2"), post_id=None, root_id="68f599c10000000031002403", fetched_at=FETCHED_AT
    )
    (reply,) = result.comments
    assert (reply.comment_id, reply.parent_id, reply.author_id) == (
        "68f599d50000000031002503", "68f599c10000000031002403", "5c436374031a5078b1408317",
    )  # fmt: skip
    assert (result.has_more, reply.platform_data["show_tags"]) == (False, ["is_author"])


def test_comment_errors() -> None:
    with pytest.raises(LoginRequired):
        parse_comments_page({"code": -100, "success": False, "msg": "登录已过期"}, post_id=NOTE, fetched_at=FETCHED_AT)
    with pytest.raises(ParseError, match="comments"):
        parse_comments_page({"code": 0, "success": True, "data": {}}, post_id=NOTE, fetched_at=FETCHED_AT)
    broken = sample("comment_page-1")
    broken["data"]["comments"][0].pop("id")
    with pytest.raises(ParseError, match="'id'"):
        parse_comments_page(broken, post_id=NOTE, fetched_at=FETCHED_AT)


# -- creator (no capture: platforms.md field list) ----------------------------------------------------

USER = "789656330000000008005514"
PAGE_DATA = {
    "basicInfo": {"nickname": "用户甲", "gender": 1, "desc": "简介", "ipLocation": "上海", "redId": "123456",
                  "images": f"{AVATAR}1040g2jo106ia2ggdle3w3n3julgj457yh5yb9g6"},
    "interactions": [{"type": "follows", "name": "关注", "count": "12"},
                     {"type": "fans", "name": "粉丝", "count": "3456"},
                     {"type": "interaction", "name": "获赞与收藏", "count": "7890"}],
    "tags": [{"tagType": "location", "name": "上海"}, {"tagType": "profession", "name": "销售"}],
}  # fmt: skip


def test_creator_page_field_by_field() -> None:
    author = parse_creator_html(profile_page(USER, PAGE_DATA), fetched_at=FETCHED_AT)
    assert author.author_id == USER  # from the page's own profile URL
    assert (author.nickname, author.gender, author.description, author.ip_location) == ("用户甲", "f", "简介", "上海")
    assert author.avatar == f"{AVATAR}1040g2jo106ia2ggdle3w3n3julgj457yh5yb9g6"
    assert (author.following, author.followers, author.likes_received) == (12, 3456, 7890)
    assert author.profile_url == f"https://www.xiaohongshu.com/user/profile/{USER}"
    assert author.platform_data == {"red_id": "123456", "tags": ["上海", "销售"]}
    via_registry = registry.parse_raw("xiaohongshu", "creator", profile_page(USER, PAGE_DATA), fetched_at=FETCHED_AT)
    assert via_registry == [author]


def test_creator_page_without_data_or_id() -> None:
    with pytest.raises(DataFetchError, match="basicInfo"):
        parse_creator_html(profile_page(USER, {}), fetched_at=FETCHED_AT)
    anonymous = profile_page(USER, PAGE_DATA).replace(f"/user/profile/{USER}", "/")
    with pytest.raises(ParseError, match="user id"):
        parse_creator_html(anonymous, fetched_at=FETCHED_AT)
    assert parse_creator_html(anonymous, fetched_at=FETCHED_AT, user_id=USER).author_id == USER
