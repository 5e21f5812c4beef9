"""/api/crawl: create, watch, read and cancel crawl tasks."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from keypick.accounts import service as account_service
from keypick.api.runtime import Runtime, get_runtime
from keypick.api.strict_query import reject_unknown_query
from keypick.bounds import MAX_OFFSET, MAX_PAGE
from keypick.db import utcnow
from keypick.enums import Platform, SortBy, TaskStatus
from keypick.exceptions import ValidationError
from keypick.platforms import registry
from keypick.tasks import results as task_results
from keypick.tasks import service as task_service
from keypick.tasks.models import TaskRow
from keypick.tasks.schemas import CrawlRequest, TaskCreated, TaskStatusOut, UnitStatus

router = APIRouter(prefix="/api/crawl", tags=["crawl"], dependencies=[Depends(reject_unknown_query)])


def _urls(request: Request, task_id: str) -> tuple[str, str]:
    base = str(request.base_url).rstrip("/")
    return f"{base}/api/crawl/status/{task_id}", f"{base}/api/crawl/task/{task_id}/results"


@router.get("/platforms", operation_id="list_platforms", summary="Platforms, capabilities and accounts.")
async def platforms(runtime: Runtime = Depends(get_runtime)) -> dict[str, Any]:
    """Return every platform: enabled, its capabilities, and how many accounts are configured."""
    async with runtime.sessions() as session:
        accounts = await account_service.list_accounts(session)
    now = utcnow()
    items = []
    for plat in Platform:
        info = registry.INFOS.get(plat)
        items.append({
            "platform": plat.value,
            "enabled": info is not None,
            "capabilities": info.capabilities.as_dict() if info else None,
            "page_size": info.page_size if info else None,
            "accounts_configured": len(mine := [a for a in accounts if a.platform == plat.value]),
            "accounts_healthy": sum(1 for a in mine if account_service.healthy(a, now)),
            "politeness": runtime.settings.politeness(plat).model_dump(),
        })  # fmt: skip
    return {"platforms": items, "sandbox": bool(runtime.settings.sandbox_url)}


@router.post("/", status_code=202, operation_id="create_crawl", response_model=TaskCreated,
             summary="Start a crawl task (returns at once).")  # fmt: skip
async def create_crawl(
    body: CrawlRequest,
    request: Request,
    response: Response,
    runtime: Runtime = Depends(get_runtime),
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=255),
) -> TaskCreated:
    """Create a task; the same Idempotency-Key returns the same task instead of a new one."""
    if not registry.is_available(body.platform):
        available = ", ".join(p.value for p in registry.INFOS)
        raise ValidationError("platform", f"{body.platform} is not available in this version; available: {available}")
    async with runtime.sessions() as session:
        task, created = await task_service.create(session, request=body, idempotency_key=idempotency_key)
    if created and runtime.pool:
        runtime.pool.notify()
    if not created:
        response.status_code = 200
    status_url, results_url = _urls(request, task.id)
    response.headers["Location"] = status_url
    return TaskCreated(task_id=task.id, status=task.status, status_url=status_url, results_url=results_url,
                       created=created)  # fmt: skip


async def status_of(runtime: Runtime, task: TaskRow, results_url: str) -> TaskStatusOut:
    """Build the status document of a task."""
    async with runtime.sessions() as session:
        units = await task_service.units(session, task_id=task.id)
        posts = await task_service.hit_count(session, task_id=task.id)
    unit_out = [UnitStatus.model_validate(u, from_attributes=True) for u in units]
    counts = {
        "posts": posts,
        "comments": sum(u.comments for u in units),
        "pages": sum(u.pages_fetched for u in units),
        "items_seen": sum(u.items_seen for u in units),
        "duplicates": sum(u.duplicates for u in units),
        "filtered": sum(u.filtered for u in units),
    }
    return TaskStatusOut(
        task_id=task.id, status=task.status, platform=task.platform, keywords=task.keywords,
        progress=task.progress, counts=counts, units=unit_out, error=task.error, params=task.params,
        created_at=task.created_at, started_at=task.started_at, finished_at=task.finished_at,
        results_url=results_url,
    )  # fmt: skip


@router.get("/status/{task_id}", operation_id="get_crawl_status", response_model=TaskStatusOut,
            summary="Status, progress and per-keyword coverage of a task.")  # fmt: skip
async def get_status(task_id: str, request: Request, runtime: Runtime = Depends(get_runtime)) -> TaskStatusOut:
    """Return the task's status, progress, counts and each keyword's stop_reason."""
    async with runtime.sessions() as session:
        task = await task_service.get(session, task_id=task_id)
    return await status_of(runtime, task, _urls(request, task_id)[1])


@router.get("/task/{task_id}/results", operation_id="get_crawl_results", summary="A task's posts, paged.")
async def get_results(
    task_id: str,
    runtime: Runtime = Depends(get_runtime),
    page: int = Query(1, ge=1, le=MAX_PAGE, description="1-based page number."),
    page_size: int = Query(20, ge=1, le=200, description="Posts per page, 1..200."),
    sort_by: SortBy = Query(SortBy.HOT, description="hot, recent, likes, comments or shares."),
    fields: str | None = Query(None, description="Comma list of fields to return (default: all)."),
    keyword: str | None = Query(None, description="Only posts found by this keyword."),
    include_comments: bool = Query(False, description="Add each post's stored comments as comment_list."),
) -> dict[str, Any]:
    """Return normalized posts of the task with total and paging info."""
    wanted = task_results.parse_fields(fields)
    async with runtime.sessions() as session:
        task = await task_service.get(session, task_id=task_id)
        total, items = await task_results.task_results(
            session, task_id=task_id, sort_by=sort_by, limit=page_size, offset=(page - 1) * page_size,
            keyword=keyword, with_comments=include_comments,
        )  # fmt: skip
    if wanted is not None:
        keep = set(wanted) | ({"comment_list"} if include_comments else set())
        items = [{k: v for k, v in item.items() if k in keep} for item in items]
    return {
        "task_id": task_id, "status": task.status, "total": total, "page": page, "page_size": page_size,
        "has_more": page * page_size < total, "sort_by": sort_by, "results": items,
    }  # fmt: skip


@router.delete("/task/{task_id}", operation_id="cancel_crawl", summary="Cancel a pending or running task.")
async def cancel(task_id: str, runtime: Runtime = Depends(get_runtime)) -> dict[str, Any]:
    """Request cancellation; data already collected is kept."""
    async with runtime.sessions() as session:
        task = await task_service.request_cancel(session, task_id=task_id)
    if runtime.pool:
        runtime.pool.cancel_local(task_id)
    return {"task_id": task_id, "status": task.status, "cancel_requested": True}


@router.get("/tasks", operation_id="list_crawls", summary="List tasks, newest first.")
async def list_tasks(
    request: Request,
    runtime: Runtime = Depends(get_runtime),
    status: TaskStatus | None = Query(None, description="Only tasks in this status."),
    limit: int = Query(20, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> dict[str, Any]:
    """Return tasks with their status and progress."""
    async with runtime.sessions() as session:
        total, rows = await task_service.list_tasks(session, status=status, limit=limit, offset=offset)
    tasks = [
        {"task_id": t.id, "status": t.status, "platform": t.platform, "keywords": t.keywords,
         "progress": t.progress, "created_at": t.created_at, "finished_at": t.finished_at, "error": t.error,
         "status_url": _urls(request, t.id)[0]}
        for t in rows
    ]  # fmt: skip
    return {"total": total, "limit": limit, "offset": offset, "tasks": tasks}
