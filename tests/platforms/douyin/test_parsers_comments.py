"""Douyin comment, reply and profile parsers, field by field, on the real captured comment page.

comment_list-1.json is a real /aweme/v1/web/comment/list/ answer (10 comments of VIDEO_ID). No reply
page (/comment/list/reply/) nor profile (/user/profile/other/) was captured: those tests build them
from real comment and user objects, in the shape platforms.md §2.1/§2.3 gives (see payloads.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from keypick.content.schemas import Comment
from keypick.exceptions import LoginRequired, ParseError
from keypick.platforms.douyin import PARSE_KINDS
from keypick.platforms.douyin.parsers import parse_comments_page, parse_user, parse_user_profile
from tests.platforms.douyin.payloads import FETCHED_AT, VIDEO_ID, aweme, comments, profile, replies_of

# (cid, nickname, sec_uid tail, likes, ip_label, reply_comment_total, publish time, images, text head)
EXPECTED = [
    ("7603286382429717282", "用户甲", "jcGAYH7E", 0, "江西", 0, "2026-02-05T07:54:24", 0, "而且我养的中华田园犬[耶"),
    ("7603275422347870986", "用户乙", "5ZCD3FBL", 0, "吉林", 0, "2026-02-05T07:11:52", 1, ""),
    ("7590258008161092394", "用户丙", "ZXK1G6XX", 1, "甘肃", 2, "2026-01-01T05:17:40", 0, "[流泪][流泪][哭哭]"),
    ("7594442679767089957", "用户丁", "7_UX1HUc", 3, "山西", 24, "2026-01-12T11:56:19", 1, "[星星眼][星星眼][星"),
    ("7603240440196432699", "用户戊", "X5TA5gRA", 0, "安徽", 0, "2026-02-05T04:56:08", 0, "我知道了，因为看到这张相"),
    ("7599274895679603482", "用户己", "IDRyx30K", 0, "四川", 1, "2026-01-25T12:27:46", 0, "猫"),
    ("7602991920746398491", "用户庚", "A0ZpR7ez", 0, "吉林", 0, "2026-02-04T12:51:43", 0, "[大圣吃桃][弼马温]["),
    ("7578033110274097946", "用户辛", "jZgPiFnN", 2, "广东", 25, "2025-11-29T06:38:49", 0, "我家的猫叫小花。我在也没"),
    ("7586215957861827371", "用户壬", "GVFHJRHF", 1, "湖南", 1, "2025-12-21T07:52:26", 0, "猫离家出走，只能踏上去世"),
    ("7602872182745793299", "用户癸", "gRK9bBl8", 0, "福建", 0, "2026-02-04T05:07:07", 0, "因为那只猫死了，不想让自"),
]  # fmt: skip


def parsed() -> list[Comment]:
    return parse_comments_page(comments(), post_id=VIDEO_ID, fetched_at=FETCHED_AT).comments


def test_comment_page_envelope() -> None:
    result = parse_comments_page(comments(), post_id=VIDEO_ID, fetched_at=FETCHED_AT)
    assert [c.comment_id for c in result.comments] == [e[0] for e in EXPECTED]
    assert (result.has_more, result.cursor, result.total, result.skipped) == (True, 20, 3296, 0)
    # Comments with reply_comment_total > 0 and no embedded replies: their replies must be fetched.
    assert result.reply_roots == [e[0] for e in EXPECTED if e[5] > 0]


@pytest.mark.parametrize("index", range(10))
def test_every_comment_field_by_field(index: int) -> None:
    comment = parsed()[index]
    cid, nickname, sec_tail, likes, ip_label, replies, when, n_images, text_head = EXPECTED[index]
    raw = comments()["comments"][index]
    assert comment.comment_id == cid and comment.post_id == VIDEO_ID and comment.platform == "douyin"
    assert comment.parent_id is None  # reply_id "0": a first-level comment
    assert comment.author == nickname
    assert comment.author_id is not None and comment.author_id.startswith("MS4wLjABAAAA")
    assert comment.author_id.endswith(sec_tail)
    assert comment.content == raw["text"] and comment.content.startswith(text_head)
    assert comment.likes == likes and comment.reply_count == replies and comment.ip_location == ip_label
    assert comment.publish_time == datetime.fromisoformat(when).replace(tzinfo=UTC)
    data = comment.platform_data
    assert data["author_uid"] == raw["user"]["uid"] and data["level"] == 1
    assert data["author_avatar"] == raw["user"]["avatar_thumb"]["url_list"][0]
    assert "reply_to_reply_id" not in data  # "0" means none
    assert len(data.get("images", [])) == n_images
    assert comment.raw == raw


def test_comment_images_are_the_origin_urls() -> None:
    second = parsed()[1]
    raw = comments()["comments"][1]
    assert second.platform_data["images"] == [raw["image_list"][0]["origin_url"]["url_list"][0]]


def test_hot_flag() -> None:
    assert [c.platform_data["is_hot"] for c in parsed()] == [c["is_hot"] for c in comments()["comments"]]


def test_reply_page_sets_the_root_as_parent() -> None:
    root = EXPECTED[3][0]
    result = parse_comments_page(replies_of(root), post_id=VIDEO_ID, fetched_at=FETCHED_AT, parent_id=root)
    assert [c.parent_id for c in result.comments] == [root, root]
    assert result.reply_roots == [] and result.has_more is False
    assert all(c.platform_data["level"] == 2 for c in result.comments)


def test_embedded_reply_previews_follow_their_root_and_are_deduplicated() -> None:
    page = comments()
    root = page["comments"][2]  # reply_comment_total 2
    preview = replies_of(root["cid"], 2)["comments"]
    root["reply_comment"] = preview
    page["comments"].append(dict(preview[0], reply_id="0"))  # the same cid again as a root: kept once
    result = parse_comments_page(page, post_id=VIDEO_ID, fetched_at=FETCHED_AT)
    ids = [c.comment_id for c in result.comments]
    assert ids[2:5] == [root["cid"], preview[0]["cid"], preview[1]["cid"]] and len(ids) == len(set(ids)) == 12
    assert root["cid"] not in result.reply_roots  # both replies came embedded


def test_comments_of_another_post_are_skipped() -> None:
    result = parse_comments_page(comments(), post_id="7000000000000000000", fetched_at=FETCHED_AT)
    assert result.comments == [] and result.skipped == 10


def test_null_comments_is_an_empty_page() -> None:
    result = parse_comments_page({"status_code": 0, "comments": None, "has_more": 0, "cursor": 0},
                                 post_id=VIDEO_ID, fetched_at=FETCHED_AT)  # fmt: skip
    assert result.comments == [] and result.has_more is False


@pytest.mark.parametrize(
    "payload",
    [{"status_code": 0, "comments": {}}, {"status_code": 0, "comments": [{"text": "no cid"}]}, {"comments": []}],
)
def test_unknown_comment_shapes_are_parse_errors(payload: dict[str, object]) -> None:
    with pytest.raises(ParseError):
        parse_comments_page(payload, post_id=VIDEO_ID, fetched_at=FETCHED_AT)


def test_comment_page_login_error() -> None:
    with pytest.raises(LoginRequired):
        parse_comments_page({"status_code": 8, "status_msg": "用户未登录"}, post_id="", fetched_at=FETCHED_AT)


def test_parse_kind_comments_takes_the_post_id_from_each_comment() -> None:
    records = PARSE_KINDS["comments"](comments(), FETCHED_AT)
    assert len(records) == 10 and all(isinstance(c, Comment) and c.post_id == VIDEO_ID for c in records)


def test_profile_of_a_real_user() -> None:
    user = aweme(2)["author"]
    author = parse_user_profile(profile(user), fetched_at=FETCHED_AT)
    assert author.author_id == user["sec_uid"] and author.nickname == "用户戊" and author.gender == "f"
    # A profile's counts are taken as they are (this user object holds the captured zeros).
    assert (author.followers, author.following, author.posts_count, author.likes_received) == (0, 0, 0, 0)
    assert author.platform_data == {"uid": "540588294254", "short_id": "1424639523", "unique_id": "gyfa9rxqxa8n"}
    creator = PARSE_KINDS["creator"](profile(user), FETCHED_AT)
    assert creator == [author]


def test_profile_fields_named_in_platforms_md() -> None:
    user = {"sec_uid": "MS4wLjABAAAAx", "uid": "1", "nickname": "n", "gender": 2, "signature": "s",
            "avatar_300x300": {"uri": "aweme-avatar/abc"}, "ip_location": "IP属地：上海", "following_count": 3,
            "max_follower_count": 1200, "total_favorited": 99, "aweme_count": 7}  # fmt: skip
    author = parse_user(user, profile=True)
    assert author.avatar == "https://p3-pc.douyinpic.com/img/aweme-avatar/abc~c5_300x300.jpeg"
    assert (author.ip_location, author.followers, author.following) == ("上海", 1200, 3)
    assert (author.likes_received, author.posts_count, author.gender) == (99, 7, "f")


def test_profile_errors() -> None:
    with pytest.raises(ParseError, match="user"):
        parse_user_profile({"status_code": 0, "user": None}, fetched_at=FETCHED_AT)
    with pytest.raises(ParseError, match="sec_uid"):
        parse_user({"nickname": "x"})
