"""Politeness knobs reach a real crawl: spacing, daily budget and retries, against the sandbox over HTTP.

Only lower bounds on time are asserted (a crawl can never be faster than its politeness floor).
"""

from __future__ import annotations

import time
from typing import Any

import httpx

from keypick.config import Settings


def _requests(sandbox: Any) -> list[dict[str, Any]]:
    return list(httpx.get(f"{sandbox.url}/_sandbox/requests").json()["requests"])


async def _crawl(client: Any, max_results: int = 20) -> dict[str, Any]:
    created = await client.http.post(
        "/api/crawl/", json={"platform": "weibo", "keywords": ["咖啡"], "max_results": max_results}
    )
    status: dict[str, Any] = await client.wait_status(created.json()["task_id"], timeout=90)
    return status


async def test_min_interval_spaces_every_request(api: Any, sandbox: Any) -> None:
    weibo = {"min_interval": 0.3, "jitter": 0.0, "concurrency": 1, "max_retries": 0}
    async with api(sandbox_url=sandbox.url, weibo=weibo) as client:
        begin = time.monotonic()
        status = await _crawl(client)
        elapsed = time.monotonic() - begin
    assert status["status"] == "completed", status
    sent = len(_requests(sandbox))
    assert sent >= 3
    assert elapsed >= (sent - 1) * 0.3, (sent, elapsed)


async def test_daily_budget_stops_the_keyword(api: Any, sandbox: Any) -> None:
    weibo = {"min_interval": 0.0, "jitter": 0.0, "daily_budget": 2}
    async with api(sandbox_url=sandbox.url, weibo=weibo) as client:
        status = await _crawl(client, max_results=100)
    assert status["status"] == "partial", status
    assert status["units"][0]["stop_reason"] == "budget_exhausted"
    assert len(_requests(sandbox)) == 2 and status["counts"]["posts"] > 0


async def test_max_retries_decides_whether_a_5xx_run_recovers(api: Any, sandbox: Any) -> None:
    fast = {"min_interval": 0.0, "jitter": 0.0, "backoff_base": 0.01, "backoff_max": 0.05}
    httpx.post(f"{sandbox.url}/_sandbox/faults", json=["http_5xx@times=2"])
    async with api(sandbox_url=sandbox.url, weibo=fast | {"max_retries": 1}) as client:
        gave_up = await _crawl(client)
    assert gave_up["status"] == "failed" and gave_up["units"][0]["stop_reason"] == "error", gave_up
    httpx.post(f"{sandbox.url}/_sandbox/faults", json=["http_5xx@times=2"])
    async with api(sandbox_url=sandbox.url, weibo=fast | {"max_retries": 2}) as client:
        recovered = await _crawl(client)
    assert recovered["status"] == "completed", recovered


def test_knobs_come_from_the_environment(monkeypatch: Any) -> None:
    for knob, value in {"MIN_INTERVAL": "4.5", "JITTER": "0.5", "CONCURRENCY": "3", "DAILY_BUDGET": "10",
                        "MAX_RETRIES": "5", "BACKOFF_BASE": "1.5", "BACKOFF_MAX": "30"}.items():  # fmt: skip
        monkeypatch.setenv(f"KEYPICK_ZHIHU__{knob}", value)
    zhihu = Settings().politeness("zhihu")
    assert (zhihu.min_interval, zhihu.jitter, zhihu.concurrency, zhihu.daily_budget, zhihu.max_retries,
            zhihu.backoff_base, zhihu.backoff_max) == (4.5, 0.5, 3, 10, 5, 1.5, 30.0)  # fmt: skip
    assert Settings().politeness("weibo").min_interval == 2.0  # other platforms keep their defaults
