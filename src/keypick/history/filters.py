"""The filters shared by /api/data query, search, aggregate, stats and export → SQL conditions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from sqlalchemy import ColumnElement, Text, and_, cast, exists, func, or_, select

from keypick.bounds import INT64_MAX
from keypick.content.models import PostRow
from keypick.enums import resolve_platform
from keypick.tasks.models import KeywordHitRow


def _split(value: Any) -> Any:
    if isinstance(value, str):
        return [p.strip() for p in value.replace("，", ",").split(",") if p.strip()]
    return value


class DataFilter(BaseModel):
    """Which posts: every field is optional and they combine with AND (lists with OR inside)."""

    model_config = ConfigDict(extra="forbid")

    task_ids: list[str] = Field(default_factory=list, description="Posts hit by these tasks.")
    platforms: list[str] = Field(default_factory=list, description="Platform names or short names.")
    keywords: list[str] = Field(default_factory=list, description="Posts hit by these crawl keywords.")
    crawled_after: datetime | None = Field(None, description="First seen at or after (ISO 8601).")
    crawled_before: datetime | None = Field(None, description="First seen before (ISO 8601).")
    published_after: datetime | None = Field(None, description="Published at or after (ISO 8601).")
    published_before: datetime | None = Field(None, description="Published before (ISO 8601).")
    search_text: str | None = Field(None, description="Plain substring of title or content (see /search for ranked).")
    tags: list[str] = Field(default_factory=list, description="Posts carrying any of these tags.")
    authors: list[str] = Field(default_factory=list, description="Author names or author ids.")
    min_likes: int | None = Field(None, ge=0, le=INT64_MAX)
    max_likes: int | None = Field(None, ge=0, le=INT64_MAX)
    min_comments: int | None = Field(None, ge=0, le=INT64_MAX)
    max_comments: int | None = Field(None, ge=0, le=INT64_MAX)
    min_shares: int | None = Field(None, ge=0, le=INT64_MAX)
    min_engagement: int | None = Field(
        None, ge=0, le=INT64_MAX, description="likes + comments + shares + collects at least."
    )
    max_engagement: int | None = Field(None, ge=0, le=INT64_MAX)

    @field_validator("task_ids", "platforms", "keywords", "tags", "authors", mode="before")
    @classmethod
    def _lists(cls, value: Any) -> Any:
        return _split(value)

    @field_validator("platforms")
    @classmethod
    def _platforms(cls, value: list[str]) -> list[str]:
        return [resolve_platform(p).value for p in value]

    @field_validator("crawled_after", "crawled_before", "published_after", "published_before")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("needs a time zone, e.g. 2024-05-01T00:00:00+08:00 or ...Z")
        return value

    @field_validator("max_likes", "max_comments", "max_engagement")
    @classmethod
    def _count_range(cls, value: int | None, info: ValidationInfo) -> int | None:
        # An upper bound under the lower one would match nothing, silently: say so instead.
        low_name = str(info.field_name).replace("max_", "min_")
        low = info.data.get(low_name)
        if value is not None and low is not None and value < low:
            raise ValueError(f"must be at least {low_name} ({low}), got {value}")
        return value

    @field_validator("crawled_before", "published_before")
    @classmethod
    def _time_range(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        return later_than_after(value, info)


def later_than_after(before: datetime | None, info: ValidationInfo) -> datetime | None:
    """Validate an `x_before` field against its `x_after` (validated first): ValueError unless later."""
    # The range is [after, before): a `before` not later than `after` would match nothing, silently.
    after_name = str(info.field_name).replace("_before", "_after")
    after = info.data.get(after_name)
    if before is not None and isinstance(after, datetime) and before <= after:
        raise ValueError(f"must be later than {after_name} ({after.isoformat()}), got {before.isoformat()}")
    return before


def _escape_like(text: str) -> str:
    """Return text matched literally inside a LIKE pattern (escape character: backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def engagement() -> ColumnElement[int]:
    """likes + comments + shares + collects, nulls as 0."""
    c = func.coalesce
    return c(PostRow.likes, 0) + c(PostRow.comments, 0) + c(PostRow.shares, 0) + c(PostRow.collects, 0)


def conditions(f: DataFilter) -> list[ColumnElement[bool]]:
    """Return the WHERE conditions on `post` for a filter."""
    where: list[ColumnElement[bool]] = []
    if f.task_ids or f.keywords:
        hit = [KeywordHitRow.post_pk == PostRow.pk]
        if f.task_ids:
            hit.append(KeywordHitRow.task_id.in_(f.task_ids))
        if f.keywords:
            hit.append(KeywordHitRow.keyword.in_(f.keywords))
        where.append(exists(select(KeywordHitRow.id).where(*hit)))
    if f.platforms:
        where.append(PostRow.platform.in_(f.platforms))
    times: tuple[tuple[Any, datetime | None, str], ...] = (
        (PostRow.first_seen_at, f.crawled_after, "ge"), (PostRow.first_seen_at, f.crawled_before, "lt"),
        (PostRow.publish_time, f.published_after, "ge"), (PostRow.publish_time, f.published_before, "lt"),
    )  # fmt: skip
    for column, bound, op in times:
        if bound is not None:
            where.append(column >= bound if op == "ge" else column < bound)
    if f.search_text:
        # ILIKE on both backends: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
        like = f"%{_escape_like(f.search_text)}%"
        where.append(or_(PostRow.content.ilike(like, escape="\\"), PostRow.title.ilike(like, escape="\\")))
    if f.tags:
        # Tags are a JSON list; match the quoted element text, which works on SQLite and PostgreSQL alike.
        tag_text = cast(PostRow.tags, Text)
        where.append(or_(*[tag_text.like(f'%"{_escape_like(t)}"%', escape="\\") for t in f.tags]))
    if f.authors:
        where.append(or_(PostRow.author_name.in_(f.authors), PostRow.author_id.in_(f.authors)))
    numeric: tuple[tuple[Any, int | None, int | None], ...] = (
        (PostRow.likes, f.min_likes, f.max_likes), (PostRow.comments, f.min_comments, f.max_comments),
        (PostRow.shares, f.min_shares, None), (engagement(), f.min_engagement, f.max_engagement),
    )  # fmt: skip
    for column, low, high in numeric:
        if low is not None:
            where.append(func.coalesce(column, 0) >= low)
        if high is not None:
            where.append(func.coalesce(column, 0) <= high)
    return [and_(*where)] if where else []
