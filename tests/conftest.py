"""Shared fixtures: a clean environment, databases (SQLite and the real PostgreSQL), the sandbox over HTTP.

PostgreSQL tests need the server at KEYPICK_TEST_PG_URL (default 127.0.0.1:5432, trust auth). When it is
missing they are skipped on a laptop, and FAIL when KEYPICK_REQUIRE_SERVICES=1 (set by .ci/run): CI never
skips quietly.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from keypick.api.app import create_app
from keypick.config import Settings

PG_ADMIN_URL = os.environ.get("KEYPICK_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
_ENV_PREFIXES = ("KEYPICK_", "DATABASE_URL", "SUPABASE_DB_URL", "REDIS_URL", "ENVIRONMENT", "HOST", "PORT",
                 "INTERNAL_KEY", "LOG_LEVEL")  # fmt: skip


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every test starts without KeyPick settings from the machine, in its own directory (no stray .env)."""
    for name in list(os.environ):
        if name.startswith(_ENV_PREFIXES) and name not in ("KEYPICK_TEST_PG_URL", "KEYPICK_REQUIRE_SERVICES"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def free_port() -> int:
    """Return a free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerThread:
    """Runs an ASGI app under uvicorn on a loopback port in a background thread (real HTTP)."""

    def __init__(self, app: Any, port: int | None = None) -> None:
        self.port = port or free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_config=None,
                                                    lifespan="on"))  # fmt: skip
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        """Base URL of the server."""
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[ServerThread]:
    """The sandbox replay server over real HTTP, shared by the session (faults reset per test)."""
    from keypick.sandbox import create_sandbox_app

    with ServerThread(create_sandbox_app()) as server:
        yield server


@pytest.fixture
def sandbox(sandbox_server: ServerThread) -> Iterator[ServerThread]:
    """The sandbox with no faults and an empty request log."""
    httpx.delete(f"{sandbox_server.url}/_sandbox/faults")
    httpx.delete(f"{sandbox_server.url}/_sandbox/requests")
    yield sandbox_server
    httpx.delete(f"{sandbox_server.url}/_sandbox/faults")


def _pg_reachable() -> bool:
    import asyncpg

    async def probe() -> None:
        conn = await asyncpg.connect(PG_ADMIN_URL, timeout=3)
        await conn.close()

    try:
        asyncio.run(probe())
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session; its async URL."""
    if not _pg_reachable():
        message = f"PostgreSQL is not reachable at {PG_ADMIN_URL}"
        if os.environ.get("KEYPICK_REQUIRE_SERVICES") == "1":
            pytest.fail(message + " and KEYPICK_REQUIRE_SERVICES=1", pytrace=False)
        pytest.skip(message + " (set KEYPICK_TEST_PG_URL; CI requires it)")
    with fresh_pg_database("keypick_test") as url:
        yield url


@contextlib.contextmanager
def fresh_pg_database(prefix: str) -> Iterator[str]:
    """Create a new, empty PostgreSQL database named prefix_<random>; yield its URL; drop it afterwards."""
    import asyncpg

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(PG_ADMIN_URL)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each test using this runs twice: on a SQLite file and on the real PostgreSQL (tables emptied)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'keypick.db'}"
        return
    url: str = request.getfixturevalue("pg_database")
    _truncate_all(url)
    yield url


def _truncate_all(url: str) -> None:
    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(url)
        try:
            tables = [
                r["tablename"]
                for r in await conn.fetch(
                    "SELECT tablename FROM pg_tables WHERE schemaname='public' AND tablename <> 'alembic_version'"
                )
            ]
            if tables:
                await conn.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
        finally:
            await conn.close()

    asyncio.run(run())


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    """Build Settings for a test: fast politeness, the data dir in tmp, given overrides."""

    def build(**overrides: Any) -> Settings:
        fast = {"min_interval": 0.0, "jitter": 0.0, "backoff_base": 0.05, "backoff_max": 0.2, "max_retries": 2}
        platforms = ("xiaohongshu", "douyin", "kuaishou", "bilibili", "weibo", "tieba", "zhihu")
        values: dict[str, Any] = {"data_dir": tmp_path / "data", "task_lease_seconds": 15.0}
        values.update({p: fast for p in platforms})
        values.update(overrides)
        return Settings(**values)

    return build


class ApiClient:
    """An httpx client bound to a running app (lifespan started), plus the app itself."""

    def __init__(self, app: FastAPI, client: httpx.AsyncClient) -> None:
        self.app = app
        self.http = client

    async def wait_status(self, task_id: str, *, timeout: float = 60, done: bool = True) -> dict[str, Any]:
        """Poll the status until the task has ended (or timeout); return the last status document."""
        deadline = time.monotonic() + timeout
        while True:
            body: dict[str, Any] = (await self.http.get(f"/api/crawl/status/{task_id}")).json()
            if body.get("status") not in ("pending", "running") or time.monotonic() > deadline:
                return body
            await asyncio.sleep(0.05)


@pytest.fixture
async def api(make_settings: Callable[..., Settings], request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    """Factory: `async with api(**settings) as client` starts the app (migrations, workers) in-process."""
    import contextlib

    @contextlib.asynccontextmanager
    async def start(
        workers: int = 2, headers: dict[str, str] | None = None, **overrides: Any
    ) -> AsyncIterator[ApiClient]:
        app = create_app(make_settings(**overrides), workers=workers)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://keypick.test",
                                         headers=headers or {}) as client:  # fmt: skip
                yield ApiClient(app, client)

    yield start
