"""Task persistence: create, claim with a lease, checkpoint, finish. The row is the source of truth."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from keypick.db import utcnow
from keypick.enums import StopReason, TaskStatus
from keypick.exceptions import Conflict, NotFound
from keypick.tasks.models import KeywordHitRow, TaskEventRow, TaskRow, TaskUnitRow
from keypick.tasks.schemas import CrawlRequest


def new_owner() -> str:
    """Return a lease-owner id: host and pid let a restarted process reclaim its dead twin's tasks."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _owner_is_dead(owner: str | None) -> bool:
    """True when the owner ran on this host and its process no longer exists."""
    if not owner:
        return False
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


async def create(
    session: AsyncSession, *, request: CrawlRequest, idempotency_key: str | None, task_id: str | None = None
) -> tuple[TaskRow, bool]:
    """Create a pending task (or return the one made with the same Idempotency-Key or id); (row, created)."""
    params = request.model_dump(mode="json")
    if task_id is not None:
        existing_task = await session.get(TaskRow, task_id)
        if existing_task is not None:
            return _same_request(existing_task, params, f"task id {task_id}"), False
    if idempotency_key:
        existing = await session.scalar(select(TaskRow).where(TaskRow.idempotency_key == idempotency_key))
        if existing is not None:
            return _same_request(existing, params, f"Idempotency-Key {idempotency_key}"), False
    now = utcnow()
    task = TaskRow(
        id=task_id or uuid.uuid4().hex,
        status=TaskStatus.PENDING,
        platform=request.platform,
        keywords=list(request.keywords),
        params=params,
        idempotency_key=idempotency_key,
        progress=0.0,
        cancel_requested=False,
        attempts=0,
        created_at=now,
        updated_at=now,
    )
    try:
        session.add(task)
        await session.flush()  # the task row first: units and events reference it
        for position, keyword in enumerate(request.keywords):
            session.add(
                TaskUnitRow(
                    task_id=task.id, platform=request.platform, keyword=keyword, position=position,
                    done=False, updated_at=now,
                )
            )  # fmt: skip
        session.add(TaskEventRow(task_id=task.id, at=now, kind="created", message="task created", data={}))
        await session.commit()
    except IntegrityError:
        # Two requests with the same key (or task id) raced; the other one won.
        await session.rollback()
        existing = (
            await session.get(TaskRow, task_id)
            if task_id
            else await session.scalar(select(TaskRow).where(TaskRow.idempotency_key == idempotency_key))
        )
        if existing is None:
            raise
        return _same_request(
            existing, params, f"task id {task_id}" if task_id else f"Idempotency-Key {idempotency_key}"
        ), False
    return task, True


def _same_request(task: TaskRow, params: dict[str, Any], key: str) -> TaskRow:
    if task.params != params:
        raise Conflict(
            f"{key} was already used for a different crawl request",
            details={"task_id": task.id},
        )
    return task


async def get(session: AsyncSession, *, task_id: str) -> TaskRow:
    """Return the task or raise NotFound."""
    task = await session.get(TaskRow, task_id)
    if task is None:
        raise NotFound(f"task {task_id!r} does not exist", details={"task_id": task_id})
    return task


async def units(session: AsyncSession, *, task_id: str) -> list[TaskUnitRow]:
    """Return the task's units in keyword order."""
    rows = await session.scalars(
        select(TaskUnitRow).where(TaskUnitRow.task_id == task_id).order_by(TaskUnitRow.position)
    )
    return list(rows)


async def list_tasks(
    session: AsyncSession, *, status: str | None, limit: int, offset: int
) -> tuple[int, list[TaskRow]]:
    """Return (total, page) of tasks, newest first, optionally by status."""
    where = [TaskRow.status == status] if status else []
    total = await session.scalar(select(func.count()).select_from(TaskRow).where(*where))
    rows = await session.scalars(
        select(TaskRow).where(*where).order_by(TaskRow.created_at.desc()).limit(limit).offset(offset)
    )
    return int(total or 0), list(rows)


async def claim_next(
    session: AsyncSession, *, owner: str, lease: float, exclude: frozenset[str] = frozenset()
) -> TaskRow | None:
    """Take the oldest runnable task (pending, or running with a lapsed lease) for `owner`.

    `exclude` holds the tasks this process runs already: a late heartbeat must not let a sibling
    loop of the same pool start a second copy of a task.
    """
    now = utcnow()
    runnable = or_(
        TaskRow.status == TaskStatus.PENDING,
        and_(TaskRow.status == TaskStatus.RUNNING, TaskRow.lease_expires_at < now),
    )
    candidates = list(
        await session.scalars(
            select(TaskRow).where(runnable | (TaskRow.status == TaskStatus.RUNNING))
            .order_by(TaskRow.created_at).limit(20)
        )
    )  # fmt: skip
    for cand in candidates:
        if cand.id in exclude:
            continue
        lapsed = cand.lease_expires_at is not None and cand.lease_expires_at < now
        if cand.status == TaskStatus.RUNNING and not lapsed and not _owner_is_dead(cand.lease_owner):
            continue
        # Compare-and-set on the row we saw: only one claimer can win, on SQLite and PostgreSQL alike.
        result = await session.execute(
            update(TaskRow)
            .where(TaskRow.id == cand.id, TaskRow.status == cand.status,
                   TaskRow.lease_owner.is_(None) if cand.lease_owner is None
                   else TaskRow.lease_owner == cand.lease_owner)
            .values(
                status=TaskStatus.RUNNING, lease_owner=owner, lease_expires_at=now + timedelta(seconds=lease),
                attempts=TaskRow.attempts + 1, started_at=func.coalesce(TaskRow.started_at, now),
                updated_at=now,
            )
        )  # fmt: skip
        if result.rowcount == 1:  # type: ignore[attr-defined]
            kind = "resumed" if cand.status == TaskStatus.RUNNING else "started"
            await add_event(session, task_id=cand.id, kind=kind, message=f"{kind} by {owner}")
            await session.commit()
            return await get(session, task_id=cand.id)
    await session.rollback()
    return None


