"""Everything a running KeyPick process shares: settings, database, politeness, workers."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from keypick.config import Settings
from keypick.crawler.ratelimit import Limiter
from keypick.db import create_engine, session_factory
from keypick.platforms import registry
from keypick.platforms.base import PlatformAdapter
from keypick.tasks.worker import WorkerPool


@dataclass
class Runtime:
    """Process-wide state, built once at start."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    limiter: Limiter
    pool: WorkerPool | None = None
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, settings: Settings) -> Runtime:
        """Create the engine and politeness registry (no IO yet)."""
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_engine(settings.resolved_database_url)
        return cls(settings=settings, engine=engine, sessions=session_factory(engine),
                   limiter=Limiter(settings.politeness))  # fmt: skip

    def adapter(self, platform: str) -> PlatformAdapter:
        """Build an adapter sharing this process's politeness slots."""
        return registry.build_adapter(platform, settings=self.settings, limiter=self.limiter)

    def make_pool(self, concurrency: int) -> WorkerPool:
        """Create (not start) the worker pool of this process."""
        self.pool = WorkerPool(
            sessions=self.sessions, adapter_factory=self.adapter, concurrency=concurrency,
            lease=self.settings.task_lease_seconds,
        )  # fmt: skip
        return self.pool


def get_runtime(request: Request) -> Runtime:
    """FastAPI dependency: the app's Runtime."""
    runtime: Runtime = request.app.state.runtime
    return runtime
