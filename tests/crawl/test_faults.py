"""Each injected fault kind gives the right stop_reason and task status, with no crash and nothing lost."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

# (fault, expected task status, expected stop_reason, posts kept)
# "after=1" lets the first search page through, so its 12 posts must survive the failure.
CASES = [
    ("http_432@after=1", "partial", "risk_control", 12),
    ("http_418@after=1", "partial", "risk_control", 12),
    ("http_432", "failed", "risk_control", 0),
    ("login_expired@after=1", "partial", "login_required", 12),
    ("verification@after=1", "partial", "verification_required", 12),
    ("business_error@after=1", "partial", "error", 12),
    ("malformed_json@after=1", "partial", "error", 12),
    ("http_5xx@after=1", "partial", "error", 12),
    ("http_429@after=1", "partial", "rate_limited", 12),
    ("timeout@after=1", "partial", "error", 12),
    ("empty_page@after=1", "completed", "end_of_results", 12),
    ("http_429@times=2", "completed", "max_results", 30),
    ("http_5xx@times=2", "completed", "max_results", 30),
    ("latency:150", "completed", "max_results", 30),
]


@pytest.mark.parametrize(("fault", "status", "reason", "kept"), CASES, ids=[c[0] for c in CASES])
async def test_fault(api: Any, sandbox: Any, fault: str, status: str, reason: str, kept: int) -> None:
    assert httpx.post(f"{sandbox.url}/_sandbox/faults", json=[fault]).status_code == 200
    async with api(sandbox_url=sandbox.url, http_timeout=1.0) as client:
        created = await client.http.post(
            "/api/crawl/", json={"platform": "weibo", "keywords": ["咖啡"], "max_results": 30}
        )
        task_id = created.json()["task_id"]
        final = await client.wait_status(task_id, timeout=60)
        assert final["status"] == status, final
        unit = final["units"][0]
        assert unit["stop_reason"] == reason, unit
        assert final["counts"]["posts"] == kept
        if status != "completed":
            assert final["error"] and reason in final["error"]
            assert unit["error"]
        results = (await client.http.get(f"/api/crawl/task/{task_id}/results", params={"page_size": 200})).json()
        assert results["total"] == kept and len({p["id"] for p in results["results"]}) == kept


async def test_comment_failure_keeps_posts_and_stops(api: Any, sandbox: Any) -> None:
    httpx.post(f"{sandbox.url}/_sandbox/faults", json=["http_432@path=/comments/hotflow,after=2"])
    async with api(sandbox_url=sandbox.url) as client:
        created = await client.http.post(
            "/api/crawl/", json={"platform": "weibo", "keywords": ["咖啡"], "max_results": 30, "include_comments": True}
        )
        final = await client.wait_status(created.json()["task_id"])
        assert final["status"] == "partial"
        assert final["units"][0]["stop_reason"] == "risk_control"
        # The page whose comments hit the block is still stored.
        assert final["counts"]["posts"] == 12
        assert final["counts"]["comments"] > 0
