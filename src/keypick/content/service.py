"""Writes and reads of collected content. Every write is an idempotent upsert."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Column, MetaData, bindparam, func, insert, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from keypick.content.models import AuthorRow, CommentRow, EngagementSnapshotRow, PostRow
from keypick.content.schemas import Author, Comment, Post
from keypick.db import upsert_stmt
from keypick.search import index as search_index

_POST_UPDATE = (
    "title", "content", "url", "likes", "collects", "comments", "shares", "views", "author_name",
    "author_id", "author_avatar", "publish_time", "tags", "images", "videos", "ip_location",
    "platform_data", "raw", "last_seen_at",
)  # fmt: skip
_COUNTS = ("likes", "collects", "comments", "shares", "views")


@cache
def _post_upsert(dialect: str) -> Any:
    """Return the post upsert of a dialect, built once: rows go in as executemany parameters, so the
    compiled form is cached instead of compiled anew for every batch (insertmanyvalues batches it)."""
    table: Any = PostRow.__table__
    if dialect == "sqlite":
        stmt: Any = sqlite.insert(table)
        update: tuple[str, ...] = _POST_UPDATE
    elif dialect == "postgresql":
        # search_vector exists on PostgreSQL only (migration 0003), so the model lacks it: write it in the
        # same INSERT/UPDATE from the segmented text instead of rewriting every row with a second UPDATE.
        table = table.to_metadata(MetaData())
        table.append_column(Column("search_vector", postgresql.TSVECTOR()))
        vector = func.to_tsvector(literal_column("'simple'::regconfig"), bindparam("search_doc"))
        stmt = postgresql.insert(table).values(search_vector=vector)
        update = (*_POST_UPDATE, "search_vector")
    else:
        raise NotImplementedError(f"unsupported database dialect {dialect!r}")
    stmt = stmt.on_conflict_do_update(
        index_elements=["platform", "platform_post_id"], set_={c: stmt.excluded[c] for c in update}
    )
    return stmt.returning(table.c.pk, table.c.platform, table.c.platform_post_id)


def _unique_by(items: Sequence[Any], key: Any) -> list[Any]:
    """Keep the last item per key: one statement may not touch the same row twice (PostgreSQL)."""
    return list({key(item): item for item in items}.values())


async def upsert_posts(
    session: AsyncSession, posts: Sequence[Post], *, now: datetime, task_id: str | None = None
) -> dict[str, int]:
    """Insert or refresh posts, append one engagement snapshot each; return platform id → pk."""
    posts = _unique_by(posts, lambda p: (p.platform, p.id))
    if not posts:
        return {}
    rows = [
        {
            "platform": p.platform,
            "platform_post_id": p.id,
            "title": p.title,
            "content": p.content,
            "url": p.url,
            **{c: getattr(p, c) for c in _COUNTS},
            "author_name": p.author,
            "author_id": p.author_id,
            "author_avatar": p.author_avatar,
            "publish_time": p.publish_time,
            "tags": p.tags,
            "images": p.images,
            "videos": p.videos,
            "ip_location": p.ip_location,
            "platform_data": p.platform_data,
            "raw": p.raw,
            "first_seen_at": p.crawl_time or now,
            "last_seen_at": p.crawl_time or now,
        }
        for p in posts
    ]
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        for row, post in zip(rows, posts, strict=True):
            row["search_doc"] = search_index.document(post)
    result = await session.execute(_post_upsert(dialect), rows)
    pks = {(platform, pid): pk for pk, platform, pid in result.all()}
    snapshots = [
        {
            "post_pk": pks[(p.platform, p.id)],
            "task_id": task_id,
            "captured_at": p.crawl_time or now,
            **{c: getattr(p, c) for c in _COUNTS},
        }
        for p in posts
    ]
    snapshot_table: Any = EngagementSnapshotRow.__table__  # Core: no per-row ORM bookkeeping
    await session.execute(insert(snapshot_table), snapshots)
    await search_index.index_posts(
        session, [(pks[(p.platform, p.id)], p) for p in posts], vectors_written=dialect == "postgresql"
    )
    return {pid: pk for (_platform, pid), pk in pks.items()}


async def upsert_authors(session: AsyncSession, authors: Sequence[Author], *, now: datetime) -> None:
    """Insert or refresh author profiles."""
    authors = _unique_by(authors, lambda a: (a.platform, a.author_id))
    if not authors:
        return
    fields = (
        "nickname", "avatar", "gender", "description", "ip_location", "followers", "following",
        "posts_count", "likes_received", "profile_url", "platform_data",
    )  # fmt: skip
    rows = [
        {"platform": a.platform, "platform_author_id": a.author_id, "updated_at": now}
        | {f: getattr(a, f) for f in fields}
        for a in authors
    ]
    stmt = upsert_stmt(
        session, AuthorRow, rows, keys=("platform", "platform_author_id"), update=(*fields, "updated_at")
    )
    await session.execute(stmt)


async def upsert_comments(
    session: AsyncSession, comments: Sequence[Comment], *, post_pks: dict[str, int], now: datetime
) -> int:
    """Insert or refresh comments of posts already stored; return how many rows were written."""
    comments = _unique_by([c for c in comments if c.post_id in post_pks], lambda c: (c.platform, c.comment_id))
    if not comments:
        return 0
    rows = [
        {
            "platform": c.platform,
            "platform_comment_id": c.comment_id,
            "post_pk": post_pks[c.post_id],
            "platform_post_id": c.post_id,
            "parent_comment_id": c.parent_id,
            "author_name": c.author,
            "author_id": c.author_id,
            "content": c.content,
            "likes": c.likes,
            "publish_time": c.publish_time,
            "ip_location": c.ip_location,
            "reply_count": c.reply_count,
            "platform_data": c.platform_data,
            "raw": c.raw,
            "first_seen_at": now,
            "last_seen_at": now,
        }
        for c in comments
    ]
    update = ("content", "likes", "reply_count", "ip_location", "platform_data", "raw", "last_seen_at")
    stmt = upsert_stmt(session, CommentRow, rows, keys=("platform", "platform_comment_id"), update=update)
    await session.execute(stmt)
    return len(rows)


def post_from_row(row: PostRow, *, task_id: str | None = None) -> Post:
    """Return the normalized record of a stored post."""
    return Post(
        id=row.platform_post_id,
        platform=row.platform,
        title=row.title,
        content=row.content,
        url=row.url,
        likes=row.likes,
        collects=row.collects,
        comments=row.comments,
        shares=row.shares,
        views=row.views,
        author=row.author_name,
        author_id=row.author_id,
        author_avatar=row.author_avatar,
        publish_time=row.publish_time,
        tags=list(row.tags or []),
        images=list(row.images or []),
        videos=list(row.videos or []),
        ip_location=row.ip_location,
        crawl_time=row.last_seen_at,
        task_id=task_id,
        platform_data=dict(row.platform_data or {}),
    )


def comment_from_row(row: CommentRow) -> Comment:
    """Return the normalized record of a stored comment."""
    return Comment(
        comment_id=row.platform_comment_id,
        post_id=row.platform_post_id,
        platform=row.platform,
        parent_id=row.parent_comment_id,
        author=row.author_name,
        author_id=row.author_id,
        content=row.content,
        likes=row.likes,
        publish_time=row.publish_time,
        ip_location=row.ip_location,
        reply_count=row.reply_count,
        platform_data=dict(row.platform_data or {}),
    )


async def list_comments(session: AsyncSession, *, post_pks: Sequence[int]) -> dict[int, list[Comment]]:
    """Return the stored comments of the given posts, oldest first, grouped by post pk."""
    if not post_pks:
        return {}
    rows = await session.scalars(select(CommentRow).where(CommentRow.post_pk.in_(post_pks)).order_by(CommentRow.pk))
    grouped: dict[int, list[Comment]] = {}
    for row in rows:
        grouped.setdefault(row.post_pk, []).append(comment_from_row(row))
    return grouped


async def count_posts(session: AsyncSession) -> int:
    """Return the number of stored posts."""
    return int(await session.scalar(select(func.count()).select_from(PostRow)) or 0)
