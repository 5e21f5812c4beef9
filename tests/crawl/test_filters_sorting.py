"""Every filter, time range and sort of POST /api/crawl/ against the Weibo sandbox over real HTTP.

The sandbox is deterministic (page N of a keyword always holds the same posts), so an unfiltered
crawl is the reference: a filtered crawl must return exactly the reference posts that pass the
filter, no more and no fewer. Sorts are checked on the results API, and `sort_by` on the request
must reach Weibo as its native search type (60 popular, 61 real-time).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from keypick.tasks.filters import CHINA_TZ

KEYWORD = "咖啡"


async def _crawl(client: Any, **params: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    body = {"platform": "weibo", "keywords": [KEYWORD], "max_results": 1000} | params
    created = await client.http.post("/api/crawl/", json=body)
    assert created.status_code == 202, created.text
    status = await client.wait_status(created.json()["task_id"])
    results = await client.http.get(
        f"/api/crawl/task/{status['task_id']}/results", params={"page_size": 200, "sort_by": "recent"}
    )
    return status, results.json()["results"]


def _search_types(sandbox: Any) -> set[str]:
    log = httpx.get(f"{sandbox.url}/_sandbox/requests").json()["requests"]
    return {r["params"]["containerid"].split("&")[0] for r in log if r["path"].endswith("/container/getIndex")
            and "q=" in r["params"].get("containerid", "")}  # fmt: skip


def _time(post: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(post["publish_time"])


async def test_filters_keep_exactly_the_matching_posts(api: Any, sandbox: Any) -> None:
    async with api(sandbox_url=sandbox.url) as client:
        status, reference = await _crawl(client)
        assert status["status"] == "completed" and status["units"][0]["stop_reason"] == "end_of_results"
        assert len(reference) > 40
        by_id = {p["id"]: p for p in reference}
        comments = sorted(p["comments"] for p in reference)
        likes = sorted(p["likes"] for p in reference)
        min_comments, min_likes = comments[len(comments) // 2], likes[len(likes) // 3]
        word = next(w for w in ("转发", "分享", "今天", "的") if any(w in p["content"] for p in reference))
        today = datetime.now(CHINA_TZ).date()
        window = f"{today - timedelta(days=1)},{today}"
        since = datetime.combine(today - timedelta(days=1), datetime.min.time(), CHINA_TZ).astimezone(UTC)
        until = datetime.combine(today + timedelta(days=1), datetime.min.time(), CHINA_TZ).astimezone(UTC)

        cases: list[tuple[dict[str, Any], Any]] = [
            ({"min_comments": min_comments}, lambda p: p["comments"] >= min_comments),
            ({"min_likes": min_likes}, lambda p: p["likes"] >= min_likes),
            ({"exclude_keywords": [word]}, lambda p: word not in p["content"] and word not in (p["title"] or "")),
            ({"time_range": window}, lambda p: since <= _time(p) < until),
            ({"time_range": "1d"}, None),  # relative to the task's creation: checked below
            ({"min_likes": min_likes, "min_comments": min_comments, "exclude_keywords": [word]},
             lambda p: p["likes"] >= min_likes and p["comments"] >= min_comments and word not in p["content"]),
        ]  # fmt: skip
        for params, keep in cases:
            status, posts = await _crawl(client, **params)
            unit = status["units"][0]
            assert status["status"] == "completed", (params, status)
            if keep is None:
                created = datetime.fromisoformat(status["created_at"]).astimezone(UTC)
                assert posts and all(_time(p) >= created - timedelta(days=1) for p in posts), params

                def keep(p: dict[str, Any], created: datetime = created) -> bool:
                    return _time(p) >= created - timedelta(days=1)

            expected = {i for i, p in by_id.items() if keep(p)}
            assert {p["id"] for p in posts} == expected, params
            assert 0 < len(expected) < len(reference), f"{params} must filter some posts, not all"
            assert unit["filtered"] == len(reference) - len(expected), (params, unit)
            assert unit["new_items"] + unit["filtered"] + unit["duplicates"] == unit["items_seen"]


async def test_recent_sort_is_native_and_stops_when_the_window_has_passed(api: Any, sandbox: Any) -> None:
    async with api(sandbox_url=sandbox.url) as client:
        status, posts = await _crawl(client, sort_by="recent", time_range="1d")
        assert status["status"] == "completed", status
        unit = status["units"][0]
        # Real-time results come newest first: the first post older than the window ends the keyword
        # without reading the remaining pages.
        assert unit["stop_reason"] == "time_window_passed" and unit["pages_fetched"] < 5
        created = datetime.fromisoformat(status["created_at"]).astimezone(UTC)
        assert posts and all(_time(p) >= created - timedelta(days=1) for p in posts)
        assert _search_types(sandbox) == {"100103type=61"}
        httpx.delete(f"{sandbox.url}/_sandbox/requests")
        await _crawl(client, sort_by="hot", max_results=5)
        assert _search_types(sandbox) == {"100103type=60"}


def _hot(p: dict[str, Any]) -> int:
    return (p["likes"] or 0) + 2 * (p["comments"] or 0) + 3 * (p["shares"] or 0) + 2 * (p["collects"] or 0)


KEYS = {
    "hot": _hot,
    "recent": lambda p: p["publish_time"] and _time(p).timestamp(),
    "likes": lambda p: p["likes"],
    "comments": lambda p: p["comments"],
    "shares": lambda p: p["shares"],
}


@pytest.mark.parametrize("sort_by", list(KEYS))
async def test_results_sort_by(api: Any, sandbox: Any, sort_by: str) -> None:
    async with api(sandbox_url=sandbox.url) as client:
        status, reference = await _crawl(client, max_results=40)
        ordered: list[dict[str, Any]] = []
        for page in (1, 2, 3):  # paged reading keeps the order across pages
            body = (
                await client.http.get(
                    f"/api/crawl/task/{status['task_id']}/results",
                    params={"page": page, "page_size": 15, "sort_by": sort_by},
                )
            ).json()
            assert body["sort_by"] == sort_by and body["total"] == 40
            ordered += body["results"]
        assert [p["id"] for p in ordered] != [p["id"] for p in reference] or sort_by == "recent"
        assert sorted(p["id"] for p in ordered) == sorted(p["id"] for p in reference)
        keys = [KEYS[sort_by](p) for p in ordered]
        assert keys == sorted(keys, reverse=True), sort_by
        assert len(set(keys)) > 1


async def test_bad_sort_and_fields_name_the_parameter(api: Any, sandbox: Any) -> None:
    async with api(sandbox_url=sandbox.url, workers=0) as client:
        created = await client.http.post("/api/crawl/", json={"platform": "weibo", "keywords": [KEYWORD]})
        url = f"/api/crawl/task/{created.json()['task_id']}/results"
        bad_sort = await client.http.get(url, params={"sort_by": "loudest"})
        assert bad_sort.status_code == 422 and "sort_by" in bad_sort.json()["error"]["message"]
        bad_fields = await client.http.get(url, params={"fields": "id,nope"})
        assert bad_fields.status_code == 422 and "nope" in bad_fields.json()["error"]["message"]
