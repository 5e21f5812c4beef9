"""`keypick mcp`: the MCP tools over stdio, against the local database, with an in-process worker pool.

stdout carries the protocol, so nothing else may write there: logs go to stderr (keypick.logs).
"""

from __future__ import annotations

import asyncio

from keypick import migrate
from keypick.api.runtime import Runtime
from keypick.config import Settings
from keypick.mcp import server as mcp_server
from keypick.search import tokenize


async def serve(settings: Settings, *, workers: int) -> None:
    """Migrate the database, start `workers` crawl slots and serve MCP on stdin/stdout until it closes."""
    runtime = Runtime.build(settings)
    try:
        await migrate.upgrade(runtime.engine, pg_search_index=settings.pg_search_index)
        # jieba's dictionary takes seconds to load: once, off the event loop, before the first search.
        await asyncio.to_thread(tokenize.warm)
        await runtime.import_env_cookies()
        # Without workers a crawl would stay pending unless a separate `keypick worker` shares the database.
        pool = runtime.make_pool(workers) if workers > 0 else None
        if pool:
            pool.start()
        try:
            await mcp_server.build(runtime).run_stdio_async()
        finally:
            if pool:
                await pool.stop()
    finally:
        await runtime.aclose()
