"""Tables of collected content: post, engagement_snapshot, author, comment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from keypick.db import Base, BigId, JSONType, UTCDateTime


class PostRow(Base):
    """One post per (platform, platform_post_id); counts are the latest seen."""

    __tablename__ = "post"
    __table_args__ = (
        UniqueConstraint("platform", "platform_post_id"),
        Index("ix_post_publish_time", "publish_time"),
        Index("ix_post_author", "platform", "author_id"),
    )

    pk: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32))
    platform_post_id: Mapped[str] = mapped_column(String(128))
    title: Mapped[str | None] = mapped_column(Text)
    content: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(Text)
    likes: Mapped[int | None] = mapped_column(BigInteger)
    collects: Mapped[int | None] = mapped_column(BigInteger)
    comments: Mapped[int | None] = mapped_column(BigInteger)
    shares: Mapped[int | None] = mapped_column(BigInteger)
    views: Mapped[int | None] = mapped_column(BigInteger)
    author_name: Mapped[str | None] = mapped_column(String(255))
    author_id: Mapped[str | None] = mapped_column(String(128))
    author_avatar: Mapped[str | None] = mapped_column(Text)
    publish_time: Mapped[datetime | None] = mapped_column(UTCDateTime)
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    images: Mapped[list[str]] = mapped_column(JSONType, default=list)
    videos: Mapped[list[str]] = mapped_column(JSONType, default=list)
    ip_location: Mapped[str | None] = mapped_column(String(64))
    platform_data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    raw: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EngagementSnapshotRow(Base):
    """Append-only: the counts of a post each time it was seen."""

    __tablename__ = "engagement_snapshot"
    __table_args__ = (Index("ix_engagement_snapshot_post", "post_pk", "captured_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    post_pk: Mapped[int] = mapped_column(ForeignKey("post.pk", ondelete="CASCADE"))
    task_id: Mapped[str | None] = mapped_column(String(32))
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime)
    likes: Mapped[int | None] = mapped_column(BigInteger)
    collects: Mapped[int | None] = mapped_column(BigInteger)
    comments: Mapped[int | None] = mapped_column(BigInteger)
    shares: Mapped[int | None] = mapped_column(BigInteger)
    views: Mapped[int | None] = mapped_column(BigInteger)


class AuthorRow(Base):
    """A platform account."""

    __tablename__ = "author"
    __table_args__ = (UniqueConstraint("platform", "platform_author_id"),)

    pk: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32))
    platform_author_id: Mapped[str] = mapped_column(String(128))
    nickname: Mapped[str | None] = mapped_column(String(255))
    avatar: Mapped[str | None] = mapped_column(Text)
    gender: Mapped[str | None] = mapped_column(String(16))
    description: Mapped[str | None] = mapped_column(Text)
    ip_location: Mapped[str | None] = mapped_column(String(64))
    followers: Mapped[int | None] = mapped_column(BigInteger)
    following: Mapped[int | None] = mapped_column(BigInteger)
    posts_count: Mapped[int | None] = mapped_column(BigInteger)
    likes_received: Mapped[int | None] = mapped_column(BigInteger)
    profile_url: Mapped[str | None] = mapped_column(Text)
    platform_data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CommentRow(Base):
    """A comment or reply; `parent_comment_id` is the platform id of the root comment."""

    __tablename__ = "comment"
    __table_args__ = (
        UniqueConstraint("platform", "platform_comment_id"),
        Index("ix_comment_post", "post_pk"),
    )

    pk: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32))
    platform_comment_id: Mapped[str] = mapped_column(String(128))
    post_pk: Mapped[int] = mapped_column(ForeignKey("post.pk", ondelete="CASCADE"))
    platform_post_id: Mapped[str] = mapped_column(String(128))
    parent_comment_id: Mapped[str | None] = mapped_column(String(128))
    author_name: Mapped[str | None] = mapped_column(String(255))
    author_id: Mapped[str | None] = mapped_column(String(128))
    content: Mapped[str] = mapped_column(Text, default="")
    likes: Mapped[int | None] = mapped_column(BigInteger)
    publish_time: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip_location: Mapped[str | None] = mapped_column(String(64))
    reply_count: Mapped[int | None] = mapped_column(BigInteger)
    platform_data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    raw: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
