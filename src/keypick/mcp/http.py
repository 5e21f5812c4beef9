"""/mcp: the MCP tools over streamable HTTP (stateless, JSON answers), behind the API key, inside the FastAPI app.

Stateless so any replica can answer any request and nothing needs sticky sessions; JSON rather than SSE
answers because Dify and the older community MCP plugins expect them (dify.md §5). The key may come as a
header or as ?key= in the URL, for MCP clients whose forms have no header field.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException
from mcp.server.mcpserver import MCPServer
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from keypick.api import auth, errors
from keypick.api.runtime import Runtime
from keypick.mcp import server as mcp_server

PATH = "/mcp"


class McpEndpoint:
    """The ASGI app at /mcp: checks the key, then hands the request to the running session manager."""

    def __init__(self, runtime: Runtime) -> None:
        self.settings = runtime.settings
        self.server: MCPServer = mcp_server.build(runtime)
        self.manager: StreamableHTTPSessionManager | None = None

    @asynccontextmanager
    async def run(self) -> AsyncIterator[None]:
        """Run a session manager for the app's lifetime; requests are refused (503) outside it."""
        # A session manager runs only once, so each lifespan gets a new one: an app may be started again.
        # DNS-rebinding checks are off: /mcp needs the API key like the rest of the API, and its Host is
        # whatever public name or proxy fronts KeyPick.
        self.server.streamable_http_app(
            streamable_http_path=PATH, stateless_http=True, json_response=True,
            transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
        )  # fmt: skip
        manager = self.server.session_manager
        ready, stop = asyncio.Event(), asyncio.Event()

        async def hold() -> None:
            async with manager.run():
                self.manager = manager
                ready.set()
                try:
                    await stop.wait()
                finally:
                    self.manager = None

        # The manager's task group must be entered and left by one task; a lifespan's start and end may run
        # in different tasks (test fixtures, some servers), so a task of its own holds it.
        holder = asyncio.create_task(hold(), name="keypick-mcp")
        waiter = asyncio.create_task(ready.wait())
        try:
            await asyncio.wait({holder, waiter}, return_when=asyncio.FIRST_COMPLETED)
        except BaseException:
            # Start-up was cancelled: the holder must not outlive it, waiting for a stop that never comes.
            holder.cancel()
            raise
        finally:
            waiter.cancel()
        if holder.done():
            holder.result()  # raises why the manager could not start
        try:
            yield
        finally:
            stop.set()
            await holder

    def mount(self, app: FastAPI) -> None:
        """Add the /mcp route to the app (POST only; not in the OpenAPI document)."""
        # Stateless: no session to DELETE, and no server-initiated messages, so a GET stream would stay open
        # with nothing to say until the client gives up. The spec's answer for "no SSE stream here" is 405.
        app.router.routes.append(Route(PATH, endpoint=self, methods=["POST"], include_in_schema=False))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer 401 without a valid key, 503 before start-up, else serve the MCP request."""
        try:
            auth.check(Request(scope), self.settings)
        except HTTPException as exc:
            body = errors.error_body("unauthorized", str(exc.detail))
            await JSONResponse(body, status_code=exc.status_code, headers=exc.headers)(scope, receive, send)
            return
        if self.manager is None:
            body = errors.error_body("unavailable", "the MCP endpoint is not running (the app is starting or stopping)")
            await JSONResponse(body, status_code=503)(scope, receive, send)
            return
        await self.manager.handle_request(scope, receive, send)
