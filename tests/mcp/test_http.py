"""/mcp over streamable HTTP with the official MCP client, against KeyPick running under uvicorn."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest
from mcp.client.session import ClientSession
from mcp.shared.exceptions import MCPError

from keypick.logs import RedactingFilter
from tests.conftest import ServerThread
from tests.mcp.conftest import KEY, PLATFORMS, TOOLS, error_text, mcp_session, payload

AUTH = {
    "X-API-Key header": ("/mcp", {"X-API-Key": KEY}),
    "Bearer": ("/mcp", {"Authorization": f"Bearer {KEY}"}),
    "key in the URL": (f"/mcp?key={KEY}", {}),
}


@pytest.mark.parametrize("mode", list(AUTH))
async def test_each_auth_mode_lists_and_calls(keypick: ServerThread, mode: str) -> None:
    path, headers = AUTH[mode]
    async with mcp_session(keypick.url + path, headers) as session:
        assert {tool.name for tool in (await session.list_tools()).tools} == TOOLS
        platforms = payload(await session.call_tool("list_platforms", {}))["platforms"]
        assert {p["platform"] for p in platforms} == PLATFORMS
        weibo = next(p for p in platforms if p["platform"] == "weibo")
        assert weibo["available"] is True and "wb" in weibo["aliases"]
        assert set(weibo["capabilities"]) >= {"comments", "native_sorts", "needs_account"}


@pytest.mark.parametrize(
    ("path", "headers"),
    [("/mcp", {}), ("/mcp", {"X-API-Key": "wrong"}), ("/mcp", {"Authorization": "Bearer wrong"}),
     ("/mcp?key=wrong", {}), ("/mcp?key=", {})],
)  # fmt: skip
def test_missing_or_wrong_key_is_401(keypick: ServerThread, path: str, headers: dict[str, str]) -> None:
    params = {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": params}
    accept = {"Accept": "application/json, text/event-stream"}
    response = httpx.post(keypick.url + path, json=init, headers=headers | accept)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert response.headers["www-authenticate"] == "Bearer"
    # The same request with the key is answered.
    assert httpx.post(keypick.url + "/mcp", json=init, headers=accept | {"X-API-Key": KEY}).status_code == 200


async def test_official_client_fails_fast_without_the_key(keypick: ServerThread) -> None:
    with pytest.raises(BaseExceptionGroup) as failed:
        async with mcp_session(f"{keypick.url}/mcp?key=wrong"):
            pass
    assert failed.group_contains(MCPError, match="error response")


async def test_schemas_are_complete(keypick: ServerThread) -> None:
    async with mcp_session(keypick.url + "/mcp", {"X-API-Key": KEY}) as session:
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
    required = {"crawl": ["keywords"], "get_task": ["task_id"], "search_posts": ["query"]}
    for name, tool in tools.items():
        assert tool.description and len(tool.description) > 40, name
        schema = tool.input_schema
        assert schema["type"] == "object"
        assert schema.get("required", []) == required.get(name, []), name
        for field, prop in schema["properties"].items():
            where = f"{name}.{field}"
            # Dify reads `type` (a list's first element) and the description; anyOf would become "string".
            assert isinstance(prop.get("type"), str) and "anyOf" not in prop, where
            assert len(prop.get("description", "")) > 10, where
            assert (field in schema.get("required", [])) != ("default" in prop), where
            if prop["type"] == "array":
                assert prop["items"] == {"type": "string"}, where
            if prop["type"] == "integer":  # within 64 bits: SQLite's INTEGER and PostgreSQL's BIGINT
                assert prop["minimum"] >= -(2**63) and prop["maximum"] <= 2**63 - 1, where
    crawl = tools["crawl"].input_schema["properties"]
    assert list(crawl) == ["keywords", "platform", "max_results", "time_range", "sort_by", "include_comments",
                           "wait_seconds", "max_posts"]  # fmt: skip
    assert crawl["keywords"]["minItems"] == 1 and crawl["keywords"]["maxItems"] == 20
    assert crawl["wait_seconds"]["maximum"] == 55 and crawl["wait_seconds"]["default"] == 45
    assert crawl["sort_by"]["enum"] == ["hot", "recent", "likes", "comments", "shares"]
    assert "One of: weibo, xiaohongshu" in crawl["platform"]["description"]
    assert tools["list_platforms"].input_schema["properties"] == {}
    assert tools["crawl"].annotations and tools["crawl"].annotations.read_only_hint is False
    assert all(tools[n].annotations.read_only_hint for n in TOOLS - {"crawl"})  # type: ignore[union-attr]


async def crawl_coffee(session: ClientSession) -> tuple[str, dict[str, dict[str, Any]]]:
    """Crawl the sandbox's Weibo for 咖啡 and 手冲 (20 posts each) through the crawl tool; the task id and posts."""
    arguments = {"platform": "wb", "keywords": ["咖啡", "手冲"], "max_results": 20, "wait_seconds": 30}
    arguments["max_posts"] = 100
    crawled = payload(await session.call_tool("crawl", arguments))
    assert crawled["status"] == "completed" and crawled["done"] is True and crawled["reused"] is False
    assert [(k["keyword"], k["posts"]) for k in crawled["keywords"]] == [("咖啡", 20), ("手冲", 20)]
    posts = {p["id"]: p for p in crawled["posts"]}
    assert crawled["total_posts"] == len(posts) == 40 and not crawled["has_more"]
    assert all(p["platform"] == "weibo" and p["url"].startswith("https://m.weibo.cn/") for p in posts.values())
    return crawled["task_id"], posts


