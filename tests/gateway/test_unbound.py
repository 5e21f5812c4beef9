"""Free plan: wrangler.toml with the queue sections commented out. Crawls are forwarded; a dead backend is a 502."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import ServerThread
from tests.gateway.conftest import Stack, start_stack

CRAWL = {"platform": "weibo", "keywords": ["咖啡"], "max_results": 12}

pytestmark = pytest.mark.slow  # starts wrangler (workerd) processes


@pytest.fixture(scope="module")
def unbound(sandbox_server: ServerThread) -> Iterator[Stack]:
    """Backend + gateway without the CRAWLER_QUEUE binding."""
    yield from start_stack(sandbox_server.url, queues=False)


def test_crawl_is_forwarded_without_a_queue(unbound: Stack) -> None:
    assert unbound.get("/health", key=None).json()["queue"] == "unbound"
    created = unbound.post("/api/crawl/", json=CRAWL, headers={"Idempotency-Key": "free-plan-1"})
    assert created.status_code == 202, created.text
    body = created.json()
    assert "queued" not in body and body["created"] is True, "the backend's own answer"
    assert body["status_url"] == f"{unbound.gateway.url}/api/crawl/status/{body['task_id']}"
    assert created.headers["Location"] == body["status_url"]
    final = unbound.wait_status(body["task_id"])
    assert final["status"] == "completed" and final["counts"]["posts"] > 0, final
    again = unbound.post("/api/crawl/", json=CRAWL, headers={"Idempotency-Key": "free-plan-1"})
    assert again.status_code == 200 and again.json()["task_id"] == body["task_id"], "Idempotency-Key is forwarded"


def test_backend_down_is_a_json_502(unbound: Stack) -> None:
    unbound.backend.__exit__(None, None, None)  # the backend stops; the gateway stays up
    for answer in (unbound.get("/api/crawl/tasks"), unbound.post("/api/crawl/", json=CRAWL),
                   unbound.get("/api/crawl/platforms")):  # fmt: skip
        assert answer.status_code == 502, answer.text
        assert answer.json()["error"]["code"] == "backend_unavailable"
        assert answer.headers["Content-Type"] == "application/json"
    assert unbound.get("/health", key=None).status_code == 200, "/health is answered at the edge"
