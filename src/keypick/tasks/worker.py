"""The in-process worker pool: claims tasks from the database and runs them.

The embedded default (`keypick serve`) runs this inside the API process;
`keypick worker` runs it alone. Several pools on several hosts may share one
PostgreSQL database: claiming is a compare-and-set on the task row, and a task
whose owner stops heartbeating is resumed by another pool from its checkpoint.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from keypick.accounts.pool import AccountPool
from keypick.crawler.engine import AdapterFactory, TaskRunner
from keypick.tasks import service as task_service

log = logging.getLogger(__name__)


class WorkerPool:
    """N concurrent task slots polling the database, woken early when a task is created here."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        adapter_factory: AdapterFactory,
        concurrency: int,
        lease: float,
        poll_interval: float = 1.0,
        accounts: AccountPool | None = None,
    ) -> None:
        self.sessions = sessions
        self.concurrency = concurrency
        self.poll_interval = poll_interval
        self.lease = lease
        self.owner = task_service.new_owner()
        self.runner = TaskRunner(
            sessions=sessions, adapter_factory=adapter_factory, owner=self.owner, lease=lease, accounts=accounts
        )
        self._wake = asyncio.Event()
        self._loops: list[asyncio.Task[None]] = []
        self._running: dict[str, asyncio.Task[object]] = {}

    def start(self) -> None:
        """Start the polling loops."""
        self._loops = [asyncio.create_task(self._loop(i), name=f"keypick-worker-{i}") for i in range(self.concurrency)]
        log.info("worker pool %s started with %d slots", self.owner, self.concurrency)

    def notify(self) -> None:
        """Wake idle loops (a task was just created)."""
        self._wake.set()

    def cancel_local(self, task_id: str) -> bool:
        """Cancel a task running in this process right away; False if it runs elsewhere."""
        running = self._running.get(task_id)
        if running is None:
            return False
        running.cancel()
        return True

    async def stop(self) -> None:
        """Stop polling; running tasks are interrupted and resumed later from their checkpoint."""
        for loop in self._loops:
            loop.cancel()
        for loop in self._loops:
            with contextlib.suppress(asyncio.CancelledError):
                await loop
        self._loops = []

    async def _loop(self, index: int) -> None:
        while True:
            try:
                async with self.sessions() as session:
                    task = await task_service.claim_next(
                        session, owner=self.owner, lease=self.lease, exclude=frozenset(self._running)
                    )
            except Exception:
                log.exception("worker %d could not poll the database", index)
                task = None
            if task is None:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self.poll_interval)
                continue
            run = asyncio.create_task(self.runner.run(task.id), name=f"keypick-task-{task.id}")
            self._running[task.id] = run
            try:
                status = await asyncio.shield(run)
                log.info("task %s ended %s", task.id, status)
            except asyncio.CancelledError:
                if not run.done():
                    # The pool is stopping: interrupt the task; its lease lapses and it resumes later.
                    run.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await run
                    raise
                log.info("task %s cancelled", task.id)
            except Exception:
                log.exception("task %s crashed", task.id)
            finally:
                self._running.pop(task.id, None)