async def test_crawl_get_task_and_search(keypick_each_db: ServerThread) -> None:
    async with mcp_session(f"{keypick_each_db.url}/mcp", {"Authorization": f"Bearer {KEY}"}) as session:

        async def call(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
            return payload(await session.call_tool(name, arguments))

        task_id, posts = await crawl_coffee(session)
        # A retry (a comma string this time) reuses the task instead of crawling again.
        again = await call(
            "crawl", {"platform": "weibo", "keywords": "咖啡，手冲", "max_results": 20, "wait_seconds": 0}
        )
        assert again["task_id"] == task_id and again["reused"] is True and again["done"] is True

        page1 = await call("get_task", {"task_id": task_id, "max_posts": 15, "sort_by": "likes"})
        page3 = await call("get_task", {"task_id": task_id, "max_posts": 15, "page": 3, "sort_by": "likes"})
        assert page1["status"] == "completed" and page1["has_more"] and "page=2" in page1["next_step"]
        assert [p["likes"] for p in page1["posts"]] == sorted((p["likes"] for p in page1["posts"]), reverse=True)
        assert len(page3["posts"]) == 10 and not page3["has_more"]
        assert {p["id"] for p in page1["posts"]}.isdisjoint(p["id"] for p in page3["posts"])
        assert {p["id"] for p in page1["posts"] + page3["posts"]} <= set(posts)

        # 高考 is in the replayed posts' own text (not the search keyword): exactly those posts are found.
        expected = {pid for pid, p in posts.items() if "高考" in p["text"]}
        assert len(expected) == 4
        found = await call("search_posts", {"query": "高考", "task_ids": [task_id], "limit": 50})
        assert found["total"] == 4 and {p["id"] for p in found["posts"]} == expected
        assert all("<mark>高考</mark>" in p["snippet"] and p["score"] > 0 for p in found["posts"])
        by_keyword = await call("search_posts", {"query": "高考", "keywords": "手冲", "platforms": ["wb"]})
        assert {p["id"] for p in by_keyword["posts"]} == {pid for pid in expected if "#手冲#" in posts[pid]["text"]}
        excluded = await call("search_posts", {"query": "咖啡 -高考", "limit": 50})
        coffee = {pid for pid, p in posts.items() if "咖啡" in p["text"] and "高考" not in p["text"]}
        assert excluded["total"] == len(coffee) == 18 and {p["id"] for p in excluded["posts"]} <= coffee


async def test_insights_cite_the_crawled_posts(keypick: ServerThread) -> None:
    async with mcp_session(f"{keypick.url}/mcp", {"X-API-Key": KEY}) as session:
        task_id, posts = await crawl_coffee(session)
        result = await session.call_tool("get_insights", {"task_ids": [task_id], "top_n": 5, "max_citations": 3})
        insights = payload(result)
    assert insights["sample"]["posts"] == 40 and insights["sample"]["sufficient"] is True
    assert insights["search_keywords"] == ["咖啡", "手冲"]
    assert len(insights["keywords"]) == 5 and all(1 <= len(k["post_ids"]) <= 3 for k in insights["keywords"])
    cited = [pid for k in insights["keywords"] for pid in k["post_ids"]]
    cited += [pid for bucket in insights["sentiment"]["split"] for pid in bucket["post_ids"]]
    cited += [p["id"] for p in insights["top_posts"]]
    assert cited and set(cited) <= set(posts)
    # Every post's text is where its top keyword came from.
    for keyword in insights["keywords"]:
        assert all(keyword["word"] in posts[pid]["text"] for pid in keyword["post_ids"]), keyword
    assert "per_post" not in insights["sentiment"]


EMPTY_RANGE = {"published_after": "2025-02-01T00:00:00+08:00", "published_before": "2025-01-01T00:00:00+08:00"}
BAD: list[tuple[str, dict[str, Any], str]] = [
    ("crawl", {}, "keywords: Field required"),
    ("crawl", {"keywords": []}, "keywords:"),
    ("crawl", {"keywords": [" , ", "，"]}, "keywords:"),
    ("crawl", {"keywords": ["咖啡"], "wait_seconds": 99}, "wait_seconds:"),
    ("crawl", {"keywords": ["咖啡"], "platform": "myspace"}, "platform: unknown platform 'myspace'"),
    ("crawl", {"keywords": ["咖啡"], "time_range": "2w"}, "time_range:"),
    ("crawl", {"keywords": ["咖啡"], "sort_by": "random"}, "sort_by:"),
    ("crawl", {"keywords": ["咖啡"], "max_results": "many"}, "max_results:"),
    ("get_task", {"task_id": "no-such-task"}, "task 'no-such-task' does not exist"),
    ("get_task", {"task_id": "x", "page": 0}, "page:"),
    ("search_posts", {"query": "-咖啡"}, "query: give at least one word"),
    ("search_posts", {"query": "咖啡", "published_after": "2025-01-01"}, "published_after: needs a time zone"),
    ("search_posts", {"query": "咖啡", "limit": 500}, "limit:"),
    ("search_posts", {"query": "咖啡", "min_likes": 2**64}, "min_likes:"),
    ("search_posts", {"query": "咖啡"} | EMPTY_RANGE, "published_before: must be later than published_after"),
    ("get_insights", EMPTY_RANGE, "published_before: must be later than published_after"),
    ("get_insights", {"platforms": ["myspace"]}, "platforms: unknown platform"),
    ("get_insights", {"top_n": 0}, "top_n:"),
]


async def test_bad_arguments_are_tool_errors_naming_the_field(keypick: ServerThread) -> None:
    async with mcp_session(f"{keypick.url}/mcp?key={KEY}") as session:
        for name, arguments, expected in BAD:
            message = error_text(await session.call_tool(name, arguments))
            assert message.startswith(f"Error executing tool {name}: ") and expected in message, (arguments, message)
            # One short line per field: no pydantic dump, links or echoed input.
            assert "\n" not in message and "pydantic" not in message and "input_value" not in message, message
        assert "Unknown tool" in error_text(await session.call_tool("drop_tables", {}))
        # Nothing crashed: the session still works, and the bad crawls created no task.
        found = payload(await session.call_tool("search_posts", {"query": "咖啡"}))
        assert found["total"] == 0
    response = httpx.get(f"{keypick.url}/api/crawl/tasks", headers={"X-API-Key": KEY})
    assert response.status_code == 200, response.text
    assert response.json()["total"] == 0


def test_key_in_the_url_stays_out_of_the_access_log(keypick: ServerThread) -> None:
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    handler = Collect()
    handler.addFilter(RedactingFilter())  # as keypick.logs installs it on the root handler
    access = logging.getLogger("uvicorn.access")
    level = access.level
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        httpx.post(f"{keypick.url}/mcp?key={KEY}", json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
    finally:
        access.removeHandler(handler)
        access.setLevel(level)
    assert any("/mcp?key=***" in line for line in lines), lines
    assert not any(KEY in line for line in lines)


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_no_sse_stream_or_session_to_end(keypick: ServerThread, method: str) -> None:
    # Stateless JSON: a GET must not open an event stream that never says anything (the spec allows 405).
    headers = {"X-API-Key": KEY, "Accept": "text/event-stream"}
    response = httpx.request(method, f"{keypick.url}/mcp", headers=headers, timeout=5)
    assert response.status_code == 405 and response.headers["allow"] == "POST"
