"""Dify-facing behaviour: dedupe retried crawls, wait a bounded time, compact posts for an LLM context."""

from __future__ import annotations

import asyncio
import json
import time
import weakref
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from keypick.db import utcnow
from keypick.enums import SortBy, TaskStatus
from keypick.exceptions import ValidationError
from keypick.platforms import registry
from keypick.tasks import results as task_results
from keypick.tasks import service as task_service
from keypick.tasks.models import TaskRow
from keypick.tasks.schemas import CrawlRequest
from keypick.tasks.worker import WorkerPool

#: A crawl with the same parameters created this recently is the same crawl (Dify retries on 429/5xx).
DEDUPE_WINDOW = timedelta(minutes=10)
#: Longest bounded wait: callers time out at 60 s (Dify's API_TOOL_DEFAULT_READ_TIMEOUT), so answer before.
MAX_WAIT_SECONDS = 55
MAX_POSTS = 100


def crawl_request(
    *, platform: str, keywords: str | Sequence[str], max_results: int, time_range: str, sort_by: str,
    include_comments: bool,
) -> CrawlRequest:  # fmt: skip
    """Return the validated CrawlRequest; ValidationError names the first bad field (or an unavailable platform)."""
    try:
        request = CrawlRequest(
            platform=platform, keywords=keywords if isinstance(keywords, str) else list(keywords),
            max_results=max_results, time_range=time_range, sort_by=sort_by, include_comments=include_comments,
        )  # fmt: skip
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "body"
        raise ValidationError(field, str(first["msg"]).removeprefix("Value error, ")) from None
    if not registry.is_available(request.platform):
        raise ValidationError("platform", f"{request.platform} is not available in this version")
    return request


def check_answer_bounds(*, wait_seconds: int, max_posts: int) -> None:
    """Raise ValidationError when wait_seconds or max_posts is out of range."""
    for name, value, low, high in (("wait_seconds", wait_seconds, 0, MAX_WAIT_SECONDS),
                                   ("max_posts", max_posts, 1, MAX_POSTS)):  # fmt: skip
        if not low <= value <= high:
            raise ValidationError(name, f"must be between {low} and {high}, got {value}")


async def crawl(
    sessions: async_sessionmaker[AsyncSession],
    request: CrawlRequest,
    *,
    pool: WorkerPool | None,
    wait_seconds: int,
    max_posts: int,
    text_chars: int,
    idempotency_key: str | None = None,
    base_url: str = "",
    poll_tool: str = "get_crawl_task",
) -> dict[str, Any]:
    """Create (or reuse a retried twin of) the crawl, wait up to wait_seconds, return task_answer plus `reused`."""
    check_answer_bounds(wait_seconds=wait_seconds, max_posts=max_posts)
    # Find-then-create under one lock per parameter set: two identical calls at the same moment (an agent
    # firing twice, a retry racing the original) must not make two tasks. Across processes the window
    # check still catches sequential retries, which is what Dify sends.
    async with _create_lock(request), sessions() as session:
        twin = None if idempotency_key else await recent_twin(session, request)
        if twin is None:
            task, created = await task_service.create(session, request=request, idempotency_key=idempotency_key)
        else:
            task, created = twin, False
    if created and pool:
        pool.notify()
    if wait_seconds > 0:
        task = await wait_until_done(sessions, task.id, wait_seconds)
    answer = await task_answer(
        sessions, task, base_url=base_url, max_posts=max_posts, page=1, text_chars=text_chars,
        sort_by=SortBy(request.sort_by), poll_tool=poll_tool,
    )  # fmt: skip
    return answer | {"reused": not created}


#: One lock per crawl parameter set; weak values, so a lock lives only while a call holds it.
_create_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()


def _create_lock(request: CrawlRequest) -> asyncio.Lock:
    key = json.dumps(request.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    lock = _create_locks.get(key)
    if lock is None:
        lock = _create_locks[key] = asyncio.Lock()
    return lock


async def recent_twin(session: AsyncSession, request: CrawlRequest) -> TaskRow | None:
    """Return a task created within the window with exactly these parameters (not failed or cancelled)."""
    params = request.model_dump(mode="json")
    rows = await session.scalars(
        select(TaskRow)
        .where(TaskRow.created_at >= utcnow() - DEDUPE_WINDOW, TaskRow.platform == request.platform,
               TaskRow.status.notin_([TaskStatus.FAILED, TaskStatus.CANCELLED]))
        .order_by(TaskRow.created_at.desc()).limit(50)
    )  # fmt: skip
    return next((t for t in rows if t.params == params), None)


async def wait_until_done(sessions: async_sessionmaker[AsyncSession], task_id: str, seconds: float) -> TaskRow:
    """Poll the task row until it ends or `seconds` pass; return the last row seen."""
    deadline = time.monotonic() + max(0.0, seconds)
    while True:
        async with sessions() as session:
            task = await task_service.get(session, task_id=task_id)
        if TaskStatus(task.status).finished or time.monotonic() >= deadline:
            return task
        await asyncio.sleep(min(0.5, max(0.05, deadline - time.monotonic())))


def compact(post: dict[str, Any], *, text_chars: int) -> dict[str, Any]:
    """Return the small shape an LLM needs: id, platform, title, text (truncated), url, author, time, counts."""
    text = post.get("content") or ""
    return {
        "id": post["id"], "platform": post["platform"], "title": post.get("title") or "",
        "text": text if len(text) <= text_chars else text[: text_chars - 1] + "…",
        "url": post.get("url") or "", "author": post.get("author") or "",
        "publish_time": post.get("publish_time") or "", "likes": post.get("likes"),
        "comments": post.get("comments"), "shares": post.get("shares"), "collects": post.get("collects"),
    }  # fmt: skip


async def task_answer(
    sessions: async_sessionmaker[AsyncSession],
    task: TaskRow,
    *,
    base_url: str,
    max_posts: int,
    page: int,
    text_chars: int,
    sort_by: SortBy,
    poll_tool: str = "get_crawl_task",
) -> dict[str, Any]:
    """Return the JSON object Dify gets: status, counts, compact posts, and how to poll (`poll_tool`) if not done."""
    async with sessions() as session:
        total, items = await task_results.task_results(
            session, task_id=task.id, sort_by=sort_by, limit=max_posts, offset=(page - 1) * max_posts
        )
        units = await task_service.units(session, task_id=task.id)
    done = TaskStatus(task.status).finished
    answer: dict[str, Any] = {
        "task_id": task.id, "status": task.status, "done": done, "progress": round(task.progress, 3),
        "total_posts": total, "page": page, "returned": len(items),
        "has_more": page * max_posts < total, "error": task.error or "",
        "keywords": [{"keyword": u.keyword, "posts": u.new_items, "stop_reason": u.stop_reason or ""} for u in units],
        "posts": [compact(item, text_chars=text_chars) for item in items],
    }  # fmt: skip
    if not done:
        via = f" (GET {base_url}/api/tools/dify/task/{task.id})" if base_url else ""
        answer["next_step"] = f"Not finished yet. Call {poll_tool} with task_id={task.id} in a few seconds{via}."
    elif answer["has_more"]:
        answer["next_step"] = f"More posts: call {poll_tool} with task_id={task.id} and page={page + 1}."
    return answer
