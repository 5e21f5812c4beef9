"""The uploader video list parser (/x/space/wbi/arc/search) and its parse kind. No real capture of it exists:
each item here is a real search sample item under the list's field names (payloads.space_vlist), and must read
as the same post."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from keypick.content.schemas import Post
from keypick.exceptions import ParseError, RiskControl
from keypick.platforms import registry
from keypick.platforms.bilibili.parsers import parse_video_item
from keypick.platforms.bilibili.space import parse_space_videos
from tests.platforms.bilibili.payloads import space_videos, space_vlist
from tests.samples import load_sample

FETCHED = datetime(2026, 12, 3, tzinfo=UTC)
SHARED = ("id", "title", "content", "url", "comments", "views", "author", "author_id", "publish_time", "images")


def test_list_items_read_like_the_search_items() -> None:
    search = load_sample("bilibili", "search_type_video-2.json")["data"]["result"]
    result = parse_space_videos(space_videos(), fetched_at=FETCHED, page=1, page_size=30)
    assert result.end and len(result.posts) == len(search)
    for post, item in zip(result.posts, search, strict=True):
        expected = parse_video_item(item, fetched_at=FETCHED)
        assert {k: getattr(post, k) for k in SHARED} == {k: getattr(expected, k) for k in SHARED}
        assert post.raw is not None and "created" in post.raw


def test_paging_ends_at_the_count() -> None:
    page = {"code": 0, "data": {"list": {"vlist": space_vlist()[:5]}, "page": {"pn": 1, "ps": 5, "count": 12}}}
    assert not parse_space_videos(page, fetched_at=FETCHED, page=1, page_size=5).end
    assert parse_space_videos(page, fetched_at=FETCHED, page=3, page_size=5).end


def test_errors() -> None:
    with pytest.raises(RiskControl):
        parse_space_videos({"code": -352, "message": "风控校验失败"}, fetched_at=FETCHED, page=1, page_size=30)
    with pytest.raises(ParseError, match="vlist"):
        parse_space_videos({"code": 0, "data": {"list": {}}}, fetched_at=FETCHED, page=1, page_size=30)


def test_creator_posts_parse_kind() -> None:
    """`keypick parse bili creator_posts` gives the list's videos, as the adapter's parser reads them."""
    payload = space_videos()
    posts = registry.parse_raw("bilibili", "creator_posts", payload, fetched_at=FETCHED)
    listed = parse_space_videos(payload, fetched_at=FETCHED, page=1, page_size=30).posts
    assert all(isinstance(p, Post) for p in posts) and posts == listed and len(posts) == len(space_vlist())
    assert [p.id for p in posts] == [str(v["bvid"]) for v in space_vlist()]
    # A page that is not the last still gives its videos: paging is the crawler's business, not the kind's.
    middle = space_videos(count=1000)
    assert registry.parse_raw("bilibili", "creator_posts", middle, fetched_at=FETCHED) == listed
    with pytest.raises(RiskControl):
        registry.parse_raw("bilibili", "creator_posts", {"code": -352, "message": "风控校验失败"}, fetched_at=FETCHED)
