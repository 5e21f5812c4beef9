"""A fixed dataset of posts with known words, counts and times, stored through the real ingest path."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from keypick.content import service as content_service
from keypick.content.schemas import Comment, Post

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
TEXTS = [
    # (id, platform, text, likes, comments, shares, tags, days ago)
    ("p1", "weibo", "今天喝了一杯手冲咖啡，香气很足", 10, 2, 1, ["咖啡"], 1),
    ("p2", "weibo", "速溶咖啡也能喝，但手冲咖啡更好", 50, 9, 3, ["咖啡", "速溶"], 2),
    ("p3", "xiaohongshu", "拿铁和美式哪个好喝？", 5, 1, 0, ["拿铁"], 3),
    ("p4", "xiaohongshu", "手冲的器具推荐：滤杯和手冲壶", 100, 20, 8, ["器具"], 10),
    ("p5", "bilibili", "咖啡咖啡咖啡，每天三杯咖啡", 1, 0, 0, [], 40),
]


def dataset() -> list[Post]:
    """The five posts, normalized."""
    return [
        Post(id=pid, platform=plat, content=text, likes=likes, comments=com, shares=sh, tags=tags,
             author=f"作者{pid}", author_id=f"u{pid}", publish_time=NOW - timedelta(days=days),
             crawl_time=NOW - timedelta(days=days))
        for pid, plat, text, likes, com, sh, tags, days in TEXTS
    ]  # fmt: skip


@pytest.fixture
async def history(api: Any, database_url: str) -> AsyncIterator[Any]:
    """A running app whose database holds the dataset (plus two comments on p2)."""
    async with api(workers=0, database_url=database_url) as client:
        async with client.app.state.runtime.sessions() as session:
            pks = await content_service.upsert_posts(session, dataset(), now=NOW)
            comments = [Comment(comment_id=f"c{i}", post_id="p2", platform="weibo", content="同意") for i in (1, 2)]
            await content_service.upsert_comments(session, comments, post_pks=pks, now=NOW)
            await session.commit()
        yield client


@pytest.fixture
def ids() -> Callable[[dict[str, Any], str], list[str]]:
    """Return the ids of a response's list."""
    return lambda body, key: [p["id"] for p in body[key]]
