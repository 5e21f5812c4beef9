"""crawl waits at most wait_seconds: with no worker free it answers in time, not done, pointing at get_task."""

from __future__ import annotations

import time
from collections.abc import Callable

from keypick.api.app import create_app
from keypick.config import Settings
from tests.conftest import ServerThread
from tests.mcp.conftest import KEY, mcp_session, payload


async def test_crawl_answers_within_wait_seconds(make_settings: Callable[..., Settings], sandbox: ServerThread) -> None:
    # workers=0: the task stays pending (as when every worker is busy), so only the bound ends the wait.
    app = create_app(make_settings(sandbox_url=sandbox.url, api_keys_raw=KEY), workers=0)
    with ServerThread(app) as server:
        async with mcp_session(f"{server.url}/mcp", {"X-API-Key": KEY}) as session:
            started = time.monotonic()
            answer = payload(await session.call_tool("crawl", {"keywords": ["咖啡"], "wait_seconds": 2}))
            waited = time.monotonic() - started
            assert 2 <= waited < 8, waited  # generous: the machine may be busy; the point is it ends
            assert answer["status"] == "pending" and answer["done"] is False and answer["posts"] == []
            assert f"get_task with task_id={answer['task_id']}" in answer["next_step"]

            started = time.monotonic()
            at_once = payload(await session.call_tool("crawl", {"keywords": ["咖啡"], "wait_seconds": 0}))
            assert time.monotonic() - started < 5
            assert at_once["task_id"] == answer["task_id"] and at_once["reused"] is True

            polled = payload(await session.call_tool("get_task", {"task_id": answer["task_id"]}))
            assert polled["status"] == "pending" and polled["done"] is False
