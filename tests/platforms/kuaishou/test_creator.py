"""The profile feed parser (/rest/v/profile/feed: a user's own videos), field by field.

No real capture of this endpoint (nor of any Kuaishou answer) exists: platforms.md §3.1 gives it the
search envelope, and its items are the search feed items. The items here are the sandbox's reshaping of
the REAL douyin samples, each with the requested user as author; every field is checked against the
real value it came from.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from keypick.exceptions import DataFetchError, LoginRequired, ParseError, RateLimited
from keypick.platforms import registry
from keypick.platforms.kuaishou.parsers import parse_profile_feed
from tests.platforms.kuaishou.payloads import FETCHED_AT, douyin_awemes, real_user_id, reshaped_profile_feed


def _source(desc: str) -> dict[str, Any]:
    (aweme,) = [a for a in douyin_awemes() if a["desc"] == desc]
    return aweme


def test_profile_feed_every_item_field_by_field() -> None:
    user_id, owner = real_user_id(2)
    payload = reshaped_profile_feed(user_id, pcursor="1700000000000")
    result = parse_profile_feed(payload, fetched_at=FETCHED_AT)
    assert len(result.posts) == 20 and result.skipped == 0
    assert result.pcursor == "1700000000000" and not result.end and result.search_session_id == ""
    for post, feed in zip(result.posts, payload["feeds"], strict=True):
        photo, aweme = feed["photo"], _source(feed["photo"]["caption"])
        assert isinstance(post.id, str) and post.id == photo["id"] and post.id.startswith("3x")
        assert post.platform == "kuaishou" and post.url == f"https://www.kuaishou.com/short-video/{post.id}"
        assert post.content == aweme["desc"].strip()
        assert isinstance(post.likes, int) and post.likes == photo["realLikeCount"]
        # The owner of the feed, not the real video's author, is every post's author.
        assert post.author_id == user_id and post.author == owner["nickname"]
        assert post.author_avatar == owner["avatar_thumb"]["url_list"][0]
        assert (
            post.author_info is not None
            and post.author_info.profile_url == f"https://www.kuaishou.com/profile/{user_id}"
        )
        if "timestamp" in photo:
            assert post.publish_time == datetime.fromtimestamp(photo["timestamp"] / 1000, tz=UTC)
        else:
            assert post.publish_time is None  # the card the adapter completes from visionVideoDetail
        hashtags = {t["hashtag_name"] for t in aweme.get("text_extra") or [] if t.get("hashtag_name")}
        assert hashtags <= set(post.tags)
        assert post.platform_data["cover_url"] == aweme["video"]["cover"]["url_list"][0]
        assert post.crawl_time == FETCHED_AT and post.raw == feed
    times = [p.publish_time for p in result.posts if p.publish_time]
    assert times == sorted(times, reverse=True)  # newest first


def test_end_of_the_feed() -> None:
    user_id, _ = real_user_id()
    last = parse_profile_feed(reshaped_profile_feed(user_id, pcursor="no_more"), fetched_at=FETCHED_AT)
    assert last.end and last.pcursor is None and len(last.posts) == 20
    empty = parse_profile_feed({"result": 1, "feeds": [], "pcursor": "123"}, fetched_at=FETCHED_AT)
    assert empty.end and empty.posts == []  # an empty page with a cursor would loop forever
    bare = parse_profile_feed({"result": 1, "pcursor": "no_more"}, fetched_at=FETCHED_AT)
    assert bare.end and bare.posts == []


@pytest.mark.parametrize(
    ("payload", "match"),
    [
        ({"result": 1, "feeds": {"photo": {}}, "pcursor": "1"}, "creator_posts: expected feeds"),
        ({"result": 1, "pcursor": "2"}, "creator_posts: expected feeds"),
        ({"feeds": []}, "creator_posts: expected a JSON object with 'result'"),
        ([], "creator_posts: expected a JSON object"),
        ({"result": 1, "feeds": [{"photo": {"id": "3xa"}, "author": {"name": "no id"}}]}, "expected author.id"),
    ],
)
def test_bad_shapes_are_parse_errors(payload: Any, match: str) -> None:
    with pytest.raises(ParseError, match=match):
        parse_profile_feed(payload, fetched_at=FETCHED_AT)


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({"result": 2}, RateLimited),
        ({"result": 109, "error_msg": "请先登录"}, LoginRequired),
        ({"result": 50}, DataFetchError),
        ({"result": 0, "error_msg": "用户不存在"}, DataFetchError),
    ],
)
def test_business_codes_raise_their_typed_error(payload: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error) as caught:
        parse_profile_feed(payload, fetched_at=FETCHED_AT)
    assert caught.value.endpoint == "creator_posts" and caught.value.raw_code == payload["result"]  # type: ignore[attr-defined]


def test_creator_posts_parse_kind() -> None:
    user_id, _ = real_user_id(1)
    posts = registry.parse_raw("kuaishou", "creator_posts", reshaped_profile_feed(user_id), fetched_at=FETCHED_AT)
    assert len(posts) == 20 and {p.author_id for p in posts} == {user_id}
