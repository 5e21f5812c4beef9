"""/internal/tasks: the gateway's queue consumer creates tasks under its own ids, idempotently."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

REQUEST = {"platform": "weibo", "keywords": ["咖啡"], "max_results": 12}


async def test_accepts_queued_crawl_idempotently(api: Any, sandbox: Any) -> None:
    async with api(sandbox_url=sandbox.url, internal_key="gw-secret", api_keys_raw="user-key") as client:
        task_id = uuid.uuid4().hex
        body = {"task_id": task_id, "request": REQUEST}
        headers = {"X-Internal-Key": "gw-secret"}
        first = await client.http.post("/internal/tasks", json=body, headers=headers)
        assert first.status_code == 201 and first.json() == {"task_id": task_id, "status": "pending", "created": True}
        again = await client.http.post("/internal/tasks", json=body, headers=headers)
        assert again.status_code == 200 and again.json()["created"] is False
        changed = {"task_id": task_id, "request": REQUEST | {"max_results": 5}}
        other = await client.http.post("/internal/tasks", json=changed, headers=headers)
        assert other.status_code == 409
        client.http.headers["X-API-Key"] = "user-key"
        assert (await client.wait_status(task_id))["status"] == "completed"


@pytest.mark.parametrize("headers", [{}, {"X-Internal-Key": "wrong"}, {"X-API-Key": "user-key"}])
async def test_only_the_gateway_may_call(api: Any, headers: dict[str, str]) -> None:
    async with api(workers=0, internal_key="gw-secret", api_keys_raw="user-key") as client:
        response = await client.http.post("/internal/tasks", json={"task_id": uuid.uuid4().hex, "request": REQUEST},
                                          headers=headers)  # fmt: skip
        assert response.status_code == 401


async def test_internal_disabled_without_key(api: Any) -> None:
    async with api(workers=0) as client:
        response = await client.http.post("/internal/tasks", json={"task_id": uuid.uuid4().hex, "request": REQUEST},
                                          headers={"X-Internal-Key": ""})  # fmt: skip
        assert response.status_code == 401


async def test_bad_task_id(api: Any) -> None:
    async with api(workers=0, internal_key="k") as client:
        response = await client.http.post("/internal/tasks", json={"task_id": "x", "request": REQUEST},
                                          headers={"X-Internal-Key": "k"})  # fmt: skip
        assert response.status_code == 422 and "task_id" in response.json()["error"]["message"]
