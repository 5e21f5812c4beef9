"""/api/data: the collected history — query, search, stats, cleanup."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from keypick.api.runtime import Runtime, get_runtime
from keypick.history import service as history_service
from keypick.history.dependencies import data_filter
from keypick.history.filters import DataFilter

router = APIRouter(prefix="/api/data", tags=["data"])
SORT_HELP = "hot, recent, likes, comments, shares (search also: relevant)."


@router.get("/", operation_id="query_posts", summary="Stored posts, filtered, sorted and paged.")
async def query(
    f: DataFilter = Depends(data_filter),
    runtime: Runtime = Depends(get_runtime),
    sort: str = Query("recent", description=SORT_HELP),
    limit: int = Query(20, ge=1, le=500),
    offset: int = Query(0, ge=0, description="Skip this many (or use cursor)."),
    cursor: str | None = Query(None, description="next_cursor of the previous page (keyset paging)."),
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
    offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    """Return posts ranked by relevance (jieba segmentation; FTS5 or tsvector) with <mark> snippets."""
    async with runtime.sessions() as session:
        return await history_service.search(session, q, f, sort=sort, limit=limit, offset=offset)


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
