"""A Weibo crawl end to end: API → workers → real HTTP to the sandbox → storage → results, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import func, select

from keypick.content.models import CommentRow, EngagementSnapshotRow, PostRow
from keypick.tasks.models import KeywordHitRow


async def _count(client: Any, model: Any) -> int:
    async with client.app.state.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_crawl_weibo_end_to_end(api: Any, sandbox: Any, database_url: str) -> None:
    async with api(database_url=database_url, sandbox_url=sandbox.url, api_keys_raw="secret",
                   headers={"X-API-Key": "secret"}) as client:  # fmt: skip
        created = await client.http.post("/api/crawl/", json={
            "platform": "wb", "keywords": ["咖啡", "手冲"], "max_results": 25, "include_comments": True,
            "max_comments_per_post": 15, "crawl_author_details": True, "sort_by": "recent",
        })  # fmt: skip
        assert created.status_code == 202, created.text
        body = created.json()
        assert body["status"] == "pending" and body["status_url"].endswith(f"/api/crawl/status/{body['task_id']}")

        status = await client.wait_status(body["task_id"])
        assert status["status"] == "completed", status
        assert status["progress"] == 1.0
        for unit in status["units"]:
            assert unit["stop_reason"] == "max_results"
            assert unit["new_items"] == 25 and unit["pages_fetched"] == 3
            assert unit["skipped_cards"] >= 1  # the sandbox's non-post card on page 1
        assert status["counts"]["posts"] == 50
        assert status["counts"]["comments"] > 0

        results = await client.http.get(f"/api/crawl/task/{body['task_id']}/results",
                                         params={"page_size": 200, "sort_by": "likes"})  # fmt: skip
        data = results.json()
        assert data["total"] == 50 and len(data["results"]) == 50 and data["has_more"] is False
        posts = data["results"]
        ids = [p["id"] for p in posts]
        assert len(set(ids)) == 50
        likes = [p["likes"] for p in posts]
        assert likes == sorted(likes, reverse=True)
        for post in posts:
            assert isinstance(post["id"], str) and post["platform"] == "weibo"
            assert all(isinstance(post[k], int) for k in ("likes", "comments", "shares"))
            assert post["url"] == f"https://m.weibo.cn/detail/{post['id']}"
            assert post["task_id"] == body["task_id"]
            published = datetime.fromisoformat(post["publish_time"])
            assert published.utcoffset() is not None and published.utcoffset().total_seconds() == 0
            assert "<" not in post["content"]
            assert post["keywords"] and set(post["keywords"]) <= {"咖啡", "手冲"}
        # "100万+" in the real samples became an integer.
        assert 1_000_000 in {p["shares"] for p in posts} | {p["comments"] for p in posts}

        only = await client.http.get(
            f"/api/crawl/task/{body['task_id']}/results",
            params={"fields": "id,likes", "page_size": 5, "include_comments": True},
        )
        first = only.json()["results"][0]
        assert set(first) == {"id", "likes", "comment_list"}
        assert all(c["post_id"] == first["id"] for c in first["comment_list"])

        assert await _count(client, PostRow) == 50
        assert await _count(client, KeywordHitRow) == 50
        assert await _count(client, EngagementSnapshotRow) == 50
        assert await _count(client, CommentRow) == status["counts"]["comments"]


async def test_same_idempotency_key_same_task(api: Any, sandbox: Any) -> None:
    async with api(sandbox_url=sandbox.url, workers=0) as client:
        payload = {"platform": "weibo", "keywords": ["咖啡"]}
        first = await client.http.post("/api/crawl/", json=payload, headers={"Idempotency-Key": "abc"})
        again = await client.http.post("/api/crawl/", json=payload, headers={"Idempotency-Key": "abc"})
        assert first.status_code == 202 and again.status_code == 200
        assert first.json()["task_id"] == again.json()["task_id"] and again.json()["created"] is False
        other = await client.http.post("/api/crawl/", json=payload | {"max_results": 7},
                                       headers={"Idempotency-Key": "abc"})  # fmt: skip
        assert other.status_code == 409 and other.json()["error"]["code"] == "conflict"
        assert (await client.http.get("/api/crawl/tasks")).json()["total"] == 1


async def test_filters_and_end_of_results(api: Any, sandbox: Any) -> None:
    async with api(sandbox_url=sandbox.url) as client:
        created = await client.http.post("/api/crawl/", json={
            "platform": "weibo", "keywords": ["拿铁"], "max_results": 1000, "min_likes": 200000,
            "exclude_keywords": ["搬砖"],
        })  # fmt: skip
        status = await client.wait_status(created.json()["task_id"])
        assert status["status"] == "completed", status
        unit = status["units"][0]
        assert unit["stop_reason"] == "end_of_results"
        assert unit["filtered"] > 0
        assert unit["new_items"] + unit["filtered"] + unit["duplicates"] == unit["items_seen"]
        results = (await client.http.get(f"/api/crawl/task/{created.json()['task_id']}/results",
                                         params={"page_size": 200})).json()["results"]  # fmt: skip
        assert results and all(p["likes"] >= 200000 and "搬砖" not in p["content"] for p in results)


async def test_cancel_mid_task_keeps_collected(api: Any, sandbox: Any) -> None:
    httpx.post(f"{sandbox.url}/_sandbox/faults", json=["latency:300"])
    async with api(sandbox_url=sandbox.url) as client:
        created = await client.http.post(
            "/api/crawl/", json={"platform": "weibo", "keywords": ["咖啡"], "max_results": 1000}
        )
        task_id = created.json()["task_id"]
        for _ in range(200):
            status = (await client.http.get(f"/api/crawl/status/{task_id}")).json()
            if status["counts"]["posts"] > 0:
                break
            import asyncio

            await asyncio.sleep(0.05)
        cancel = await client.http.delete(f"/api/crawl/task/{task_id}")
        assert cancel.status_code == 200 and cancel.json()["cancel_requested"] is True
        status = await client.wait_status(task_id)
        assert status["status"] == "cancelled"
        assert status["units"][0]["stop_reason"] == "cancelled"
        assert status["counts"]["posts"] > 0
        again = await client.http.delete(f"/api/crawl/task/{task_id}")
        assert again.status_code == 409
