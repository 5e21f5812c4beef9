"""/api/data input edges on SQLite and PostgreSQL: cursors name their sort, offset and cursor exclude each
other, empty ranges are a 422 naming the pair, and the 64-bit edges themselves work."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from keypick.bounds import INT64_MAX, MAX_OFFSET, MAX_PAGE


def _cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


async def _error(client: Any, path: str, **params: Any) -> tuple[list[str], str]:
    """The fields and message of a 422 answer."""
    answer = await client.http.get(path, params=params)
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    return [e["field"] for e in error["details"]["errors"]], error["message"]


async def _page(client: Any, **params: Any) -> dict[str, Any]:
    answer = await client.http.get("/api/data/", params=params)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def test_a_cursor_pages_only_the_sort_it_came_from(history: Any, ids: Any) -> None:
    first = await _page(history, sort="recent", limit=2)
    cursor = first["next_cursor"]
    for other in ("hot", "likes", "comments", "shares"):
        fields, message = await _error(history, "/api/data/", sort=other, cursor=cursor)
        assert fields == ["cursor"] and "sort=recent" in message and f"not sort={other}" in message, message
    relevant = await _page(history, sort="relevant", search_text="咖啡", limit=1)
    fields, message = await _error(history, "/api/data/", sort="relevant", search_text="咖啡", cursor=cursor)
    assert fields == ["cursor"] and "sort=recent" in message
    fields, _ = await _error(history, "/api/data/", sort="recent", cursor=relevant["next_cursor"])
    assert fields == ["cursor"]
    # The same sort goes on where it left off.
    assert ids(await _page(history, sort="recent", limit=2, cursor=cursor), "posts") == ["p3", "p4"]


async def test_cursor_and_offset_together_are_a_422_naming_offset(history: Any) -> None:
    cursor = (await _page(history, sort="likes", limit=2))["next_cursor"]
    fields, message = await _error(history, "/api/data/", sort="likes", cursor=cursor, offset=2)
    assert fields == ["offset"] and "not both" in message
    # offset=0 is the default: with a cursor it is no conflict.
    assert (await _page(history, sort="likes", cursor=cursor, offset=0))["total"] == 5


@pytest.mark.parametrize(
    ("cursor", "sort", "says"),
    [(_cursor([50, 3]), "likes", "older version"),  # the format before cursors named their sort
     (_cursor(["likes", 2**64, 3]), "likes", "not a cursor"), (_cursor(["likes", 5, 2**64]), "likes", "not a cursor"),
     (_cursor(["likes", 5, 0]), "likes", "not a cursor"), (_cursor(["likes", True, 3]), "likes", "not a cursor"),
     (_cursor(["likes", "5", 3]), "likes", "not a cursor"), (_cursor(["likes", [5], 3]), "likes", "not a cursor"),
     (_cursor(["recent", "2026-11-30T00:00:00", 3]), "recent", "not a cursor"),  # no time zone
     (_cursor(["recent", 5, 3]), "recent", "not a cursor"), (_cursor(["newest", 5, 3]), "likes", "not a cursor"),
     (_cursor({"sort": "likes"}), "likes", "not a cursor"), (_cursor("[" * 5000), "likes", ""),
     ("!!!", "likes", "not a cursor"), ("x" * 201, "likes", "200")],
)  # fmt: skip
async def test_crafted_cursors_are_a_422_naming_cursor(history: Any, cursor: str, sort: str, says: str) -> None:
    fields, message = await _error(history, "/api/data/", sort=sort, cursor=cursor)
    assert fields == ["cursor"] and says in message, message


@pytest.mark.parametrize(
    ("params", "field", "other"),
    [({"min_likes": 100, "max_likes": 10}, "max_likes", "min_likes"),
     ({"min_comments": 5, "max_comments": 4}, "max_comments", "min_comments"),
     ({"min_engagement": 14, "max_engagement": 13}, "max_engagement", "min_engagement"),
     ({"published_after": "2026-11-29T00:00:00Z", "published_before": "2026-11-28T00:00:00Z"},
      "published_before", "published_after"),
     ({"published_after": "2026-11-28T08:00:00+08:00", "published_before": "2026-11-28T00:00:00Z"},
      "published_before", "published_after"),  # the same instant: [after, before) is empty
     ({"crawled_after": "2026-11-29T00:00:00+08:00", "crawled_before": "2026-11-28T00:00:00+08:00"},
      "crawled_before", "crawled_after")],
)  # fmt: skip
async def test_empty_ranges_are_a_422_naming_the_pair(
    history: Any, params: dict[str, Any], field: str, other: str
) -> None:
    for path, extra in (("/api/data/", {}), ("/api/data/search", {"q": "咖啡"}), ("/api/data/stats", {}),
                        ("/api/data/aggregate", {})):  # fmt: skip
        fields, message = await _error(history, path, **params, **extra)
        assert fields == [field] and other in message, (path, message)
    exported = await history.http.post("/api/data/export", json=params)
    assert exported.status_code == 422 and exported.json()["error"]["details"]["errors"][0]["field"] == field
    if field == "published_before":
        insights = await history.http.get("/api/insights", params=params)
        assert insights.status_code == 422 and other in insights.json()["error"]["message"], insights.text


async def test_bounds_that_meet_still_match(history: Any, ids: Any) -> None:
    assert ids(await _page(history, min_likes=10, max_likes=10), "posts") == ["p1"]
    assert ids(await _page(history, min_engagement=13, max_engagement=13), "posts") == ["p1"]


async def test_the_64_bit_edges_work_on_both_databases(history: Any, ids: Any) -> None:
    for name in ("min_likes", "min_comments", "min_shares", "min_engagement"):
        assert (await _page(history, **{name: INT64_MAX}))["total"] == 0, name
    for name in ("max_likes", "max_comments", "max_engagement"):
        assert (await _page(history, **{name: INT64_MAX}))["total"] == 5, name
    search = await history.http.get("/api/data/search", params={"q": "咖啡", "min_likes": INT64_MAX})
    assert search.status_code == 200 and search.json()["total"] == 0
    far = await _page(history, offset=MAX_OFFSET)
    assert far["posts"] == [] and far["total"] == 5
    created = await history.http.post("/api/crawl/", json={"platform": "weibo", "keywords": ["咖啡"]})
    task_id = created.json()["task_id"]
    tasks = await history.http.get("/api/crawl/tasks", params={"offset": MAX_OFFSET})
    assert tasks.status_code == 200 and tasks.json()["tasks"] == [] and tasks.json()["total"] == 1
    for path, name in ((f"/api/crawl/task/{task_id}/results", "page_size"), (f"/api/tools/dify/task/{task_id}",
                                                                             "max_posts")):  # fmt: skip
        last = await history.http.get(path, params={"page": MAX_PAGE, name: 100})
        assert last.status_code == 200, last.text
    # A cursor at the very top of the 64-bit range is a position like any other: every post is below it.
    top = _cursor(["likes", INT64_MAX, INT64_MAX])
    assert ids(await _page(history, sort="likes", cursor=top), "posts") == ["p4", "p2", "p1", "p3", "p5"]
    exported = await history.http.post("/api/data/export", json={"format": "jsonl", "min_likes": INT64_MAX,
                                                                  "limit": INT64_MAX})  # fmt: skip
    assert exported.status_code == 200 and exported.text == ""
