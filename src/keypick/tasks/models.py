"""Tables of the task engine: task, task_unit (per platform+keyword), keyword_hit, task_event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from keypick.db import Base, BigId, JSONType, UTCDateTime


class TaskRow(Base):
    """A crawl task: the source of truth the workers claim and resume."""

    __tablename__ = "task"
    __table_args__ = (Index("ix_task_status_created", "status", "created_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    platform: Mapped[str] = mapped_column(String(32))
    keywords: Mapped[list[str]] = mapped_column(JSONType)
    params: Mapped[dict[str, Any]] = mapped_column(JSONType)
    idempotency_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    error: Mapped[str | None] = mapped_column(Text)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TaskUnitRow(Base):
    """One (platform, keyword) of a task: its checkpoint, coverage ledger and stop reason."""

    __tablename__ = "task_unit"
    __table_args__ = (UniqueConstraint("task_id", "platform", "keyword"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(32))
    keyword: Mapped[str] = mapped_column(String(255))
    position: Mapped[int] = mapped_column(Integer)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Cursor of the next page to fetch; None before the first page.
    checkpoint: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    pages_fetched: Mapped[int] = mapped_column(Integer, default=0)
    items_seen: Mapped[int] = mapped_column(Integer, default=0)
    new_items: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    filtered: Mapped[int] = mapped_column(Integer, default=0)
    skipped_cards: Mapped[int] = mapped_column(Integer, default=0)
    comments: Mapped[int] = mapped_column(Integer, default=0)
    stop_reason: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class KeywordHitRow(Base):
    """A post found by a task's keyword, with its rank in that keyword's results."""

    __tablename__ = "keyword_hit"
    __table_args__ = (
        UniqueConstraint("task_id", "keyword", "post_pk"),
        Index("ix_keyword_hit_post", "post_pk"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    keyword: Mapped[str] = mapped_column(String(255))
    platform: Mapped[str] = mapped_column(String(32))
    post_pk: Mapped[int] = mapped_column(ForeignKey("post.pk", ondelete="CASCADE"))
    rank: Mapped[int] = mapped_column(Integer)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TaskEventRow(Base):
    """An ordered log line of a task (start, page, stop, error, cancel...)."""

    __tablename__ = "task_event"
    __table_args__ = (Index("ix_task_event_task", "task_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
