"""/internal/tasks: the gateway's queue consumer hands over queued crawls (X-Internal-Key only, idempotent)."""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter, Depends, Header, HTTPException, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from keypick.api.runtime import Runtime, get_runtime
from keypick.exceptions import ValidationError
from keypick.platforms import registry
from keypick.tasks import service as task_service
from keypick.tasks.schemas import CrawlRequest

router = APIRouter(prefix="/internal", tags=["internal"], include_in_schema=False)


class QueuedCrawl(BaseModel):
    """A crawl the gateway accepted and queued: its id was already given to the client."""

    model_config = ConfigDict(extra="forbid")

    task_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    request: CrawlRequest


def require_internal(request: Request, x_internal_key: str | None = Header(None)) -> None:
    """Only the gateway (INTERNAL_KEY) may call these routes; API keys are not enough."""
    runtime: Runtime = request.app.state.runtime
    secret = runtime.settings.internal_key.get_secret_value()
    if not secret or not x_internal_key or not hmac.compare_digest(x_internal_key.encode(), secret.encode()):
        raise HTTPException(status_code=401, detail="internal route: X-Internal-Key required")


@router.post("/tasks", status_code=201, dependencies=[Depends(require_internal)])
async def accept(body: QueuedCrawl, response: Response, runtime: Runtime = Depends(get_runtime)) -> dict[str, Any]:
    """Create the task under the gateway's id; a redelivery of the same message returns the same task."""
    if not registry.is_available(body.request.platform):
        raise ValidationError("request.platform", f"{body.request.platform} is not available in this version")
    async with runtime.sessions() as session:
        task, created = await task_service.create(
            session, request=body.request, idempotency_key=None, task_id=body.task_id
        )
    if created and runtime.pool:
        runtime.pool.notify()
    if not created:
        response.status_code = 200
    return {"task_id": task.id, "status": task.status, "created": created}
