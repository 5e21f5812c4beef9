"""`keypick mcp` spawned as a subprocess and driven over stdio by the official MCP client."""

from __future__ import annotations

import sys
from pathlib import Path

from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from tests.conftest import ServerThread
from tests.mcp.conftest import PLATFORMS, TOOLS, Garbled, error_text, payload

KEYPICK = Path(sys.executable).with_name("keypick")


async def test_stdio_lists_crawls_and_searches(sandbox: ServerThread, tmp_path: Path) -> None:
    data = tmp_path / "mcp-data"
    env = {"KEYPICK_DATA_DIR": str(data), "KEYPICK_SANDBOX_URL": sandbox.url, "KEYPICK_LOG_LEVEL": "INFO",
           "KEYPICK_WEIBO__MIN_INTERVAL": "0", "KEYPICK_WEIBO__JITTER": "0"}  # fmt: skip
    server = StdioServerParameters(command=str(KEYPICK), args=["mcp", "--workers", "1"], env=env, cwd=tmp_path)
    stderr, garbled = tmp_path / "stderr.log", Garbled()
    with stderr.open("w") as errlog:
        async with (
            stdio_client(server, errlog=errlog) as (read, write),
            ClientSession(read, write, message_handler=garbled) as session,
        ):
            info = await session.initialize()
            assert info.server_info.name == "keypick" and info.instructions and "search_posts" in info.instructions
            assert {tool.name for tool in (await session.list_tools()).tools} == TOOLS

            platforms = payload(await session.call_tool("list_platforms", {}))
            assert {p["platform"] for p in platforms["platforms"]} == PLATFORMS
            assert platforms["sandbox"]

            arguments = {"platform": "weibo", "keywords": ["拿铁"], "max_results": 12, "wait_seconds": 30}
            crawled = payload(await session.call_tool("crawl", arguments | {"max_posts": 50}))
            assert crawled["status"] == "completed" and crawled["total_posts"] == 12, crawled
            ids = {p["id"] for p in crawled["posts"]}
            assert len(ids) == 12

            task = payload(await session.call_tool("get_task", {"task_id": crawled["task_id"], "max_posts": 5}))
            assert task["status"] == "completed" and len(task["posts"]) == 5 and task["has_more"]

            found = payload(await session.call_tool("search_posts", {"query": "拿铁", "limit": 50}))
            assert found["total"] == 12 and {p["id"] for p in found["posts"]} == ids
            assert "keywords:" in error_text(await session.call_tool("crawl", {"keywords": []}))
    # Logs went to stderr: stdout carried nothing but protocol messages. The database is the one the env named.
    assert not garbled.errors, garbled.errors
    assert (data / "keypick.db").is_file()
    assert f"task {crawled['task_id']} ended completed" in stderr.read_text()
