"""Run the sandbox as a real HTTP server (`keypick sandbox`)."""

from __future__ import annotations

from collections.abc import Sequence

import uvicorn

from keypick.sandbox.app import create_sandbox_app
from keypick.sandbox.faults import FaultSpec, parse_fault

DEFAULT_PORT = 8765


def run_sandbox(
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    faults: Sequence[str | FaultSpec] = (),
    pages: int = 5,
    *,
    seed: str = "keypick",
    log_level: str = "info",
) -> None:
    """Serve the sandbox with uvicorn until interrupted; raise ValueError for a bad fault string."""
    specs = [parse_fault(f) if isinstance(f, str) else f for f in faults]
    app = create_sandbox_app(specs, pages=pages, seed=seed)
    # A request held by a `timeout` fault must not hold up Ctrl-C for 30 s.
    uvicorn.run(app, host=host, port=port, log_level=log_level, timeout_graceful_shutdown=2)
