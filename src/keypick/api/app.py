"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.responses import Response

from keypick import __version__, metrics, migrate
from keypick.accounts import router as accounts_router
from keypick.api import auth, errors, health, metrics_server
from keypick.api.runtime import Runtime
from keypick.config import Settings
from keypick.dify import docs as dify_docs
from keypick.dify import retrieval as dify_retrieval
from keypick.dify import router as dify_router
from keypick.harimport import router as har_router
from keypick.history import router as history_router
from keypick.insights import router as insights_router
from keypick.mcp import http as mcp_http
from keypick.process import router as process_router
from keypick.reports import router as reports_router
from keypick.search import tokenize
from keypick.tasks import internal as tasks_internal
from keypick.tasks import router as tasks_router

log = logging.getLogger("keypick")


def create_app(settings: Settings, *, workers: int | None = None) -> FastAPI:
    """Build the app; on start it migrates the database and (unless workers=0) starts the worker pool."""
    runtime = Runtime.build(settings)
    runtime.warnings = settings.check()
    concurrency = settings.workers if workers is None else workers
    mcp_endpoint = mcp_http.McpEndpoint(runtime)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        for warning in runtime.warnings:
            log.warning("!" * 20 + " %s", warning)
        await migrate.upgrade(runtime.engine, pg_search_index=runtime.settings.pg_search_index)
        # jieba's dictionary loads for seconds: do it off the event loop, before any worker needs it.
        await asyncio.to_thread(tokenize.warm)
        for item in await runtime.import_env_cookies():
            log.info("account from the environment: %s #%s", item["platform"], item["account_id"])
        pool = runtime.make_pool(concurrency) if concurrency > 0 else None
        if pool:
            pool.start()
        exporter = metrics_server.start(runtime) if settings.metrics_port else None
        try:
            # The MCP session manager lives exactly as long as the app (stateless: one task group, no sessions).
            async with mcp_endpoint.run():
                yield
        finally:
            if exporter:
                # Wait for it: a refresh cancelled mid-query must hand its connection back before disposal.
                exporter.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await exporter
            if pool:
                await pool.stop()
            await runtime.aclose()

    app = FastAPI(
        title="KeyPick API",
        version=__version__,
        description="Collect public posts by keyword from Chinese social platforms, keep a searchable "
        "history, and serve it to Dify, agents and people.",
        lifespan=lifespan,
        servers=[{"url": settings.public_url}] if settings.public_url else None,
        root_path_in_servers=False,
    )
    app.state.runtime = runtime
    errors.install(app)

    async def require_key(request: Request) -> None:
        auth.check(request, settings)

    app.middleware("http")(metrics.middleware)

    @app.get("/metrics", include_in_schema=False)
    async def prometheus() -> Response:
        return await metrics.endpoint(runtime.sessions)

    app.include_router(health.router)
    app.include_router(tasks_internal.router)
    app.include_router(tasks_router.router, dependencies=[Depends(require_key)])
    app.include_router(accounts_router.router, dependencies=[Depends(require_key)])
    app.include_router(har_router.router, dependencies=[Depends(require_key)])
    app.include_router(history_router.router, dependencies=[Depends(require_key)])
    app.include_router(dify_router.router, dependencies=[Depends(require_key)])
    app.include_router(dify_retrieval.router, dependencies=[Depends(require_key)])
    dify_docs.install(app, settings)
    app.include_router(process_router.router, dependencies=[Depends(require_key)])
    app.include_router(insights_router.router, dependencies=[Depends(require_key)])
    app.include_router(reports_router.router, dependencies=[Depends(require_key)])
    mcp_endpoint.mount(app)
    return app
