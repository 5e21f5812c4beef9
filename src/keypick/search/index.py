"""Keeping the full-text index in sync with stored posts (called by the ingest path)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from keypick.content.schemas import Post
from keypick.insights import stored as stored_sentiment
from keypick.search.tokenize import segment


def document(post: Post) -> str:
    """Return the index text of a post: title, content, tags and author name, segmented."""
    return segment(post.title, post.content, " ".join(post.tags), post.author)


async def index_posts(
    session: AsyncSession, rows: Sequence[tuple[int, Post]], *, vectors_written: bool = False
) -> None:
    """(Re)index posts by primary key, inside the caller's transaction; stale sentiment scores are dropped.

    `vectors_written`: the caller's upsert already set PostgreSQL's search_vector from `document(post)`.
    """
    if not rows:
        return
    await stored_sentiment.invalidate(session, [(pk, stored_sentiment.post_text(p.title, p.content)) for pk, p in rows])
    if vectors_written and session.get_bind().dialect.name == "postgresql":
        return
    values = [{"pk": pk, "doc": document(post)} for pk, post in rows]
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            text("UPDATE post SET search_vector = to_tsvector('simple', :doc) WHERE pk = :pk"), values
        )
        return
    # OR REPLACE drops the old entry of a re-indexed rowid, so no separate DELETE round trip is needed.
    await session.execute(text("INSERT OR REPLACE INTO post_fts(rowid, doc) VALUES (:pk, :doc)"), values)
