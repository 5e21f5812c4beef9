"""/api/data: filters, sorts, keyset cursor paging, stats and cleanup (dry run vs real) on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest


async def _get(client: Any, path: str, **params: Any) -> dict[str, Any]:
    response = await client.http.get(path, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["p1", "p2", "p3", "p4", "p5"]),
        ({"platforms": "xhs,bili"}, ["p3", "p4", "p5"]),
        ({"min_likes": 10}, ["p1", "p2", "p4"]),
        ({"max_likes": 5, "min_comments": 1}, ["p3"]),
        ({"tags": "速溶,器具"}, ["p2", "p4"]),
        ({"authors": "作者p1,up5"}, ["p1", "p5"]),
        ({"search_text": "手冲"}, ["p1", "p2", "p4"]),
        ({"published_after": "2026-11-28T00:00:00Z"}, ["p1", "p2", "p3"]),
        ({"published_before": "2026-11-28T00:00:00+08:00", "min_engagement": 100}, ["p4"]),
        ({"max_comments": 2}, ["p1", "p3", "p5"]),
        ({"min_shares": 3}, ["p2", "p4"]),
        ({"max_engagement": 13}, ["p1", "p3", "p5"]),
        ({"crawled_after": "2026-11-28T12:00:00Z"}, ["p1", "p2", "p3"]),
        ({"crawled_before": "2026-11-28T20:00:00+08:00"}, ["p4", "p5"]),
        ({"tags": "咖啡", "platforms": "wb", "min_likes": 20}, ["p2"]),
    ],
)
async def test_filters(history: Any, ids: Any, params: dict[str, Any], expected: list[str]) -> None:
    body = await _get(history, "/api/data/", **params)
    assert sorted(ids(body, "posts")) == expected and body["total"] == len(expected)


@pytest.mark.parametrize(
    ("sort", "order"),
    [("recent", ["p1", "p2", "p3", "p4", "p5"]), ("likes", ["p4", "p2", "p1", "p3", "p5"]),
     ("hot", ["p4", "p2", "p1", "p3", "p5"]), ("shares", ["p4", "p2", "p1", "p5", "p3"]),  # ties: newest row first
     ("comments", ["p4", "p2", "p1", "p3", "p5"])],
)  # fmt: skip
async def test_sorts(history: Any, ids: Any, sort: str, order: list[str]) -> None:
    assert ids(await _get(history, "/api/data/", sort=sort), "posts") == order


@pytest.mark.parametrize("sort", ["likes", "recent", "hot", "shares"])
async def test_cursor_paging_visits_each_post_once(history: Any, ids: Any, sort: str) -> None:
    whole = ids(await _get(history, "/api/data/", sort=sort), "posts")
    seen: list[str] = []
    cursor = None
    while True:
        params = {"sort": sort, "limit": 2} | ({"cursor": cursor} if cursor else {})
        body = await _get(history, "/api/data/", **params)
        seen += ids(body, "posts")
        assert body["total"] == 5
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == whole and len(seen) == 5
    if sort != "likes":
        return
    assert seen == ["p4", "p2", "p1", "p3", "p5"]
    offset = await _get(history, "/api/data/", sort="likes", limit=2, offset=2)
    assert ids(offset, "posts") == ["p1", "p3"]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"platforms": "myspace"}, "platforms"), ({"min_likes": -1}, "min_likes"), ({"sort": "random"}, "sort"),
     ({"published_after": "2026-11-28"}, "published_after"), ({"cursor": "garbage"}, "cursor"),
     ({"sort": "relevant"}, "sort"), ({"limit": 0}, "limit")],
)  # fmt: skip
async def test_bad_parameters(history: Any, params: dict[str, Any], field: str) -> None:
    response = await history.http.get("/api/data/", params=params)
    assert response.status_code == 422, response.text
    assert field in response.json()["error"]["message"]


async def test_stats(history: Any) -> None:
    body = await _get(history, "/api/data/stats")
    assert body["posts"] == 5 and body["comments"] == 2 and body["authors"] == 5
    assert body["engagement"] == sum([10 + 2 + 1, 50 + 9 + 3, 5 + 1, 100 + 20 + 8, 1])
    assert body["by_platform"]["xiaohongshu"] == {"posts": 2, "engagement": 6 + 128}
    with_stats = await _get(history, "/api/data/", platforms="weibo", include_stats=True)
    assert with_stats["stats"]["posts"] == 2 and with_stats["stats"]["comments"] == 2


async def test_cleanup_dry_run_matches_real_run(history: Any) -> None:
    # Stored sentiment scores belong to their posts and go with them.
    scored = await _get(history, "/api/data/aggregate", aggregate_by="platform", metrics="sentiment")
    assert scored["sentiment_unscored"] == 0
    dry = (await history.http.delete("/api/data/cleanup", params={"older_than_days": 5})).json()
    assert dry["dry_run"] is True
    # Crawl times in the dataset are relative to 2026-12-01, so "older than 5 days" depends on today;
    # the real run must delete exactly what the dry run announced.
    before = (await _get(history, "/api/data/stats"))["posts"]
    real = (await history.http.delete("/api/data/cleanup", params={"older_than_days": 5, "dry_run": False})).json()
    assert real["deleted"] == dry["would_delete"]
    after = await _get(history, "/api/data/stats")
    assert after["posts"] == before - real["deleted"]["posts"]
    assert real["deleted"]["posts"] >= 2  # p4 (10 days) and p5 (40 days) at least
    remaining = await _get(history, "/api/data/search", q="咖啡")
    assert "p5" not in [r["id"] for r in remaining["results"]], "deleted posts leave the search index"
    rescored = await _get(history, "/api/data/aggregate", aggregate_by="platform", metrics="posts,sentiment")
    assert sum(b["sentiment_scored"] for b in rescored["buckets"]) == after["posts"]
    assert rescored["sentiment_unscored"] == 0
    missing = await history.http.delete("/api/data/cleanup")
    assert missing.status_code == 422 and "older_than_days" in missing.json()["error"]["message"]


async def test_relevant_sort_ranks_the_search_text(history: Any, ids: Any) -> None:
    body = await _get(history, "/api/data/", search_text="咖啡", sort="relevant")
    assert body["total"] == 3 and ids(body, "posts")[0] == "p5", "four occurrences in a short post rank first"
    assert set(ids(body, "posts")) == {"p1", "p2", "p5"}
    paged: list[str] = []
    cursor = None
    while True:
        page = await _get(history, "/api/data/", search_text="咖啡", sort="relevant", limit=1,
                          **({"cursor": cursor} if cursor else {}))  # fmt: skip
        paged += ids(page, "posts")
        if not (cursor := page["next_cursor"]):
            break
    assert paged == ids(body, "posts")
    # A substring that is no indexed word still filters like search_text always does; every score is 0.
    partial = await _get(history, "/api/data/", search_text="啡", sort="relevant")
    assert set(ids(partial, "posts")) == {"p1", "p2", "p5"}


async def test_search_text_is_literal_and_ignores_case_on_both_backends(history: Any, ids: Any) -> None:
    from datetime import UTC, datetime

    from keypick.content import service as content_service
    from keypick.content.schemas import Post

    async with history.app.state.runtime.sessions() as session:
        await content_service.upsert_posts(
            session,
            [Post(id="p6", platform="weibo", content="Flat White 50%_off 今天", tags=["100%_real"])],
            now=datetime.now(UTC),
        )
        await session.commit()
    assert ids(await _get(history, "/api/data/", search_text="flat white"), "posts") == ["p6"]
    assert ids(await _get(history, "/api/data/", search_text="50%_"), "posts") == ["p6"]
    assert (await _get(history, "/api/data/", search_text="%"))["total"] == 1, "% is a character, not a wildcard"
    assert (await _get(history, "/api/data/", search_text="0_o"))["total"] == 0, "_ is a character too"
    assert ids(await _get(history, "/api/data/", tags="100%_real"), "posts") == ["p6"]
    assert (await _get(history, "/api/data/", tags="100%"))["total"] == 0
