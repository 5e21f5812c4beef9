"""Queued crawls that never reach the backend: retried with backoff, dead-lettered, and failed in their status."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.conftest import ServerThread
from tests.gateway.conftest import Stack, start_stack

pytestmark = pytest.mark.slow  # starts wrangler (workerd) processes


@pytest.fixture(scope="module")
def misrouted(sandbox_server: ServerThread) -> Iterator[Stack]:
    """A gateway whose BACKEND_URL names a path the backend does not serve (every answer is 404)."""
    yield from start_stack(sandbox_server.url, backend_path="/not-keypick", QUEUE_RETRY_BASE_SECONDS="1")


def test_undeliverable_crawl_ends_failed_after_retries(misrouted: Stack) -> None:
    accepted = misrouted.post("/api/crawl/", json={"platform": "weibo", "keywords": ["咖啡"]})
    assert accepted.status_code == 202
    task_id = accepted.json()["task_id"]
    queued = misrouted.get(f"/api/crawl/status/{task_id}")
    assert queued.status_code == 200 and queued.headers["X-Task-Source"] == "gateway-queue"
    final = misrouted.wait_status(task_id, timeout=90, interval=1)
    assert final["status"] == "failed", final
    assert final["error"] == ("the crawl could not be handed to the backend: its retries ran out "
                              "(last: backend answered 404)"), final["error"]  # fmt: skip
    # max_retries = 3 in env.development: four deliveries with growing delays, then the dead-letter queue.
    logs = misrouted.gateway.logs()
    delays = [int(d) for d in re.findall(r'"event":"crawl_delivery_retry".*?"delay_seconds":(\d+)', logs)]
    assert delays == [1, 2, 4, 8], logs
    assert "to dead letter queue" in logs and '"crawl_dead_lettered"' in logs
