"""The canonical normalized records every parser produces (no SQLAlchemy here).

Field names follow the original KeyPick content model, so results, exports and
`keypick parse` all speak the same language.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_serializer


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


class Record(BaseModel):
    """Base for normalized records: UTC-aware datetimes serialised as ISO 8601."""

    model_config = ConfigDict(extra="forbid")


class Author(Record):
    """A platform account as far as we know it."""

    platform: str
    author_id: str
    nickname: str | None = None
    avatar: str | None = None
    gender: str | None = None
    description: str | None = None
    ip_location: str | None = None
    followers: int | None = None
    following: int | None = None
    posts_count: int | None = None
    likes_received: int | None = None
    profile_url: str | None = None
    platform_data: dict[str, Any] = Field(default_factory=dict)


class Post(Record):
    """One post, note, video, answer or thread, normalized."""

    id: str = Field(description="The platform's own id, as a string.")
    platform: str
    title: str | None = None
    content: str = ""
    url: str | None = None
    likes: int | None = None
    collects: int | None = None
    comments: int | None = None
    shares: int | None = None
    views: int | None = None
    author: str | None = None
    author_id: str | None = None
    author_avatar: str | None = None
    publish_time: datetime | None = None
    tags: list[str] = Field(default_factory=list)
    images: list[str] = Field(default_factory=list)
    videos: list[str] = Field(default_factory=list)
    ip_location: str | None = None
    crawl_time: datetime | None = None
    task_id: str | None = None
    platform_data: dict[str, Any] = Field(default_factory=dict)

    # Not part of the public record: the payload we parsed, kept for re-parsing.
    raw: dict[str, Any] | None = Field(default=None, exclude=True, repr=False)
    # Not public either: the author as parsed from the same payload, if any.
    author_info: Author | None = Field(default=None, exclude=True, repr=False)

    @field_serializer("publish_time", "crawl_time")
    def _ser_time(self, value: datetime | None) -> str | None:
        return _iso(value)


class Comment(Record):
    """One comment or reply, normalized."""

    comment_id: str
    post_id: str
    platform: str
    parent_id: str | None = None
    author: str | None = None
    author_id: str | None = None
    content: str = ""
    likes: int | None = None
    publish_time: datetime | None = None
    ip_location: str | None = None
    reply_count: int | None = None
    platform_data: dict[str, Any] = Field(default_factory=dict)

    raw: dict[str, Any] | None = Field(default=None, exclude=True, repr=False)

    @field_serializer("publish_time")
    def _ser_time(self, value: datetime | None) -> str | None:
        return _iso(value)
