"""/api/data: the collected history — query, search, stats, cleanup."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse, Response, StreamingResponse
from starlette.background import BackgroundTask

from keypick.api.runtime import Runtime, get_runtime
from keypick.api.strict_query import reject_unknown_query
from keypick.bounds import MAX_OFFSET
from keypick.db import utcnow
from keypick.export.stream import MEDIA_TYPES, atext_chunks
from keypick.history import aggregate as history_aggregate
from keypick.history import export as history_export
from keypick.history import service as history_service
from keypick.history.dependencies import data_filter
from keypick.history.export import ExportRequest
from keypick.history.filters import DataFilter

router = APIRouter(prefix="/api/data", tags=["data"], dependencies=[Depends(reject_unknown_query)])
SORT_HELP = "hot, recent, likes, comments, shares, relevant (full-text rank; here it needs search_text)."


@router.get("/", operation_id="query_posts", summary="Stored posts, filtered, sorted and paged.")
async def query(
    f: DataFilter = Depends(data_filter),
    runtime: Runtime = Depends(get_runtime),
    sort: str = Query("recent", description=SORT_HELP),
    limit: int = Query(20, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_OFFSET, description="Skip this many (or use cursor, not both)."),
    cursor: str | None = Query(
        None, max_length=200, description="next_cursor of the previous page of the same sort (keyset paging)."
    ),
    include_stats: bool = Query(False, description="Add the stats of the whole filtered set."),
) -> dict[str, Any]:
    """Return posts matching the filters with total and next_cursor."""
    async with runtime.sessions() as session:
        page = await history_service.query_posts(session, f, sort=sort, limit=limit, offset=offset, cursor=cursor)
        if include_stats:
            page["stats"] = await history_service.stats(session, f)
    return page | {"limit": limit, "offset": offset, "sort": sort}


@router.get("/search", operation_id="search_posts", summary="Chinese full-text search with highlights.")
async def search(
    q: str = Query(..., min_length=1, max_length=200, description='Words (AND), "quoted phrases", -exclusions.'),
    f: DataFilter = Depends(data_filter),
    runtime: Runtime = Depends(get_runtime),
    sort: str = Query("relevant", description=SORT_HELP),
    limit: int = Query(20, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> dict[str, Any]:
    """Return posts ranked by relevance (jieba segmentation; FTS5 or tsvector) with <mark> snippets."""
    async with runtime.sessions() as session:
        return await history_service.search(
            session, q, f, sort=sort, limit=limit, offset=offset, window=runtime.settings.search_rank_window
        )


@router.get("/stats", operation_id="data_stats", summary="Counts and ranges of the stored history.")
async def stats(f: DataFilter = Depends(data_filter), runtime: Runtime = Depends(get_runtime)) -> dict[str, Any]:
    """Return posts, comments, authors, engagement and time ranges, per platform."""
    async with runtime.sessions() as session:
        return await history_service.stats(session, f)


@router.delete("/cleanup", operation_id="cleanup_data", summary="Delete posts not seen for N days (dry run first).")
async def cleanup(
    runtime: Runtime = Depends(get_runtime),
    older_than_days: int = Query(..., ge=1, le=36500, description="Posts last seen more than this many days ago."),
    dry_run: bool = Query(True, description="Only report what would be deleted (default)."),
) -> dict[str, Any]:
    """Report (dry run) or delete old posts with their comments, snapshots and hits."""
    async with runtime.sessions() as session:
        return await history_service.cleanup(session, older_than_days=older_than_days, dry_run=dry_run)


@router.get("/aggregate", operation_id="aggregate_posts", summary="Counts per day, week, month, platform, ...")
async def aggregate(
    f: DataFilter = Depends(data_filter),
    runtime: Runtime = Depends(get_runtime),
    aggregate_by: str = Query("day", description="day, week, month, platform, author, keyword or tag."),
    metrics: str = Query(
        "posts,engagement,authors",
        description="Comma list of posts, engagement, authors, sentiment (mean SnowNLP score, 0..1).",
    ),
    tz: str = Query("Asia/Shanghai", description="IANA time zone of the day/week/month buckets."),
    limit: int = Query(366, ge=1, le=5000, description="At most this many buckets."),
    score_limit: int = Query(
        2000, ge=0, le=50_000, description="sentiment: score at most this many not-yet-scored posts now."
    ),
) -> dict[str, Any]:
    """Return one bucket per group with the asked metrics (time groups in time order)."""
    wanted = [m.strip() for m in metrics.split(",") if m.strip()]
    async with runtime.sessions() as session:
        return await history_aggregate.aggregate(session, f, group=aggregate_by, metrics=wanted, tz_name=tz,
                                                 limit=limit, score_limit=score_limit)  # fmt: skip


@router.post("/export", operation_id="export_posts", summary="Download the filtered posts (streamed).")
async def export(req: ExportRequest, runtime: Runtime = Depends(get_runtime)) -> Response:
    """Stream csv (UTF-8 BOM), jsonl, json or md; xlsx is written with flat memory, then sent."""
    stamp = utcnow().strftime("%Y%m%d-%H%M%S")
    filename = f"keypick-posts-{stamp}.{req.format}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if req.format == "xlsx":
        path = await history_export.write_xlsx(runtime.sessions, req)
        return FileResponse(path, media_type=MEDIA_TYPES["xlsx"], headers=headers,
                            background=BackgroundTask(path.unlink, missing_ok=True))  # fmt: skip
    rows = history_export.post_rows(runtime.sessions, req, limit=req.limit)
    chunks = (
        chunk.encode("utf-8") async for chunk in atext_chunks(req.format, rows, req.columns, excel_ids=req.excel_ids)
    )
    return StreamingResponse(chunks, media_type=MEDIA_TYPES[req.format], headers=headers)
