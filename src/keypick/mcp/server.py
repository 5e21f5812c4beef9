"""The MCPServer and its tools; each tool calls the same services as the HTTP API.

Schemas are flat and explicit for Dify's MCP client (dify.md §5): every parameter has a type, a description
and a default unless required; arrays carry `items`; nothing is nullable, so no list-typed `type` ever
starts with "null". Expected failures (bad input, unknown task) come back as tool errors the model can read.
"""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp_types import CallToolResult, InputRequiredResult, ToolAnnotations
from pydantic import ValidationError as PydanticValidationError

from keypick import __version__
from keypick.api.runtime import Runtime
from keypick.dify import service as dify_service
from keypick.enums import PLATFORM_ALIASES, SortBy
from keypick.mcp import history
from keypick.mcp.errors import describe, tool_errors
from keypick.mcp.params import (
    IncludeComments,
    Keywords,
    MaxPosts,
    MaxResults,
    Page,
    Platform,
    Sort,
    TaskId,
    TimeRange,
    WaitSeconds,
)
from keypick.tasks import router as tasks_router
from keypick.tasks import service as task_service

INSTRUCTIONS = (
    "KeyPick collects public posts from Chinese social platforms by keyword and keeps a searchable history. "
    "Use crawl to fetch fresh posts (it waits up to wait_seconds; if done is false, call get_task with the "
    "task_id a few seconds later), search_posts to search everything collected so far, get_insights for "
    "keywords, sentiment, volume and top posts and authors, and list_platforms to see which platforms work."
)
CRAWL_DESCRIPTION = (
    "Search a platform for public posts matching the keywords. Starts a crawl (or reuses the same crawl started "
    "in the last 10 minutes), waits up to wait_seconds, and returns task_id, status, done, per-keyword counts and "
    "compact posts (id, platform, title, text, url, author, publish_time, likes, comments, shares, collects). "
    "If done is false, call get_task with the task_id a few seconds later."
)
GET_TASK_DESCRIPTION = (
    "Return the status of a crawl task and a page of its compact posts, sorted by sort_by. Use the task_id "
    "that crawl returned; page through the posts with page and max_posts."
)
PLATFORMS_DESCRIPTION = (
    "List the platforms KeyPick knows: whether each can be crawled here, its short names, what it supports "
    "(comments, native sorts, time filter) and whether it needs a logged-in account."
)
#: Capability fields worth an LLM's context; politeness and page sizes are operator detail.
_CAPABILITIES = ("comments", "replies", "native_sorts", "native_time_filter", "needs_account", "needs_browser", "notes")


def platform_summary(found: dict[str, Any]) -> dict[str, Any]:
    """Return the GET /api/crawl/platforms answer trimmed to what a model needs, with each platform's aliases."""
    items = []
    for item in found["platforms"]:
        caps = item["capabilities"] or {}
        items.append({
            "platform": item["platform"], "available": item["enabled"],
            "aliases": sorted(alias for alias, p in PLATFORM_ALIASES.items() if p.value == item["platform"]),
            "accounts_configured": item["accounts_configured"], "accounts_healthy": item["accounts_healthy"],
            "capabilities": {k: caps[k] for k in _CAPABILITIES if k in caps},
        })  # fmt: skip
    return {"platforms": items, "sandbox": found["sandbox"]}


class Server(MCPServer[Any]):
    """MCPServer whose argument errors are one short line per field (the SDK's are pydantic's full dump)."""

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        """Call the tool; arguments that fail the input schema give "field: message" tool errors."""
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            cause = exc.__cause__
            if isinstance(exc, UnexpectedToolError) or not isinstance(cause, PydanticValidationError):
                raise
            # Same cause kept: the SDK logs argument rejections by field name only, never the values.
            raise ToolError(f"Error executing tool {name}: {describe(cause)}") from cause


def build(runtime: Runtime) -> MCPServer[Any]:
    """Return the MCP server whose tools run against this runtime's database and worker pool."""
    server = Server("keypick", title="KeyPick", version=__version__, instructions=INSTRUCTIONS)
    read_only = ToolAnnotations(read_only_hint=True, open_world_hint=False)
    text_chars = runtime.settings.dify_text_chars

    @tool_errors
    async def crawl(
        keywords: Keywords,
        platform: Platform = "weibo",
        max_results: MaxResults = 20,
        time_range: TimeRange = "all",
        sort_by: Sort = "hot",
        include_comments: IncludeComments = False,
        wait_seconds: WaitSeconds = 45,
        max_posts: MaxPosts = 20,
    ) -> dict[str, Any]:
        """Create or reuse the crawl, wait a bounded time, return status and compact posts."""
        request = dify_service.crawl_request(
            platform=platform, keywords=keywords, max_results=max_results, time_range=time_range, sort_by=sort_by,
            include_comments=include_comments,
        )  # fmt: skip
        return await dify_service.crawl(
            runtime.sessions, request, pool=runtime.pool, wait_seconds=wait_seconds, max_posts=max_posts,
            text_chars=text_chars, poll_tool="get_task",
        )  # fmt: skip

    @tool_errors
    async def get_task(
        task_id: TaskId, page: Page = 1, max_posts: MaxPosts = 20, sort_by: Sort = "hot"
    ) -> dict[str, Any]:
        """Return a task's status and a page of its compact posts."""
        async with runtime.sessions() as session:
            task = await task_service.get(session, task_id=task_id)
        return await dify_service.task_answer(
            runtime.sessions, task, base_url="", max_posts=max_posts, page=page, text_chars=text_chars,
            sort_by=SortBy(sort_by), poll_tool="get_task",
        )  # fmt: skip

    @tool_errors
    async def list_platforms() -> dict[str, Any]:
        """Return every platform with availability, aliases, capabilities and accounts."""
        # The HTTP route function is the one place that joins the registry with the account pool.
        return platform_summary(await tasks_router.platforms(runtime))

    write = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=True)
    server.add_tool(crawl, name="crawl", title="Crawl posts by keyword", description=CRAWL_DESCRIPTION,
                    annotations=write)  # fmt: skip
    server.add_tool(get_task, name="get_task", title="Get a crawl task", description=GET_TASK_DESCRIPTION,
                    annotations=read_only)  # fmt: skip
    history.add_tools(server, runtime, annotations=read_only)
    server.add_tool(list_platforms, name="list_platforms", title="List platforms", description=PLATFORMS_DESCRIPTION,
                    annotations=read_only)  # fmt: skip
    return server
