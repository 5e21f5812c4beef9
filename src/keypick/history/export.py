"""Streaming exports of the history: rows read in keyset batches, written as they come (bounded memory)."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from pydantic import ConfigDict, Field, field_validator
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import defer

from keypick.bounds import INT64_MAX
from keypick.content import service as content_service
from keypick.content.models import CommentRow, PostRow
from keypick.content.schemas import Comment
from keypick.export.stream import XlsxWriter, check_format
from keypick.history.filters import DataFilter, conditions
from keypick.tasks.results import POST_FIELDS

COMMENT_FIELDS = tuple(n for n, f in Comment.model_fields.items() if not f.exclude)
BATCH = 1000


class ExportRequest(DataFilter):
    """POST /api/data/export: the filter fields plus format and field selection."""

    model_config = ConfigDict(extra="forbid")

    format: str = Field("csv", description="csv (UTF-8 BOM), jsonl, json, xlsx (posts + comments sheets) or md.")
    fields: list[str] = Field(default_factory=list, description="Post fields to include (default: all).")
    include_comments: bool = Field(False, description="XLSX: add a comments sheet; other formats: ignored.")
    limit: int | None = Field(None, ge=1, le=INT64_MAX, description="At most this many posts (default: all).")
    excel_ids: bool = Field(
        True, description='CSV: write digit-only ids as ="123…" so Excel keeps them as text (false: plain values).'
    )

    @field_validator("format")
    @classmethod
    def _format(cls, value: str) -> str:
        return check_format(value)

    @field_validator("fields", mode="before")
    @classmethod
    def _fields(cls, value: Any) -> Any:
        return [p.strip() for p in value.split(",") if p.strip()] if isinstance(value, str) else value

    @field_validator("fields")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        unknown = [f for f in value if f not in POST_FIELDS]
        if unknown:
            raise ValueError(f"unknown field(s) {', '.join(unknown)}; choose from {', '.join(POST_FIELDS)}")
        return value

    @property
    def columns(self) -> list[str]:
        """The post columns to write."""
        return self.fields or list(POST_FIELDS)


async def post_rows(
    sessions: async_sessionmaker[AsyncSession], f: DataFilter, *, limit: int | None = None
) -> AsyncIterator[dict[str, Any]]:
    """Yield filtered posts as normalized dicts, newest rows first, BATCH at a time (keyset on pk)."""
    last: int | None = None
    sent = 0
    while True:
        async with sessions() as session:
            # The raw platform payload is never exported and is the largest column: leave it in the database.
            stmt = select(PostRow).options(defer(PostRow.raw)).where(*conditions(f))
            if last is not None:
                stmt = stmt.where(PostRow.pk < last)
            batch = list(await session.scalars(stmt.order_by(PostRow.pk.desc()).limit(BATCH)))
        for row in batch:
            if limit is not None and sent >= limit:
                return
            sent += 1
            yield content_service.post_from_row(row).model_dump(mode="json")
        if len(batch) < BATCH:
            return
        last = batch[-1].pk


async def comment_rows(sessions: async_sessionmaker[AsyncSession], f: DataFilter) -> AsyncIterator[dict[str, Any]]:
    """Yield the comments of the filtered posts, BATCH at a time."""
    last = 0
    posts = select(PostRow.pk).where(*conditions(f))
    while True:
        async with sessions() as session:
            batch = list(await session.scalars(
                select(CommentRow).where(CommentRow.post_pk.in_(posts), CommentRow.pk > last)
                .order_by(CommentRow.pk).limit(BATCH)
            ))  # fmt: skip
        for row in batch:
            yield content_service.comment_from_row(row).model_dump(mode="json")
        if len(batch) < BATCH:
            return
        last = batch[-1].pk


async def write_xlsx(sessions: async_sessionmaker[AsyncSession], req: ExportRequest) -> Path:
    """Write the XLSX export to a temporary file (rows streamed into the zip: flat memory) and return its path."""
    handle = tempfile.NamedTemporaryFile(prefix="keypick-export-", suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    path = Path(handle.name)
    try:
        book = XlsxWriter(path)
        await book.asheet("posts", req.columns, post_rows(sessions, req, limit=req.limit))
        if req.include_comments:
            await book.asheet("comments", COMMENT_FIELDS, comment_rows(sessions, req))
        book.close()
    except BaseException:
        await asyncio.to_thread(path.unlink, missing_ok=True)  # a half-written file is no export
        raise
    return path
