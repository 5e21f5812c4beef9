"""The separate metrics port (Fly.io scrapes :9091/metrics): prometheus_client's server plus a refresher."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from prometheus_client import start_http_server

from keypick import metrics
from keypick.api.runtime import Runtime

log = logging.getLogger(__name__)


def start(runtime: Runtime) -> asyncio.Task[None]:
    """Serve metrics on KEYPICK_METRICS_PORT and refresh task gauges every 15 s; return the refresher."""
    port = runtime.settings.metrics_port
    start_http_server(port, addr="0.0.0.0" if runtime.settings.is_production else "127.0.0.1")
    log.info("metrics on :%d/metrics", port)

    async def loop() -> None:
        while True:
            with contextlib.suppress(Exception):
                await metrics.refresh(runtime.sessions)
            await asyncio.sleep(15)

    return asyncio.create_task(loop(), name="keypick-metrics")
