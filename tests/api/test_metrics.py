"""Prometheus metrics: requests by route template, tasks by status, queue depth, items, platform outcomes."""

from __future__ import annotations

from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}  # fmt: skip


def _value(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_metrics_after_a_crawl(api: Any, sandbox: Any) -> None:
    async with api(sandbox_url=sandbox.url) as client:
        before = _samples((await client.http.get("/metrics")).text)
        created = await client.http.post(
            "/api/crawl/", json={"platform": "weibo", "keywords": ["咖啡"], "max_results": 12}
        )
        await client.wait_status(created.json()["task_id"])
        httpx.post(f"{sandbox.url}/_sandbox/faults", json=["http_432"])
        blocked = await client.http.post("/api/crawl/", json={"platform": "weibo", "keywords": ["抹茶"]})
        await client.wait_status(blocked.json()["task_id"])
        pending = await client.http.post("/api/crawl/", json={"platform": "weibo", "keywords": ["x"]})
        await client.http.delete(f"/api/crawl/task/{pending.json()['task_id']}")
        response = await client.http.get("/metrics")
        assert response.headers["content-type"].startswith("text/plain")
        after = _samples(response.text)

    def delta(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert _value(after, "keypick_tasks", status="completed") == 1
    assert _value(after, "keypick_tasks", status="failed") == 1
    assert _value(after, "keypick_tasks", status="cancelled") == 1
    assert _value(after, "keypick_queue_depth") == 0
    assert delta("keypick_items_ingested_total", platform="weibo", kind="post") == 12
    assert delta("keypick_platform_requests_total", platform="weibo", outcome="ok") >= 2
    assert delta("keypick_platform_requests_total", platform="weibo", outcome="risk_control") == 1
    route = "/api/crawl/status/{task_id}"
    assert delta("keypick_http_requests_total", method="GET", route=route, status="200") >= 1
