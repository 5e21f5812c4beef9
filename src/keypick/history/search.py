"""Ranked full-text search over stored posts: FTS5 bm25 on SQLite, ts_rank_cd on PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal_column, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from keypick.content.models import PostRow
from keypick.search.tokenize import Query, fts5_expression, tsquery_expression


def search_select(dialect: str, query: Query) -> tuple[Select[Any], ColumnElement[float]]:
    """Return (SELECT post, score FROM matches, score column) for the dialect; higher score = better."""
    if dialect == "postgresql":
        tsq = func.to_tsquery("simple", tsquery_expression(query))
        vector: ColumnElement[Any] = literal_column("post.search_vector")
        score = func.ts_rank_cd(vector, tsq).label("score")
        return select(PostRow, score).where(vector.op("@@")(tsq)), score
    fts = text("SELECT rowid AS pk, -bm25(post_fts) AS score FROM post_fts WHERE post_fts MATCH :expr").bindparams(
        expr=fts5_expression(query)
    )
    matches = fts.columns(literal_column("pk"), literal_column("score")).subquery("matches")
    score = matches.c.score.label("score")
    return select(PostRow, score).join(matches, matches.c.pk == PostRow.pk), score


def relevance(dialect: str, stmt: Select[Any], query: Query) -> tuple[Select[Any], ColumnElement[float]]:
    """Return `stmt` able to rank its posts by `query` and the score (0 for posts the index does not match)."""
    if query.empty:
        return stmt, literal_column("0.0")
    if dialect == "postgresql":
        tsq = func.to_tsquery("simple", tsquery_expression(query))
        return stmt, func.ts_rank_cd(func.coalesce(literal_column("post.search_vector"), text("''::tsvector")), tsq)
    fts = text("SELECT rowid AS pk, -bm25(post_fts) AS score FROM post_fts WHERE post_fts MATCH :expr").bindparams(
        expr=fts5_expression(query)
    )
    matches = fts.columns(literal_column("pk"), literal_column("score")).subquery("matches")
    return stmt.outerjoin(matches, matches.c.pk == PostRow.pk), func.coalesce(matches.c.score, 0.0)


async def count_matches(session: AsyncSession, stmt: Select[Any]) -> int:
    """Return how many rows a search select yields."""
    return int(await session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
