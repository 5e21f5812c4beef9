"""FastAPI dependencies: the shared filter query parameters → DataFilter (422 naming the field)."""

from __future__ import annotations

from datetime import datetime

from fastapi import Query
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError as PydanticValidationError

from keypick.bounds import INT64_MAX
from keypick.history.filters import DataFilter


def data_filter(
    task_ids: str | None = Query(None, description="Comma list of task ids."),
    platforms: str | None = Query(None, description="Comma list of platforms (names or xhs, dy, ks, bili, wb)."),
    keywords: str | None = Query(None, description="Comma list of crawl keywords."),
    crawled_after: datetime | None = Query(None, description="ISO 8601 with time zone."),
    crawled_before: datetime | None = Query(None, description="ISO 8601 with time zone, later than crawled_after."),
    published_after: datetime | None = Query(None, description="ISO 8601 with time zone."),
    published_before: datetime | None = Query(None, description="ISO 8601 with time zone, later than published_after."),
    search_text: str | None = Query(None, max_length=200, description="Substring of title or content."),
    tags: str | None = Query(None, description="Comma list of tags (any)."),
    authors: str | None = Query(None, description="Comma list of author names or ids."),
    min_likes: int | None = Query(None, ge=0, le=INT64_MAX),
    max_likes: int | None = Query(None, ge=0, le=INT64_MAX, description="At least min_likes."),
    min_comments: int | None = Query(None, ge=0, le=INT64_MAX),
    max_comments: int | None = Query(None, ge=0, le=INT64_MAX, description="At least min_comments."),
    min_shares: int | None = Query(None, ge=0, le=INT64_MAX),
    min_engagement: int | None = Query(
        None, ge=0, le=INT64_MAX, description="likes+comments+shares+collects at least."
    ),
    max_engagement: int | None = Query(None, ge=0, le=INT64_MAX, description="At least min_engagement."),
) -> DataFilter:
    """Build the filter; bad values become a 422 naming the parameter."""
    values = {k: v for k, v in locals().items() if v is not None}
    try:
        return DataFilter(**values)
    except PydanticValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False, include_context=False)) from None
