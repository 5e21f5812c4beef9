"""Run one claimed task: every (platform, keyword) unit, page by page, with a checkpoint per page.

Each page is committed in one transaction (posts, snapshots, comments, hits,
counters and the cursor of the next page), so a process killed at any moment
resumes from the last committed page and re-running a page changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from keypick.crawler.page import PageWork, collect_page, commit_page
from keypick.db import utcnow
from keypick.enums import SortBy, StopReason, TaskStatus
from keypick.exceptions import PlatformError
from keypick.platforms.base import PlatformAdapter, SearchOptions
from keypick.tasks import service as task_service
from keypick.tasks.filters import PostFilter, parse_time_range
from keypick.tasks.models import TaskRow, TaskUnitRow

log = logging.getLogger(__name__)
AdapterFactory = Callable[[str], PlatformAdapter]


class TaskRunner:
    """Runs tasks it has claimed; one instance per worker process."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        adapter_factory: AdapterFactory,
        owner: str,
        lease: float,
    ) -> None:
        self.sessions = sessions
        self.adapter_factory = adapter_factory
        self.owner = owner
        self.lease = lease

    async def run(self, task_id: str) -> TaskStatus:
        """Run the task to its end (or cancellation) and return its final status."""
        async with self.sessions() as session:
            task = await task_service.get(session, task_id=task_id)
            units = [u for u in await task_service.units(session, task_id=task_id) if not u.done]
        adapter = self.adapter_factory(task.platform)
        try:
            async with self._heartbeat(task_id):
                for unit in units:
                    await self._run_unit(task, unit, adapter)
        except asyncio.CancelledError:
            await asyncio.shield(self._on_cancel(task_id))
            raise
        finally:
            await adapter.aclose()
        return await self._finalize(task_id, cancelled=False)

    @contextlib.asynccontextmanager
    async def _heartbeat(self, task_id: str) -> AsyncIterator[None]:
        """Keep the lease alive; cancel the running task when cancellation is requested."""
        current = asyncio.current_task()
        assert current is not None

        async def beat() -> None:
            while True:
                await asyncio.sleep(self.lease / 3)
                async with self.sessions() as session:
                    if await task_service.heartbeat(session, task_id=task_id, owner=self.owner, lease=self.lease):
                        current.cancel()
                        return

        beater = asyncio.create_task(beat())
        try:
            yield
        finally:
            beater.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beater

    async def _run_unit(self, task: TaskRow, unit: TaskUnitRow, adapter: PlatformAdapter) -> None:
        params = task.params
        since, until = parse_time_range(params["time_range"], now=task.created_at)
        post_filter = PostFilter(
            since=since, until=until, min_likes=params["min_likes"], min_comments=params["min_comments"],
            exclude_keywords=tuple(params["exclude_keywords"]),
        )  # fmt: skip
        options = SearchOptions(sort_by=SortBy(params["sort_by"]), since=since, until=until)
        work = PageWork(
            task_id=task.id, keyword=unit.keyword, max_results=params["max_results"], post_filter=post_filter,
            options=options, include_comments=params["include_comments"],
            max_comments=params["max_comments_per_post"], authors=params["crawl_author_details"],
            time_ordered=adapter.time_ordered(options),
        )  # fmt: skip
        async with self.sessions() as session:
            await task_service.add_event(
                session,
                task_id=task.id,
                kind="unit_started",
                message=f"keyword {unit.keyword!r} from {unit.checkpoint or 'page 1'}",
            )
            await session.commit()  # fmt: skip
        while True:
            async with self.sessions() as session:
                hits = await task_service.hit_count(session, task_id=task.id, keyword=unit.keyword)
            if hits >= work.max_results:
                await self._stop_unit(unit, StopReason.MAX_RESULTS, None)
                return
            try:
                collected = await collect_page(adapter, work, cursor=unit.checkpoint, hits=hits, sessions=self.sessions)
            except PlatformError as exc:
                await self._stop_unit(unit, exc.stop_reason, f"{exc.code}: {exc.message}")
                return
            except Exception as exc:  # a bug or an unexpected shape must not kill the worker
                log.exception("unit %s/%s failed", task.id, unit.keyword)
                await self._stop_unit(unit, StopReason.ERROR, f"{type(exc).__name__}: {exc}")
                return
            async with self.sessions() as session:
                stop = await commit_page(session, unit=unit, work=work, collected=collected, now=utcnow())
            if stop is not None:
                await self._stop_unit(unit, stop[0], stop[1])
                return

    async def _stop_unit(self, unit: TaskUnitRow, reason: StopReason, error: str | None) -> None:
        async with self.sessions() as session:
            row = await session.get(TaskUnitRow, unit.id)
            assert row is not None
            row.done, row.stop_reason, row.error, row.updated_at = True, reason, error, utcnow()
            level = "info" if reason.natural else "warning"
            await task_service.add_event(
                session, task_id=row.task_id, kind="unit_stopped",
                message=f"keyword {row.keyword!r} stopped: {reason}" + (f" ({error})" if error else ""),
                data={"keyword": row.keyword, "stop_reason": reason, "level": level},
            )  # fmt: skip
            await session.commit()

    async def _on_cancel(self, task_id: str) -> None:
        """A user cancel ends the task; a shutdown only hands the lease back so the task resumes."""
        async with self.sessions() as session:
            task = await task_service.get(session, task_id=task_id)
            if not task.cancel_requested:
                task.lease_expires_at = utcnow()
                await task_service.add_event(
                    session,
                    task_id=task_id,
                    kind="interrupted",
                    message="worker stopped; the task resumes from its checkpoint",
                )
                await session.commit()
                return
        await self._finalize(task_id, cancelled=True)

    async def _finalize(self, task_id: str, *, cancelled: bool) -> TaskStatus:
        async with self.sessions() as session:
            task = await task_service.get(session, task_id=task_id)
            units = await task_service.units(session, task_id=task_id)
            now = utcnow()
            if cancelled or task.cancel_requested:
                for unit in units:
                    if not unit.done:
                        unit.done, unit.stop_reason, unit.updated_at = True, StopReason.CANCELLED, now
            status, error = final_status(units, hits=await task_service.hit_count(session, task_id=task_id))
            task.status, task.error, task.finished_at, task.updated_at = status, error, now, now
            task.progress = 1.0 if status != TaskStatus.CANCELLED else task.progress
            task.lease_owner, task.lease_expires_at = None, None
            await task_service.add_event(session, task_id=task_id, kind="finished", message=f"task {status}",
                                         data={"error": error})  # fmt: skip
            await session.commit()
            return status


def final_status(units: list[TaskUnitRow], *, hits: int) -> tuple[TaskStatus, str | None]:
    """Decide completed / partial / failed / cancelled from the units' stop reasons."""
    reasons = [StopReason(u.stop_reason or StopReason.ERROR) for u in units]
    problems = [
        f"{u.keyword!r}: {u.stop_reason}" + (f" ({u.error})" if u.error else "")
        for u, r in zip(units, reasons, strict=True)
        if not r.natural and r != StopReason.CANCELLED
    ]
    error = "; ".join(problems) or None
    if StopReason.CANCELLED in reasons:
        return TaskStatus.CANCELLED, error
    if not problems:
        return TaskStatus.COMPLETED, None
    if hits == 0 and all(not r.natural for r in reasons):
        return TaskStatus.FAILED, error
    return TaskStatus.PARTIAL, error
