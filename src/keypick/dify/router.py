"""/api/tools/dify: flat, bounded-wait crawl tools shaped for Dify custom tools and HTTP Request nodes."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Body, Depends, Header, Query, Request

from keypick.api.runtime import Runtime, get_runtime
from keypick.bounds import MAX_PAGE
from keypick.dify import service as dify_service
from keypick.dify.schemas import PLATFORMS_HELP, DifyCrawl
from keypick.enums import SortBy
from keypick.exceptions import ValidationError
from keypick.platforms import registry
from keypick.tasks import service as task_service

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/tools/dify", tags=["dify"])


def _base(request: Request, runtime: Runtime) -> str:
    return runtime.settings.public_url or str(request.base_url).rstrip("/")


@router.post(
    "/crawl",
    operation_id="crawl_posts",
    summary="Search a platform by keywords and return posts",
    description=(
        "Starts (or reuses) a crawl of public posts matching the keywords, waits up to wait_seconds for it to "
        "finish, and returns a JSON object: status, per-keyword counts and compact posts (id, platform, title, "
        "text, url, author, publish_time, likes, comments, shares). If status is not finished, call "
        f"get_crawl_task with the task_id later. {PLATFORMS_HELP}"
    ),
)
async def crawl(
    request: Request,
    body: DifyCrawl = Body(...),
    runtime: Runtime = Depends(get_runtime),
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", include_in_schema=False),
) -> dict[str, Any]:
    """Create or reuse the crawl, wait a bounded time, answer with compact posts."""
    dify_service.check_answer_bounds(wait_seconds=body.wait_seconds, max_posts=body.max_posts)
    crawl_request = dify_service.crawl_request(
        platform=body.platform, keywords=body.keywords, max_results=body.max_results, time_range=body.time_range,
        sort_by=body.sort_by, include_comments=body.include_comments,
    )  # fmt: skip
    return await dify_service.crawl(
        runtime.sessions, crawl_request, pool=runtime.pool, wait_seconds=0 if body.async_mode else body.wait_seconds,
        max_posts=body.max_posts, text_chars=runtime.settings.dify_text_chars, idempotency_key=idempotency_key,
        base_url=_base(request, runtime),
    )  # fmt: skip


@router.get(
    "/task/{task_id}",
    operation_id="get_crawl_task",
    summary="Get the status and posts of a crawl task",
    description="Returns the task status and a page of compact posts. Use the task_id that crawl_posts returned.",
)
async def get_task(
    request: Request,
    task_id: str,
    runtime: Runtime = Depends(get_runtime),
    page: int = Query(1, description="Page of posts, starting at 1.", ge=1, le=MAX_PAGE),
    max_posts: int = Query(20, description="Posts per page, 1 to 100.", ge=1, le=100),
    sort_by: str = Query("hot", description="Order. One of: hot, recent, likes, comments, shares."),
) -> dict[str, Any]:
    """Return the task's compact status and posts."""
    try:
        order = SortBy(sort_by)
    except ValueError:
        raise ValidationError("sort_by", "one of: hot, recent, likes, comments, shares") from None
    async with runtime.sessions() as session:
        task = await task_service.get(session, task_id=task_id)
    return await dify_service.task_answer(
        runtime.sessions, task, base_url=_base(request, runtime), max_posts=max_posts, page=page,
        text_chars=runtime.settings.dify_text_chars, sort_by=order,
    )  # fmt: skip


@router.get(
    "/schema",
    operation_id="get_tool_schema",
    summary="Describe the KeyPick tools",
    description="Returns the tool names, descriptions and parameters, and where the OpenAPI document is.",
)
async def schema(request: Request, runtime: Runtime = Depends(get_runtime)) -> dict[str, Any]:
    """Return a short machine-readable description of the tools."""
    fields = {
        name: {"type": f.annotation.__name__ if isinstance(f.annotation, type) else str(f.annotation),
               "required": f.is_required(), "default": None if f.is_required() else f.default,
               "description": f.description}
        for name, f in DifyCrawl.model_fields.items()
    }  # fmt: skip
    base = _base(request, runtime)
    return {
        "name": "keypick", "description": "Collect public social-media posts by keyword.",
        "openapi_url": f"{base}/api/tools/dify/openapi.json",
        "tools": [{"name": "crawl_posts", "method": "POST", "path": "/api/tools/dify/crawl", "parameters": fields},
                  {"name": "get_crawl_task", "method": "GET", "path": "/api/tools/dify/task/{task_id}"}],
        "platforms": [p.value for p in registry.INFOS],
    }  # fmt: skip


@router.post(
    "/webhook",
    operation_id="dify_webhook",
    summary="Receive an event from Dify",
    description="Accepts a JSON object event from a Dify workflow (for example a finished-run notification).",
)
async def webhook(
    event: dict[str, Any] = Body(default_factory=dict, description="The event Dify sends."),
) -> dict[str, Any]:
    """Acknowledge a Dify event (its type and ids are logged, never its contents)."""
    kind = str(event.get("event") or event.get("type") or "unknown")[:64]
    log.info("dify event %s (workflow_run_id=%s)", kind, str(event.get("workflow_run_id", ""))[:64])
    return {"received": True, "event": kind}
