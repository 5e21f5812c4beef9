"""Weibo comment, user and `keypick parse` registry parsers, field by field, on the real samples.

hotflow-1.json is a real hotflow page (10 roots, nested replies); comments_show-1.json is the legacy
comments/show shape. No user-info answer was captured (see the user tests).
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from keypick.content.schemas import Author, Comment, Post
from keypick.exceptions import DataFetchError, ParseError
from keypick.platforms.weibo import PARSE_KINDS
from keypick.platforms.weibo.parsers import parse_comments_page, parse_user_info
from tests.platforms.weibo.payloads import (
    FETCHED_AT,
    FIRST_ID,
    comments_show,
    detail_page,
    first_mblog,
    hotflow,
    timeline,
)

# -- comments -----------------------------------------------------------------------------------------


def test_hotflow_roots_and_replies_are_flattened() -> None:
    payload = hotflow()
    result = parse_comments_page(payload, post_id=FIRST_ID, fetched_at=FETCHED_AT)
    roots = payload["data"]["data"]
    assert len(roots) == 10
    nested = sum(len(r["comments"]) for r in roots if isinstance(r.get("comments"), list))
    assert nested == 1
    assert len(result.comments) == 11
    assert [c.comment_id for c in result.comments if c.parent_id is None] == [str(r["id"]) for r in roots]
    assert all(c.post_id == FIRST_ID and c.platform == "weibo" for c in result.comments)
    assert result.max_id == 314345666829623
    assert result.max_id_type == 0
    assert result.end is False
    assert result.total == 133519
    assert result.legacy is False


def test_hotflow_first_root_field_by_field() -> None:
    root, reply = parse_comments_page(hotflow(), post_id=FIRST_ID, fetched_at=FETCHED_AT).comments[:2]
    assert isinstance(root, Comment)
    assert root.comment_id == "4383183984547669"
    assert root.parent_id is None
    assert root.author == "用户戊"
    assert root.author_id == "6077608466"
    assert root.content == "宝宝陪你一起搬陪你一起吃[羞嗒嗒]"
    assert root.likes == 6183
    assert root.publish_time == datetime(2019, 6, 14, 12, 39, 20, tzinfo=UTC)
    assert root.ip_location is None  # source is "" in this capture
    assert root.reply_count == 143
    assert root.platform_data["pic"] == "https://wx1.sinaimg.cn/large/16a40f212gy1g40yu3x0jaj20u00u0npd.jpg"
    assert root.raw is not None and root.raw["floor_number"] == 916
    # Its one embedded reply comes right after it, pointing at it.
    assert reply.comment_id == "4383191449773449"
    assert reply.parent_id == "4383183984547669"
    assert reply.content == "回复@用户亥:那阿丝们一起搬叭[doge]"
    assert reply.likes is None  # replies in hotflow carry no like_count
    assert reply.publish_time == datetime(2019, 6, 14, 13, 9, 0, tzinfo=UTC)
    assert reply.reply_count is None


def test_hotflow_source_becomes_ip_location() -> None:
    payload = hotflow()
    payload["data"]["data"][0]["source"] = "来自北京"
    comment = parse_comments_page(payload, post_id=FIRST_ID, fetched_at=FETCHED_AT).comments[0]
    assert comment.ip_location == "北京"


def test_hotflow_last_page_ends() -> None:
    payload = hotflow()
    payload["data"]["max_id"] = 0
    assert parse_comments_page(payload, post_id=FIRST_ID, fetched_at=FETCHED_AT).end is True


def test_hotflow_without_comments_message_is_the_end() -> None:
    result = parse_comments_page({"ok": 0, "msg": "快来发表你的评论吧"}, post_id=FIRST_ID, fetched_at=FETCHED_AT)
    assert result.comments == [] and result.end is True


def test_hotflow_duplicates_within_a_page_are_dropped() -> None:
    payload = hotflow()
    payload["data"]["data"].append(copy.deepcopy(payload["data"]["data"][0]))
    result = parse_comments_page(payload, post_id=FIRST_ID, fetched_at=FETCHED_AT)
    assert len(result.comments) == 11


def test_legacy_comments_show_shape() -> None:
    payload = comments_show()
    result = parse_comments_page(payload, post_id=FIRST_ID, fetched_at=FETCHED_AT)
    assert result.legacy is True and result.end is True and result.max_id is None
    assert result.total == 125020
    assert len(result.comments) == 12  # 2 latest + 10 hot, none shared
    first = result.comments[0]
    assert first.comment_id == "4383932071637949"  # an int in this shape
    assert first.parent_id is None
    assert first.author == "用户乙甲" and first.author_id == "4455838803"
    assert first.content == "吃的完吗？要不我帮你解决一点儿[太开心]"
    assert first.likes == 0  # like_counts, plural, in this API
    assert first.publish_time == FETCHED_AT  # "刚刚"
    second = result.comments[1]
    assert second.parent_id == "4383928213171598"  # reply_id
    hot = {c.comment_id: c for c in result.comments}["4383184256927204"]
    assert hot.likes == 5389
    assert hot.publish_time == datetime(2019, 6, 13, 16, 0, tzinfo=UTC)  # "06-14"
    reply = {c.comment_id: c for c in result.comments}["4383185208814242"]
    assert reply.parent_id == "4383184256927204"
    assert "@用户己" in reply.content


def test_legacy_shape_dedupes_hot_and_latest() -> None:
    payload = comments_show()
    payload["data"]["hot_data"].append(copy.deepcopy(payload["data"]["data"][0]))
    result = parse_comments_page(payload, post_id=FIRST_ID, fetched_at=FETCHED_AT)
    assert len(result.comments) == 12


@pytest.mark.parametrize("payload", [{"ok": 1, "data": {}}, {"ok": 1, "data": {"data": "x"}}, {"ok": 1}])
def test_unknown_comment_shapes_raise_parse_error(payload: Any) -> None:
    with pytest.raises(ParseError, match="weibo comments"):
        parse_comments_page(payload, post_id=FIRST_ID, fetched_at=FETCHED_AT)


def test_comments_error_envelope_raises() -> None:
    with pytest.raises(DataFetchError):
        parse_comments_page({"ok": 0, "msg": "系统繁忙"}, post_id=FIRST_ID, fetched_at=FETCHED_AT)


# -- user info ------------------------------------------------------------------------------------------


def test_user_info_from_timeline_user() -> None:
    """No getIndex containerid=100505{uid} answer was captured; its data.userInfo has the same fields
    as the `user` objects of the real timeline sample, so that user is wrapped as the real envelope."""
    user = first_mblog()["user"]
    author = parse_user_info({"ok": 1, "data": {"userInfo": user}}, fetched_at=FETCHED_AT)
    assert author.author_id == "1331994986"
    assert author.nickname == "用户甲"
    assert author.gender == "f"
    assert author.avatar == "https://wx1.sinaimg.cn/orj480/4f64a16afn7zsc48ryvbtd62pj0tv6i0.jpg"
    assert author.description == "这是一段示例个人简介。"
    assert (author.followers, author.following, author.posts_count) == (63356825, 240, 1008)
    assert author.platform_data["verified_reason"] == "示例认证说明"


def test_user_info_from_hotflow_user_with_display_counts() -> None:
    """Same wrapping for a real hotflow comment user, with followers_count as a display string."""
    user = hotflow()["data"]["data"][0]["user"]
    author = parse_user_info({"ok": 1, "data": {"userInfo": user}}, fetched_at=FETCHED_AT)
    assert (author.author_id, author.nickname, author.followers) == ("6077608466", "用户戊", 514938)
    user = dict(user, followers_count="1.2万")
    author = parse_user_info({"ok": 1, "data": {"userInfo": user}}, fetched_at=FETCHED_AT)
    assert author.followers == 12000


def test_user_info_with_only_a_small_avatar() -> None:
    user = comments_show()["data"]["data"][0]["user"]
    author = parse_user_info({"ok": 1, "data": {"userInfo": user}}, fetched_at=FETCHED_AT)
    assert author.avatar == user["profile_image_url"]
    assert author.following is None and author.description is None


@pytest.mark.parametrize("payload", [{"ok": 1, "data": {}}, {"ok": 1, "data": {"userInfo": {"screen_name": "x"}}}])
def test_user_info_bad_shapes(payload: Any) -> None:
    with pytest.raises(ParseError):
        parse_user_info(payload, fetched_at=FETCHED_AT)


def test_user_info_missing_user_is_a_fetch_error() -> None:
    with pytest.raises(DataFetchError, match="用户不存在"):
        parse_user_info({"ok": 0, "msg": "用户不存在"}, fetched_at=FETCHED_AT)


# -- the `keypick parse` registry ---------------------------------------------------------------------


def test_parse_kinds_registry() -> None:
    assert set(PARSE_KINDS) == {"search", "detail", "comments", "creator"}
    posts = PARSE_KINDS["search"](timeline(), FETCHED_AT)
    assert len(posts) == 10 and all(isinstance(p, Post) for p in posts)
    comments = PARSE_KINDS["comments"](hotflow(), FETCHED_AT)
    assert len(comments) == 11 and all(isinstance(c, Comment) and c.post_id == "" for c in comments)
    user = first_mblog()["user"]
    (author,) = PARSE_KINDS["creator"]({"ok": 1, "data": {"userInfo": user}}, FETCHED_AT)
    assert isinstance(author, Author) and author.author_id == "1331994986"


def test_parse_kinds_detail_accepts_html_or_json() -> None:
    mblog = first_mblog()
    for payload in (detail_page(mblog), {"status": mblog}, {"mblog": mblog}, mblog):
        (post,) = PARSE_KINDS["detail"](payload, FETCHED_AT)
        assert isinstance(post, Post) and post.id == FIRST_ID


@pytest.mark.parametrize(
    ("kind", "payload", "expected"),
    [
        ("detail", {"foo": 1}, "expected the /detail"),
        ("detail", [1, 2], "expected the /detail"),
        ("search", {"ok": 1, "data": {"data": []}}, "data.cards"),
        ("comments", {"ok": 1, "data": {"cards": []}}, "data.data"),
        ("creator", {"ok": 1, "data": {"cards": []}}, "data.userInfo"),
    ],
)
def test_parse_kinds_name_what_they_expected(kind: str, payload: Any, expected: str) -> None:
    with pytest.raises(ParseError, match=expected.replace(".", r"\.")):
        PARSE_KINDS[kind](payload, FETCHED_AT)
