"""MCP test helpers: a real KeyPick server on loopback and sessions of the official MCP Python client."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2
import mcp_types
import pytest
from mcp.client.session import ClientSession, IncomingMessage
from mcp.client.streamable_http import streamable_http_client

from keypick.api.app import create_app
from keypick.config import Settings
from tests.conftest import ServerThread

KEY = "mcp-key-4f1e"
TOOLS = {"crawl", "get_task", "search_posts", "get_insights", "list_platforms"}
PLATFORMS = {"xiaohongshu", "douyin", "kuaishou", "bilibili", "weibo", "tieba", "zhihu"}


@pytest.fixture
def keypick(make_settings: Callable[..., Settings], sandbox: ServerThread) -> Iterator[ServerThread]:
    """KeyPick under uvicorn on a loopback port: API key required, two workers, crawling the sandbox."""
    app = create_app(make_settings(sandbox_url=sandbox.url, api_keys_raw=KEY), workers=2)
    with ServerThread(app) as server:
        yield server


@pytest.fixture
def keypick_each_db(
    make_settings: Callable[..., Settings], sandbox: ServerThread, database_url: str
) -> Iterator[ServerThread]:
    """The `keypick` server once on SQLite and once on the real PostgreSQL (different full-text search)."""
    settings = make_settings(sandbox_url=sandbox.url, api_keys_raw=KEY, database_url=database_url)
    with ServerThread(create_app(settings, workers=2)) as server:
        yield server


class Garbled:
    """A message handler keeping what the transport could not read (the SDK's default handler drops it)."""

    # Not a list subclass: the SDK takes `message_handler or default`, and an empty list is falsy.
    def __init__(self) -> None:
        self.errors: list[Exception] = []

    async def __call__(self, message: IncomingMessage) -> None:
        """Keep exceptions; notifications are not expected from these tools."""
        if isinstance(message, Exception):
            self.errors.append(message)


@asynccontextmanager
async def mcp_session(
    url: str, headers: dict[str, str] | None = None, transport: httpx2.AsyncBaseTransport | None = None
) -> AsyncIterator[ClientSession]:
    """An initialized MCP client session over streamable HTTP at `url` (optionally through an ASGI transport)."""
    garbled = Garbled()
    # A read timeout well under the test timeout: a hung server fails the test with a clear error.
    async with (
        httpx2.AsyncClient(headers=headers or {}, timeout=httpx2.Timeout(20, read=60), transport=transport) as http,
        streamable_http_client(url, http_client=http) as (read, write),
        ClientSession(read, write, message_handler=garbled) as session,
    ):
        await session.initialize()
        yield session
    assert not garbled.errors, garbled.errors


def payload(result: mcp_types.CallToolResult) -> dict[str, Any]:
    """Return a successful tool result's JSON object (structured content, and the same as the text block)."""
    assert not result.is_error, result.content
    assert isinstance(result.structured_content, dict)
    # Clients that only read text content (many do) get the same object.
    text = result.content[0]
    assert isinstance(text, mcp_types.TextContent)
    assert json.loads(text.text) == result.structured_content
    return result.structured_content


def error_text(result: mcp_types.CallToolResult) -> str:
    """Return a failed tool result's message."""
    assert result.is_error, result.structured_content
    text = result.content[0]
    assert isinstance(text, mcp_types.TextContent)
    return text.text