async def heartbeat(session: AsyncSession, *, task_id: str, owner: str, lease: float) -> bool:
    """Extend the lease; return True if cancellation was requested (or the lease was lost)."""
    now = utcnow()
    result = await session.execute(
        update(TaskRow)
        .where(TaskRow.id == task_id, TaskRow.lease_owner == owner)
        .values(lease_expires_at=now + timedelta(seconds=lease), updated_at=now)
    )
    await session.commit()
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return True
    return bool(await session.scalar(select(TaskRow.cancel_requested).where(TaskRow.id == task_id)))


async def request_cancel(session: AsyncSession, *, task_id: str) -> TaskRow:
    """Cancel a task: pending ones stop at once, running ones at their next request."""
    task = await get(session, task_id=task_id)
    if TaskStatus(task.status).finished:
        raise Conflict(f"task {task_id} already ended as {task.status}", details={"status": task.status})
    now = utcnow()
    task.cancel_requested = True
    task.updated_at = now
    if task.status == TaskStatus.PENDING:
        task.status = TaskStatus.CANCELLED
        task.finished_at = now
        await session.execute(
            update(TaskUnitRow).where(TaskUnitRow.task_id == task_id, TaskUnitRow.done.is_(False))
            .values(done=True, stop_reason=StopReason.CANCELLED, updated_at=now)
        )  # fmt: skip
    await add_event(session, task_id=task_id, kind="cancel_requested", message="cancellation requested")
    await session.commit()
    return task


async def add_event(
    session: AsyncSession, *, task_id: str, kind: str, message: str, data: dict[str, Any] | None = None
) -> None:
    """Append a line to the task's log (committed with the caller's transaction)."""
    session.add(TaskEventRow(task_id=task_id, at=utcnow(), kind=kind, message=message, data=data or {}))


async def events(session: AsyncSession, *, task_id: str, limit: int = 200) -> list[TaskEventRow]:
    """Return the task's log, oldest first."""
    rows = await session.scalars(
        select(TaskEventRow).where(TaskEventRow.task_id == task_id).order_by(TaskEventRow.id).limit(limit)
    )
    return list(rows)


async def record_hits(
    session: AsyncSession,
    *,
    task_id: str,
    unit: TaskUnitRow,
    post_pks: Sequence[int],
    now: datetime,
) -> tuple[int, int]:
    """Add keyword hits in order; return (new, duplicates). Existing hits are left as they were."""
    if not post_pks:
        return 0, 0
    existing = set(
        await session.scalars(
            select(KeywordHitRow.post_pk).where(
                KeywordHitRow.task_id == task_id,
                KeywordHitRow.keyword == unit.keyword,
                KeywordHitRow.post_pk.in_(post_pks),
            )
        )
    )
    fresh = [pk for pk in dict.fromkeys(post_pks) if pk not in existing]
    rank = await session.scalar(
        select(func.count()).select_from(KeywordHitRow)
        .where(KeywordHitRow.task_id == task_id, KeywordHitRow.keyword == unit.keyword)
    )  # fmt: skip
    for offset, pk in enumerate(fresh, start=1):
        session.add(
            KeywordHitRow(task_id=task_id, keyword=unit.keyword, platform=unit.platform, post_pk=pk,
                          rank=int(rank or 0) + offset, first_seen_at=now)
        )  # fmt: skip
    return len(fresh), len(post_pks) - len(fresh)


async def hit_count(session: AsyncSession, *, task_id: str, keyword: str | None = None) -> int:
    """Return how many hits the task (or one of its keywords) has."""
    where = [KeywordHitRow.task_id == task_id]
    if keyword is not None:
        where.append(KeywordHitRow.keyword == keyword)
    return int(await session.scalar(select(func.count()).select_from(KeywordHitRow).where(*where)) or 0)


async def claim_next_by_id(session: AsyncSession, *, task_id: str, owner: str, lease: float) -> TaskRow:
    """Claim one specific pending task (the one-shot CLI runs its own task)."""
    now = utcnow()
    await session.execute(
        update(TaskRow).where(TaskRow.id == task_id, TaskRow.status == TaskStatus.PENDING)
        .values(status=TaskStatus.RUNNING, lease_owner=owner, lease_expires_at=now + timedelta(seconds=lease),
                attempts=TaskRow.attempts + 1, started_at=now, updated_at=now)
    )  # fmt: skip
    await add_event(session, task_id=task_id, kind="started", message=f"started by {owner}")
    await session.commit()
    return await get(session, task_id=task_id)
