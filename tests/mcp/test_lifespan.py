"""/mcp lives exactly as long as the app: 503 outside it, working again after a restart, in any task or loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import httpx2
from fastapi import FastAPI

from keypick.api.app import create_app
from keypick.config import Settings
from tests.conftest import ServerThread
from tests.mcp.conftest import KEY, mcp_session, payload

BASE = "http://keypick.test"


async def crawl_and_count(app: FastAPI, keyword: str) -> int:
    """Crawl `keyword` through /mcp in-process; return how many stored posts search_posts finds for it."""
    async with mcp_session(f"{BASE}/mcp", transport=httpx2.ASGITransport(app=app)) as session:
        arguments = {"keywords": [keyword], "max_results": 12, "wait_seconds": 30}
        crawled = payload(await session.call_tool("crawl", arguments))
        assert crawled["status"] == "completed" and crawled["total_posts"] == 12, crawled
        found = payload(await session.call_tool("search_posts", {"query": keyword}))
        return int(found["total"])


async def mcp_status(app: FastAPI) -> int:
    """Status of a bare POST to /mcp, without a running lifespan."""
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url=BASE) as http:
        response = await http.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
        if response.status_code == 503:
            assert response.json()["error"]["code"] == "unavailable"
        return response.status_code


async def test_restart_in_process(make_settings: Callable[..., Settings], sandbox: ServerThread) -> None:
    app = create_app(make_settings(sandbox_url=sandbox.url), workers=1)
    assert await mcp_status(app) == 503
    async with app.router.lifespan_context(app):
        assert await crawl_and_count(app, "咖啡") == 12
    assert await mcp_status(app) == 503
    # A second start gets a new session manager (one may run only once) and new workers.
    async with app.router.lifespan_context(app):
        assert await crawl_and_count(app, "拿铁") == 12
        assert await crawl_and_count(app, "咖啡") == 12  # the first run's posts are still there, once
    assert await mcp_status(app) == 503


async def test_lifespan_started_and_stopped_in_different_tasks(
    make_settings: Callable[..., Settings], sandbox: ServerThread
) -> None:
    # As with async test fixtures and some servers: start-up and shut-down run in different tasks, which an
    # anyio task group entered directly by the lifespan would refuse ("exit cancel scope in a different task").
    app = create_app(make_settings(sandbox_url=sandbox.url), workers=1)
    for keyword in ("咖啡", "拿铁"):
        lifespan = app.router.lifespan_context(app)
        await asyncio.create_task(lifespan.__aenter__())
        assert await crawl_and_count(app, keyword) == 12
        await asyncio.create_task(lifespan.__aexit__(None, None, None))
        assert await mcp_status(app) == 503


def test_restart_under_uvicorn(make_settings: Callable[..., Settings], sandbox: ServerThread) -> None:
    # Each uvicorn run has its own thread and event loop; /mcp must come back in the new one.
    app = create_app(make_settings(sandbox_url=sandbox.url, api_keys_raw=KEY), workers=1)

    async def listed(url: str) -> set[str]:
        async with mcp_session(f"{url}/mcp?key={KEY}") as session:
            payload(await session.call_tool("list_platforms", {}))
            return {tool.name for tool in (await session.list_tools()).tools}

    for _ in range(2):
        with ServerThread(app) as server:
            assert "crawl" in asyncio.run(listed(server.url))
            assert httpx.get(f"{server.url}/health").status_code == 200
