"""Kuaishou search, detail and profile parsers, field by field.

No real Kuaishou capture exists: the search items are the sandbox's reshaping of the REAL
douyin samples (each field is checked against the real value it came from), and the
`documented_*` payloads are written from the platforms.md §3 field lists.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from keypick.exceptions import DataFetchError, LoginRequired, ParseError, RateLimited, VerificationRequired
from keypick.platforms import registry
from keypick.platforms.kuaishou.parsers import parse_detail, parse_feed, parse_profile, parse_search_page
from keypick.sandbox.kuaishou_data import profile
from tests.platforms.kuaishou.payloads import (
    FETCHED_AT,
    KEYWORD,
    documented_feed_item,
    douyin_awemes,
    reshaped_search,
    source_of,
)


def test_search_page_every_reshaped_item_field_by_field() -> None:
    payload = reshaped_search()
    result = parse_search_page(payload, fetched_at=FETCHED_AT)
    assert len(result.posts) == 20 and result.skipped == 1  # the related-search card has no photo
    assert result.pcursor == "2" and result.search_session_id == payload["searchSessionId"] and not result.end
    feeds = [f for f in payload["feeds"] if "photo" in f]
    assert {source_of(f["photo"]["caption"])["aweme_id"] for f in feeds} == {a["aweme_id"] for a in douyin_awemes()}
    for post, feed in zip(result.posts, feeds, strict=True):
        photo, aweme = feed["photo"], source_of(feed["photo"]["caption"])
        assert post.id == photo["id"] and post.id.startswith("3x") and post.platform == "kuaishou"
        assert post.content == f"#{KEYWORD} {aweme['desc']}".strip()
        assert post.title is None
        assert post.url == f"https://www.kuaishou.com/short-video/{post.id}"
        assert post.likes == photo["realLikeCount"] and isinstance(post.likes, int)
        digg = aweme["statistics"]["digg_count"]
        assert 0.5 * digg - 1 <= post.likes <= 1.5 * digg + 1
        assert post.views is None and post.comments is None and post.shares is None  # no viewCount in the reshape
        assert post.author == aweme["author"]["nickname"] and post.author_id == feed["author"]["id"]
        assert post.author_avatar == aweme["author"]["avatar_thumb"]["url_list"][0]
        if "timestamp" in photo:
            assert post.publish_time == datetime.fromtimestamp(photo["timestamp"] / 1000, tz=UTC)
            assert post.publish_time is not None and post.publish_time.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
        else:
            assert post.publish_time is None  # the card the adapter completes from visionVideoDetail
        hashtags = [t["hashtag_name"] for t in aweme.get("text_extra") or [] if t.get("hashtag_name")]
        assert post.tags[0] == KEYWORD and set(hashtags) <= set(post.tags)
        assert len(post.tags) == len(set(post.tags))
        if aweme["aweme_type"] == 0:
            assert post.videos == [aweme["video"]["play_addr"]["url_list"][0]]
        else:  # image posts: douyin's play_addr is music, so no photoUrl was made
            assert post.videos == []
        assert post.platform_data["cover_url"] == aweme["video"]["cover"]["url_list"][0]
        assert post.platform_data["like_count_text"] == photo["likeCount"]
        assert post.platform_data["type"] == 1
        assert post.crawl_time == FETCHED_AT and post.raw == feed
        assert post.author_info is not None and post.author_info.author_id == post.author_id
        assert post.author_info.profile_url == f"https://www.kuaishou.com/profile/{post.author_id}"
    assert sum(p.publish_time is None for p in result.posts) == 1


def test_documented_item_display_counts_urls_and_hashtags() -> None:
    post = parse_feed(documented_feed_item(), fetched_at=FETCHED_AT)
    assert post.id == "3xphoto456" and post.content == "下班路上 #日常#vlog @朋友"
    assert post.likes == 12_000 and post.views == 100_000  # "1.2万", "10万+"
    assert post.author_avatar == "https://p1.a.yximgs.com/head.jpg"
    assert post.platform_data["cover_url"] == "https://p2.a.yximgs.com/cover.jpg"
    assert post.videos == ["https://v2.kwaicdn.com/video.mp4"]
    assert post.tags == ["日常", "vlog", "生活"]
    assert post.publish_time == datetime(2024, 6, 1, 0, 0, 0, 123000, tzinfo=UTC)  # ms, not seconds


def test_real_like_count_wins_over_the_display_string() -> None:
    item = documented_feed_item()
    item["photo"]["realLikeCount"] = 12_345
    assert parse_feed(item, fetched_at=FETCHED_AT).likes == 12_345


@pytest.mark.parametrize("feeds", [[], None])
def test_last_page_ends(feeds: list[Any] | None) -> None:
    payload: dict[str, Any] = {"result": 1, "pcursor": "no_more", "searchSessionId": "s"}
    if feeds is not None:
        payload["feeds"] = feeds
    result = parse_search_page(payload, fetched_at=FETCHED_AT)
    assert result.end and result.posts == [] and result.pcursor is None


def test_no_more_with_feeds_ends_after_them() -> None:
    payload = reshaped_search() | {"pcursor": "no_more"}
    result = parse_search_page(payload, fetched_at=FETCHED_AT)
    assert result.end and len(result.posts) == 20


def test_duplicate_photos_are_skipped() -> None:
    payload = reshaped_search()
    payload["feeds"].append(payload["feeds"][0])
    result = parse_search_page(payload, fetched_at=FETCHED_AT)
    assert len(result.posts) == 20 and result.skipped == 2


@pytest.mark.parametrize(
    ("payload", "error", "text"),
    [
        ({"result": 2}, RateLimited, "result 2"),
        ({"result": 50}, DataFetchError, "signature was rejected"),
        ({"result": 109, "error_msg": "请先登录"}, LoginRequired, "log in"),
        ({"result": 400002}, VerificationRequired, "captcha"),
        ({"result": 77, "error_msg": "请登录后再试"}, LoginRequired, "请登录"),
        ({"result": 20003, "error_msg": "请求失败"}, DataFetchError, "result=20003"),
        ({"feeds": []}, ParseError, "'result'"),
        ([], ParseError, "'result'"),
        ({"result": 1, "feeds": {"x": 1}, "pcursor": "2"}, ParseError, "feeds[]"),
    ],
)
def test_search_errors(payload: Any, error: type[Exception], text: str) -> None:
    with pytest.raises(error, match=text.replace("[", r"\[").replace("]", r"\]")):
        parse_search_page(payload, fetched_at=FETCHED_AT)


def test_detail_from_graphql_and_from_the_inner_object() -> None:
    data = reshaped_search()
    feed = next(f for f in data["feeds"] if "photo" in f)
    item = {"status": 1, **feed}
    answer = {"data": {"visionVideoDetail": item}}
    post = parse_detail(answer, fetched_at=FETCHED_AT)
    assert post.id == feed["photo"]["id"] and post.platform_data["status"] == 1
    assert parse_detail(item, fetched_at=FETCHED_AT) == post


@pytest.mark.parametrize(
    ("payload", "error", "text"),
    [
        (
            {"errors": [{"message": "photo not found"}], "data": {"visionVideoDetail": None}},
            DataFetchError,
            "not found",
        ),
        ({"data": {"visionVideoDetail": {"status": 2, "photo": None}}}, DataFetchError, "not available"),
        ({"data": {"visionVideoDetail": {}}}, ParseError, "photo"),
        ({"data": {}}, ParseError, "data.visionVideoDetail"),
        ({"result": 109, "error_msg": "请先登录"}, LoginRequired, "log in"),
    ],
)
def test_detail_errors(payload: Any, error: type[Exception], text: str) -> None:
    with pytest.raises(error, match=text):
        parse_detail(payload, fetched_at=FETCHED_AT)


def test_profile_from_a_real_author() -> None:
    aweme = douyin_awemes()[1]
    feed = next(f for f in reshaped_search()["feeds"] if f.get("photo") and source_of(f["photo"]["caption"]) == aweme)
    user_id = feed["author"]["id"]
    answer = {"data": {"visionProfile": {"result": 1, "userProfile": profile(user_id)}}}
    author = parse_profile(answer, fetched_at=FETCHED_AT)
    real = aweme["author"]
    assert author.author_id == user_id and author.nickname == real["nickname"]
    assert author.gender == {1: "male", 2: "female"}[real["gender"]]
    assert author.description == real["signature"]
    assert author.avatar == real["avatar_thumb"]["url_list"][0]
    assert (author.followers, author.following, author.posts_count) == (
        real["follower_count"], real["following_count"], real["aweme_count"])  # fmt: skip
    assert author.profile_url == f"https://www.kuaishou.com/profile/{user_id}"


def test_profile_documented_counts_and_errors() -> None:
    user = {"ownerCount": {"fan": "3.4万", "follow": 12, "photo": 40, "photo_public": 38},
            "profile": {"user_id": "3xu", "user_name": "名", "gender": "U", "headurl": "//h/a.jpg",
                        "user_text": ""}}  # fmt: skip
    author = parse_profile({"data": {"visionProfile": {"result": 1, "userProfile": user}}}, fetched_at=FETCHED_AT)
    assert (author.followers, author.following, author.posts_count) == (34_000, 12, 38)
    assert author.gender is None and author.description is None and author.avatar == "https://h/a.jpg"
    assert author.platform_data == {"photo_count": 40}
    with pytest.raises(RateLimited):
        parse_profile({"data": {"visionProfile": {"result": 2}}}, fetched_at=FETCHED_AT)
    with pytest.raises(ParseError, match="user_id"):
        parse_profile({"data": {"visionProfile": {"result": 1, "userProfile": {}}}}, fetched_at=FETCHED_AT)


def test_parse_kinds_through_the_registry() -> None:
    assert set(registry.PARSE_KINDS["kuaishou"]) == {"search", "detail", "comments", "creator", "creator_posts"}
    posts = registry.parse_raw("kuaishou", "search", reshaped_search(), fetched_at=FETCHED_AT)
    assert len(posts) == 20
    (post,) = registry.parse_raw("kuaishou", "detail", documented_feed_item(), fetched_at=FETCHED_AT)
    assert post.id == "3xphoto456"
