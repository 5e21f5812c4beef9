"""SnowNLP scores of stored posts, computed on first need and kept in `post_sentiment`.

Scoring costs a few milliseconds of CPU per post, so a request scores at most
`limit` new posts (off the event loop) and says how many are still unscored.
A score is dropped when the post's text changes (see `invalidate`, called by the indexer).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from keypick.content.models import PostRow
from keypick.db import utcnow
from keypick.insights.models import PostSentimentRow
from keypick.insights.nlp import DEFAULT_TOOLS, TextTools


def post_text(title: str | None, content: str | None) -> str:
    """Return the text a post is scored on: title and content, as the insights read them."""
    return "\n".join(part for part in (title or "", content or "") if part.strip())


def text_hash(text: str) -> str:
    """Return a short stable hash of a text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def _unscored() -> ColumnElement[bool]:
    return ~select(PostSentimentRow.post_pk).where(PostSentimentRow.post_pk == PostRow.pk).exists()


async def ensure_scores(
    session: AsyncSession, where: Sequence[ColumnElement[bool]], *, limit: int, tools: TextTools = DEFAULT_TOOLS
) -> int:
    """Score up to `limit` unscored posts matching `where` (newest first); return how many remain unscored."""
    rows = (
        await session.execute(
            select(PostRow.pk, PostRow.title, PostRow.content)
            .where(*where, _unscored())
            .order_by(PostRow.pk.desc())
            .limit(limit)
        )
    ).all()
    if rows:
        texts = [post_text(title, content) for _, title, content in rows]

        def score_all() -> list[float | None]:
            return [round(tools.sentiment(t), 4) if t.strip() else None for t in texts]

        scores = await asyncio.to_thread(score_all)
        now = utcnow()
        session.add_all(
            PostSentimentRow(post_pk=pk, score=score, text_hash=text_hash(text), scored_at=now)
            for (pk, _, _), text, score in zip(rows, texts, scores, strict=True)
        )
        await session.commit()
    remaining = await session.scalar(select(func.count()).select_from(PostRow).where(*where, _unscored()))
    return int(remaining or 0)


async def invalidate(session: AsyncSession, texts: Sequence[tuple[int, str]]) -> None:
    """Drop the stored scores of posts whose text is no longer the one scored (pk, current text)."""
    if not texts:
        return
    current = {pk: text_hash(text) for pk, text in texts}
    pks = list(current)
    # One read per 1000 posts (bound parameters stay far below the drivers' limits); a fresh ingest deletes nothing.
    for start in range(0, len(pks), 1000):
        stored = await session.execute(
            select(PostSentimentRow.post_pk, PostSentimentRow.text_hash).where(
                PostSentimentRow.post_pk.in_(pks[start : start + 1000])
            )
        )
        stale = [pk for pk, digest in stored if current[pk] != digest]
        if stale:
            await session.execute(delete(PostSentimentRow).where(PostSentimentRow.post_pk.in_(stale)))
