"""POST /api/import/har: upload a browser HAR export; its platform API responses are ingested."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Request

from keypick.api.runtime import Runtime, get_runtime
from keypick.exceptions import ValidationError
from keypick.harimport import service as har_service

router = APIRouter(prefix="/api/import", tags=["import"])
MAX_BYTES = 200 * 1024 * 1024


@router.post("/har", operation_id="import_har", summary="Ingest a browser HAR export (DevTools → Save all as HAR).")
async def import_har(request: Request, runtime: Runtime = Depends(get_runtime)) -> dict[str, Any]:
    """Send the .har file as the request body (application/json); returns what was recognised and skipped."""
    body = await request.body()
    if not body:
        raise ValidationError("body", "send the HAR file as the request body")
    if len(body) > MAX_BYTES:
        raise ValidationError("body", f"HAR larger than {MAX_BYTES // 1024 // 1024} MB")
    try:
        har = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError("body", f"not JSON: {exc}") from None
    name = request.headers.get("x-filename", "upload.har")
    report = await har_service.import_har(runtime.sessions, har, name=name)
    return report.as_dict()
