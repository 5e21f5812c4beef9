"""A FIXED dataset: the 10 real Weibo posts of a captured timeline, plus hand-made coffee posts with known answers.

Hand-made posts (ids 9000000000000001..6) all say 咖啡 (the search keyword); 燕麦 is in three
of them, #手冲咖啡# in two; one more post is a one-character edit of a real post (a near-duplicate).
jieba's dictionary has no 拿铁 (it cuts 拿/铁), so 拿铁 is never a keyword: a known limit.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from keypick.content.schemas import Post
from keypick.platforms.weibo.parsers import parse_search_page
from tests.samples import load_sample

FETCHED_AT = datetime(2025, 6, 20, 4, 0, tzinfo=UTC)
NOW = datetime(2025, 6, 20, 12, 0, tzinfo=UTC)
SEARCH_KEYWORDS = ["咖啡"]
REAL_IDS = [
    "4383183661430868",
    "4383180406740606",
    "4382054705416396",
    "4381312410216312",
    "4381207217392722",
    "4380517519047355",
    "4379825714272349",
    "4379188905591760",
    "4378893399854472",
    "4378514142544199",
]
OAT_IDS = ["9000000000000001", "9000000000000002", "9000000000000005"]
TAG_IDS = ["9000000000000001", "9000000000000002"]
NEGATIVE_ID = "9000000000000006"
NEAR_COPY_ID = "9000000000000007"
NEAR_COPY_OF = "4378514142544199"
TOP_POST_ID = "4379188905591760"  # 1,049,077 likes, "100万+" comments and shares: the most engaging

_HAND = [
    # (id, platform, author_id, content, likes, hours after the first post)
    ("9000000000000001", "weibo", "u1", "#手冲咖啡# 早上一杯燕麦拿铁，咖啡香气很足，心情很好", 120, 0),
    ("9000000000000002", "weibo", "u2", "燕麦拿铁配可颂，咖啡店的新品真不错 #手冲咖啡#", 80, 20),
    ("9000000000000003", "xiaohongshu", "x1", "冰拿铁永远的神，咖啡续命的一天", 300, 30),
    ("9000000000000004", "xiaohongshu", "x2", "公司楼下的咖啡拿铁打折了，冲", 15, 50),
    ("9000000000000005", "weibo", "u1", "试了燕麦奶做的咖啡，口感顺滑", 40, 60),
    ("9000000000000006", "weibo", "u3", "排队一小时，服务态度差，咖啡也是凉的，非常生气", 5, 70),
]


def real_posts() -> list[Post]:
    """Return the 10 posts of the real captured Weibo timeline, parsed by the real parser."""
    payload = load_sample("weibo", "getindex_user_timeline-1.json")
    return parse_search_page(payload, fetched_at=FETCHED_AT).posts


def fixed_posts() -> list[Post]:
    """Return the fixed dataset: 10 real posts + 6 coffee posts + 1 near-copy of a real post (17 posts)."""
    posts = real_posts()
    start = datetime(2025, 6, 15, 1, 0, tzinfo=UTC)
    for pid, platform, author, text, likes, hours in _HAND:
        posts.append(
            Post(
                id=pid,
                platform=platform,
                content=text,
                likes=likes,
                comments=likes // 10,
                shares=likes // 20,
                author=f"作者{author}",
                author_id=author,
                publish_time=start + timedelta(hours=hours),
                crawl_time=FETCHED_AT,
            )
        )
    original = next(p for p in posts if p.id == NEAR_COPY_OF)
    # One character changed: 27岁 → 28岁 (SimHash distance 2 with jieba tokens).
    edited = original.content.replace("27岁", "28岁", 1)
    assert edited != original.content
    posts.append(
        original.model_copy(update={"id": NEAR_COPY_ID, "content": edited, "likes": 10, "comments": 1, "shares": 0})
    )
    return posts
