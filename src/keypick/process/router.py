"""/api/process: clean, extract insights from, convert and validate posts given in the request."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from starlette.concurrency import run_in_threadpool

from keypick.db import utcnow
from keypick.insights.schemas import Insights
from keypick.process import service as process_service
from keypick.process import transform, validate
from keypick.process.schemas import (
    CleanRequest,
    CleanResponse,
    ExtractRequest,
    TransformRequest,
    TransformResponse,
    ValidateRequest,
    ValidateResponse,
)

router = APIRouter(prefix="/api/process", tags=["process"])


@router.post(
    "/clean",
    operation_id="process_clean",
    response_model=CleanResponse,
    summary="Normalize, deduplicate and find near-duplicates; extract hashtags, mentions, URLs.",
)
async def clean(body: CleanRequest) -> CleanResponse:
    """Return the cleaned posts and a report of duplicates, near-duplicate groups and unreadable values."""
    # Tokenizing and hashing are CPU-bound: off the event loop.
    return await run_in_threadpool(process_service.clean, body, now=utcnow())


@router.post(
    "/extract",
    operation_id="process_extract",
    response_model=Insights,
    summary="Insights (keywords, sentiment, volume...) over the given posts.",
)
async def extract(body: ExtractRequest) -> Insights:
    """Return the same insights document as GET /api/insights, over the posts in the request."""
    return await run_in_threadpool(process_service.extract, body, now=utcnow())


@router.post(
    "/transform",
    operation_id="process_transform",
    response_model=TransformResponse,
    summary="Convert posts to JSON, CSV or Markdown (JSON answer, or a file with download=true).",
)
async def convert(body: TransformRequest) -> Any:
    """Return the converted text in a JSON object, or as a file attachment when download is true."""
    cols = transform.columns(body.fields)
    posts, _ = process_service.to_posts(body.posts, now=utcnow())
    text = transform.render(posts, fmt=body.format, fields=cols)
    media_type = transform.MEDIA_TYPES[body.format]
    filename = f"keypick-posts.{transform.EXTENSIONS[body.format]}"
    if body.download:
        return Response(
            text.encode("utf-8"),
            media_type=media_type,
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    return TransformResponse(
        format=body.format, media_type=media_type, filename=filename, count=len(posts), content=text
    )


@router.post(
    "/validate",
    operation_id="process_validate",
    response_model=ValidateResponse,
    summary="Check records against the post schema: errors and warnings per record.",
)
async def check(body: ValidateRequest) -> ValidateResponse:
    """Return per-record errors (missing id/platform, wrong types, negative counts, bad times) and warnings."""
    return validate.validate(body.posts, now=utcnow())
