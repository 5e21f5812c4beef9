"""Idempotency-Key under concurrency, on SQLite and PostgreSQL: racing duplicates all get the one task."""

from __future__ import annotations

import asyncio
from typing import Any


async def test_racing_requests_with_one_key_make_one_task(api: Any, database_url: str) -> None:
    async with api(workers=0, database_url=database_url) as client:
        payload = {"platform": "weibo", "keywords": ["咖啡", "抹茶"], "max_results": 30}
        answers = await asyncio.gather(*(
            client.http.post("/api/crawl/", json=payload, headers={"Idempotency-Key": "retry-42"}) for _ in range(8)
        ))  # fmt: skip
        assert sorted(a.status_code for a in answers) == [200] * 7 + [202]
        assert len({a.json()["task_id"] for a in answers}) == 1
        assert sum(a.json()["created"] for a in answers) == 1
        listed = (await client.http.get("/api/crawl/tasks")).json()
        assert listed["total"] == 1
        status = (await client.http.get(f"/api/crawl/status/{answers[0].json()['task_id']}")).json()
        assert [u["keyword"] for u in status["units"]] == ["咖啡", "抹茶"]  # units written once
        # A different key is a different task; no key at all is always a new task.
        other = await client.http.post("/api/crawl/", json=payload, headers={"Idempotency-Key": "retry-43"})
        plain = await client.http.post("/api/crawl/", json=payload)
        assert other.status_code == plain.status_code == 202
        assert len({answers[0].json()["task_id"], other.json()["task_id"], plain.json()["task_id"]}) == 3
