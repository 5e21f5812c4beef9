"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy import text

from keypick import __version__
from keypick.api.runtime import Runtime, get_runtime

router = APIRouter(tags=["health"])


@router.get("/health", operation_id="health", summary="Liveness: the process answers.")
async def health(runtime: Runtime = Depends(get_runtime)) -> dict[str, Any]:
    """Return ok and the version; never touches the database."""
    return {"status": "ok", "version": __version__, "environment": runtime.settings.environment}


@router.get("/ready", operation_id="ready", summary="Readiness: the database answers.")
async def ready(runtime: Runtime = Depends(get_runtime)) -> JSONResponse:
    """Return 200 when the database answers a query, 503 with the reason otherwise."""
    try:
        async with runtime.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:
        body = {"status": "unavailable", "database": f"{type(exc).__name__}"}
        return JSONResponse(body, status_code=503)
    workers = runtime.pool.concurrency if runtime.pool else 0
    return JSONResponse({"status": "ready", "database": runtime.engine.dialect.name, "workers": workers})
