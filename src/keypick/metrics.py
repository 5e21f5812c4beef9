"""Prometheus metrics: HTTP requests, tasks by status, queue depth, items ingested, platform outcomes.

Served at /metrics on the API and, when KEYPICK_METRICS_PORT is set (Fly.io scrapes :9091), on a
separate port. Task gauges are read from the database at scrape time (and every 15 s for the port).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import Response

from keypick.enums import TaskStatus
from keypick.tasks.models import TaskRow

HTTP_REQUESTS = Counter("keypick_http_requests_total", "API requests", ["method", "route", "status"])
HTTP_SECONDS = Histogram("keypick_http_request_seconds", "API request duration", ["route"])
PLATFORM_REQUESTS = Counter(
    "keypick_platform_requests_total", "Platform requests by outcome (ok, risk_control, rate_limited, ...)",
    ["platform", "outcome"],
)  # fmt: skip
ITEMS = Counter("keypick_items_ingested_total", "Posts and comments written", ["platform", "kind"])
TASKS = Gauge("keypick_tasks", "Tasks by status", ["status"])
QUEUE_DEPTH = Gauge("keypick_queue_depth", "Tasks waiting to run (pending)")


async def refresh(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Read task counts from the database into the gauges."""
    async with sessions() as session:
        counts = dict((await session.execute(select(TaskRow.status, func.count()).group_by(TaskRow.status))).all())
    for status in TaskStatus:
        TASKS.labels(status.value).set(counts.get(status.value, 0))
    QUEUE_DEPTH.set(counts.get(TaskStatus.PENDING.value, 0))


async def endpoint(sessions: async_sessionmaker[AsyncSession]) -> Response:
    """Return the metrics page, task gauges fresh."""
    await refresh(sessions)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


async def middleware(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """Count and time every API request by its route template (not the raw path: ids would explode labels)."""
    start = time.perf_counter()
    response = await call_next(request)
    route = getattr(request.scope.get("route"), "path", "unmatched")
    HTTP_REQUESTS.labels(request.method, route, str(response.status_code)).inc()
    HTTP_SECONDS.labels(route).observe(time.perf_counter() - start)
    return response
