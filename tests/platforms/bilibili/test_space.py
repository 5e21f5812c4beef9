"""The uploader video list parser (/x/space/wbi/arc/search). No real capture of it exists: each item here
is a real search sample item under the list's field names, and must read as the same post."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from keypick.exceptions import ParseError, RiskControl
from keypick.platforms.bilibili.parsers import parse_video_item
from keypick.platforms.bilibili.space import parse_space_videos
from tests.samples import load_sample

FETCHED = datetime(2026, 12, 3, tzinfo=UTC)
RENAMED = {"pubdate": "created", "review": "comment", "duration": "length"}
SHARED = ("id", "title", "content", "url", "comments", "views", "author", "author_id", "publish_time", "images")


def _vlist() -> list[dict[str, object]]:
    items = load_sample("bilibili", "search_type_video-2.json")["data"]["result"]
    keep = ("aid", "bvid", "title", "description", "pubdate", "play", "review", "video_review", "pic", "author",
            "mid", "duration")  # fmt: skip
    return [{RENAMED.get(k, k): item[k] for k in keep if k in item} for item in items]


def test_list_items_read_like_the_search_items() -> None:
    search = load_sample("bilibili", "search_type_video-2.json")["data"]["result"]
    payload = {"code": 0, "message": "0", "data": {"list": {"vlist": _vlist()}, "page": {"pn": 1, "ps": 30,
                                                                                          "count": 12}}}  # fmt: skip
    result = parse_space_videos(payload, fetched_at=FETCHED, page=1, page_size=30)
    assert result.end and len(result.posts) == len(search)
    for post, item in zip(result.posts, search, strict=True):
        expected = parse_video_item(item, fetched_at=FETCHED)
        assert {k: getattr(post, k) for k in SHARED} == {k: getattr(expected, k) for k in SHARED}
        assert post.raw is not None and "created" in post.raw


def test_paging_ends_at_the_count() -> None:
    page = {"code": 0, "data": {"list": {"vlist": _vlist()[:5]}, "page": {"pn": 1, "ps": 5, "count": 12}}}
    assert not parse_space_videos(page, fetched_at=FETCHED, page=1, page_size=5).end
    assert parse_space_videos(page, fetched_at=FETCHED, page=3, page_size=5).end


def test_errors() -> None:
    with pytest.raises(RiskControl):
        parse_space_videos({"code": -352, "message": "风控校验失败"}, fetched_at=FETCHED, page=1, page_size=30)
    with pytest.raises(ParseError, match="vlist"):
        parse_space_videos({"code": 0, "data": {"list": {}}}, fetched_at=FETCHED, page=1, page_size=30)
