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

from keypick.accounts.pool import ACCOUNT_PROBLEMS, AccountLease, AccountPool
from keypick.crawler.page import PageWork, collect_page, commit_page
from keypick.db import utcnow
from keypick.enums import SortBy, StopReason, TaskStatus
from keypick.exceptions import PlatformError
from keypick.platforms.base import ContentType, CrawlMode, PlatformAdapter, SearchOptions
from keypick.tasks import service as task_service
from keypick.tasks.filters import PostFilter, parse_time_range
from keypick.tasks.models import TaskRow, TaskUnitRow

log = logging.getLogger(__name__)
AdapterFactory = Callable[[str, str | None], PlatformAdapter]


class TaskRunner:
    """Runs tasks it has claimed; one instance per worker process."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        adapter_factory: AdapterFactory,
        owner: str,
        lease: float,
        accounts: AccountPool | None = None,
    ) -> None:
        self.sessions = sessions
        self.adapter_factory = adapter_factory
        self.owner = owner
        self.lease = lease
        self.accounts = accounts

    async def run(self, task_id: str) -> TaskStatus:
        """Run the task to its end (or cancellation) and return its final status."""
        async with self.sessions() as session:
            task = await task_service.get(session, task_id=task_id)
            units = [u for u in await task_service.units(session, task_id=task_id) if not u.done]
        try:
            async with self._heartbeat(task_id):
                for unit in units:
                    unit_accounts = UnitAccounts(self, task.id, task.platform)
                    try:
                        await self._run_unit(task, unit, unit_accounts)
                    finally:
                        await unit_accounts.close()
        except asyncio.CancelledError:
            await asyncio.shield(self._on_cancel(task_id))
            raise
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

    async def _run_unit(self, task: TaskRow, unit: TaskUnitRow, accounts: UnitAccounts) -> None:
        params = task.params
        since, until = parse_time_range(params["time_range"], now=task.created_at)
        post_filter = PostFilter(
            since=since, until=until, min_likes=params["min_likes"], min_comments=params["min_comments"],
            exclude_keywords=tuple(params["exclude_keywords"]),
        )  # fmt: skip
        options = SearchOptions(
            sort_by=SortBy(params["sort_by"]), since=since, until=until,
            content_type=ContentType(params.get("content_type", ContentType.ALL)),  # older tasks lack it
        )  # fmt: skip
        try:
            first = await accounts.adapter()
        except PlatformError as exc:
            await self._stop_unit(unit, exc.stop_reason, accounts.explain(exc))
            return
        except Exception as exc:  # no adapter at all (e.g. the browser extra is missing): end, never hang
            log.exception("unit %s/%s has no adapter", task.id, unit.keyword)
            await self._stop_unit(unit, StopReason.ERROR, f"{type(exc).__name__}: {exc}")
            return
        mode = CrawlMode(params.get("mode", CrawlMode.SEARCH))  # older tasks lack it
        work = PageWork(
            task_id=task.id, keyword=unit.keyword, max_results=params["max_results"], post_filter=post_filter,
            options=options, include_comments=params["include_comments"],
            max_comments=params["max_comments_per_post"], authors=params["crawl_author_details"],
            # A timeline may start with pinned old posts: only searches stop at the first old post.
            mode=mode, time_ordered=mode is CrawlMode.SEARCH and first.time_ordered(options),
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
                adapter = await accounts.adapter()
                collected = await collect_page(adapter, work, cursor=unit.checkpoint, hits=hits, sessions=self.sessions)
            except PlatformError as exc:
                if await accounts.rotate(exc):
                    continue  # the same page again, with another account
                await self._stop_unit(unit, exc.stop_reason, accounts.explain(exc))
                return
            except Exception as exc:  # a bug or an unexpected shape must not kill the worker
                log.exception("unit %s/%s failed", task.id, unit.keyword)
                await self._stop_unit(unit, StopReason.ERROR, f"{type(exc).__name__}: {exc}")
                return
            if collected.blocked is not None and await accounts.rotate(collected.blocked):
                continue  # redo the whole page with another account (writes are idempotent)
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


class UnitAccounts:
    """The adapter of one unit and the account behind it; rotates accounts on account-level problems."""

    def __init__(self, runner: TaskRunner, task_id: str, platform: str) -> None:
        self.runner = runner
        self.task_id = task_id
        self.platform = platform
        self.lease: AccountLease | None = None
        self.tried: set[int] = set()
        self._adapter: PlatformAdapter | None = None
        self.exhausted = False

    async def adapter(self) -> PlatformAdapter:
        """Return the current adapter, checking out an account first when the platform has some."""
        if self._adapter is None:
            pool = self.runner.accounts
            if pool is not None and self.lease is None:
                self.lease = await pool.checkout(self.platform, exclude=self.tried)
                if self.lease is not None:
                    self.tried.add(self.lease.account_id)
                elif (problem := await pool.unavailable(self.platform)) is not None:
                    # Accounts exist but none may be used: never fall back to a resting account's cookie.
                    self.exhausted = True
                    raise problem
            self._adapter = self.runner.adapter_factory(self.platform, self.lease.cookie if self.lease else None)
        return self._adapter

    async def rotate(self, exc: PlatformError) -> bool:
        """After an account-level answer: rest this account and switch to another; False if none is left."""
        pool = self.runner.accounts
        if pool is None or self.lease is None or exc.stop_reason not in ACCOUNT_PROBLEMS:
            return False
        await pool.report(self.lease, exc.stop_reason)
        old = self.lease
        await self.close()
        self.lease = await pool.checkout(self.platform, exclude=self.tried)
        async with self.runner.sessions() as session:
            nxt = f"switching to account {self.lease.label}" if self.lease else "no healthy account left"
            await task_service.add_event(
                session, task_id=self.task_id, kind="account",
                message=f"account {old.label}: {exc.stop_reason} ({exc.code}); {nxt}",
                data={"account_id": old.account_id, "stop_reason": exc.stop_reason},
            )  # fmt: skip
            await session.commit()
        if self.lease is None:
            self.exhausted = True
            return False
        self.tried.add(self.lease.account_id)
        return True

    def explain(self, exc: PlatformError) -> str:
        """Return the unit's error text, saying when every account was tried."""
        text = f"{exc.code}: {exc.message}"
        return f"{text} (no healthy account left after {len(self.tried)})" if self.exhausted else text

    async def close(self) -> None:
        """Close the current adapter."""
        if self._adapter is not None:
            await self._adapter.aclose()
            self._adapter = None


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
