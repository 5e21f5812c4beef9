"""Kuaishou payloads for the tests. THERE IS NO REAL KUAISHOU CAPTURE (samples/SOURCES.md).

Two sources, both said where used:
- `reshaped_*`: the sandbox's Kuaishou-shaped objects, built from the REAL douyin samples
  (kuaishou_data.py); `douyin_*` return those real sources, so tests can check each parsed
  field against the real value it came from.
- `documented_*`: small payloads written from the platforms.md §3 field lists (camelCase
  fallbacks, display-string counts), for shapes the reshaped data does not show.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from keypick.sandbox.kuaishou_data import KuaishouData, ks_id
from tests.samples import load_sample

ANCHOR = datetime(2026, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=8)))
FETCHED_AT = datetime(2026, 6, 1, 4, 30, tzinfo=UTC)
KEYWORD = "咖啡"
Json = dict[str, Any]


def sandbox_data() -> KuaishouData:
    """The sandbox's data source with the default seed and a fixed anchor."""
    return KuaishouData(seed="keypick", anchor=ANCHOR)


def reshaped_search(keyword: str = KEYWORD, page: int = 1, *, data: KuaishouData | None = None) -> Json:
    """A /rest/v/search/feed answer: 20 reshaped douyin videos (+ the related-search card on page 1)."""
    data = data or sandbox_data()
    return {"result": 1, "feeds": data.feeds(keyword, page), "pcursor": str(page + 1),
            "searchSessionId": data.session_id(keyword)}  # fmt: skip


def reshaped_profile_feed(
    user_id: str, page: int = 1, *, pcursor: str = "next", data: KuaishouData | None = None
) -> Json:
    """A /rest/v/profile/feed answer (no capture: the search envelope, platforms.md §3.1): 20 reshaped videos."""
    data = data or sandbox_data()
    return {"result": 1, "feeds": data.profile_feeds(user_id, page), "pcursor": pcursor}


def real_user_id(index: int = 0) -> tuple[str, Json]:
    """The Kuaishou-style id of the real author of douyin aweme `index`, and that real author object."""
    author = douyin_awemes()[index]["author"]
    return ks_id("user", author["uid"]), author


def douyin_awemes() -> list[Json]:
    """The 8 real aweme objects of the douyin App search capture (the sources of the reshaped videos)."""
    return [c["aweme_info"] for c in load_sample("douyin", "app_general_search-1.json")["data"] if c["type"] == 1]


def douyin_comments() -> list[Json]:
    """The 10 real comments of the douyin comment capture (the sources of the reshaped comments)."""
    comments: list[Json] = load_sample("douyin", "comment_list-1.json")["comments"]
    return comments


def source_of(caption: str, keyword: str = KEYWORD) -> Json:
    """Return the real aweme a reshaped caption (`#keyword ` + desc) came from."""
    (aweme,) = [a for a in douyin_awemes() if caption == f"#{keyword} {a['desc']}"]
    return aweme


def documented_feed_item() -> Json:
    """A feed item written from the platforms.md §3.1/§3.3 field list (display counts, protocol-relative URLs)."""
    return {
        "type": 1,
        "author": {"id": "3xauthor123", "name": "作者", "headerUrl": "//p1.a.yximgs.com/head.jpg"},
        "photo": {
            "id": "3xphoto456",
            "caption": "  下班路上 #日常#vlog @朋友  ",
            "likeCount": "1.2万",
            "viewCount": "10万+",
            "coverUrl": "//p2.a.yximgs.com/cover.jpg",
            "photoUrl": "https://v2.kwaicdn.com/video.mp4",
            "timestamp": 1_717_200_000_123,
        },
        "tags": [{"type": 1, "name": "日常"}, {"type": 2, "name": "生活"}],
    }


def documented_legacy_comments() -> Json:
    """A comment page with the legacy camelCase fields platforms.md §3.3 lists as fallbacks."""
    return {
        "result": 1,
        "rootComments": [
            {"commentId": 11, "authorId": 22, "authorName": "老用户", "content": "旧格式",
             "timestamp": 1_717_200_000_000, "subCommentCount": "3", "hasSubComments": True,
             "headUrl": "//p3.a.yximgs.com/h.jpg"},
        ],
        "pcursor": "no_more",
        "commentCount": 1,
    }  # fmt: skip
