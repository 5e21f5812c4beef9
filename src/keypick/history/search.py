"""Ranked full-text search over stored posts: FTS5 bm25 on SQLite, ts_rank_cd on PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal_column, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from keypick.content.models import PostRow
from keypick.search.tokenize import Query, fts5_expression, tsquery_expression


def relevance(dialect: str, stmt: Select[Any], query: Query) -> tuple[Select[Any], ColumnElement[float]]:
    """Return `stmt` able to rank its posts by `query` and the score (0 for posts the index does not match)."""
    if query.empty:
        return stmt, literal_column("0.0")
    if dialect == "postgresql":
        tsq = func.to_tsquery("simple", tsquery_expression(query))
        return stmt, func.ts_rank_cd(func.coalesce(literal_column("post.search_vector"), text("''::tsvector")), tsq)
    matches = _fts5_matches(fts5_expression(query), scored=True)
    return stmt.outerjoin(matches, matches.c.pk == PostRow.pk), func.coalesce(matches.c.score, 0.0)


def _fts5_matches(expr: str, *, scored: bool) -> Any:
    """The FTS5 matches as a (pk[, score]) subquery; bm25 is negated so higher = better."""
    cols = "rowid AS pk, -bm25(post_fts) AS score" if scored else "rowid AS pk"
    fts = text(f"SELECT {cols} FROM post_fts WHERE post_fts MATCH :expr").bindparams(expr=expr)
    names: list[ColumnElement[Any]] = (
        [literal_column("pk"), literal_column("score")] if scored else [literal_column("pk")]
    )
    return fts.columns(*names).subquery("matches")


def _narrow(dialect: str, query: Query, where: list[ColumnElement[bool]]) -> Select[Any]:
    """Return SELECT pk, score FROM the matching posts WHERE ...: no wide post columns."""
    if dialect == "postgresql":
        tsq = func.to_tsquery("simple", tsquery_expression(query))
        vector: ColumnElement[Any] = literal_column("post.search_vector")
        score = func.ts_rank_cd(vector, tsq).label("score")
        return select(PostRow.pk, score).where(vector.op("@@")(tsq), *where)
    matches = _fts5_matches(fts5_expression(query), scored=True)
    score = matches.c.score.label("score")
    return select(PostRow.pk, score).join(matches, matches.c.pk == PostRow.pk).where(*where)


async def _count(session: AsyncSession, dialect: str, query: Query, where: list[ColumnElement[bool]]) -> int:
    """Exact number of matches: FTS5 alone or the GIN index (bitmap scan) alone when there are no conditions."""
    if dialect == "postgresql":
        tsq = func.to_tsquery("simple", tsquery_expression(query))
        stmt = (
            select(func.count()).select_from(PostRow).where(literal_column("post.search_vector").op("@@")(tsq), *where)
        )
    elif not where:
        stmt = select(func.count()).select_from(_fts5_matches(fts5_expression(query), scored=False))
    else:
        matches = _fts5_matches(fts5_expression(query), scored=False)
        stmt = select(func.count()).select_from(PostRow).join(matches, matches.c.pk == PostRow.pk).where(*where)
    return int(await session.scalar(stmt) or 0)


async def search_page(
    session: AsyncSession, query: Query, where: list[ColumnElement[bool]], *,
    order: ColumnElement[Any] | None, limit: int, offset: int,
) -> tuple[int, list[tuple[PostRow, float]]]:  # fmt: skip
    """Return (exact total, the page's (post, score)) ordered by `order` (None = relevance), then pk, descending.

    Common words match tens of thousands of posts, so only (pk, score) of the matches is ranked and
    sorted, and the wide post rows are read for the page alone. Without conditions on SQLite, FTS5
    counts and ranks by itself (bm25 in C) without touching `post` at all.
    """
    dialect = session.get_bind().dialect.name
    page: list[tuple[int, float]]
    if dialect != "postgresql" and not where and order is None:
        total = await _count(session, dialect, query, where)
        ranked = text(
            "SELECT rowid, -bm25(post_fts) AS score FROM post_fts WHERE post_fts MATCH :expr "
            "ORDER BY score DESC, rowid DESC LIMIT :limit OFFSET :offset"
        ).bindparams(expr=fts5_expression(query), limit=limit, offset=offset)
        page = [(int(pk), float(s)) for pk, s in await session.execute(ranked)]
    else:
        narrow = _narrow(dialect, query, where)
        # OFFSET 0 keeps the planner from moving the score (and the wide tsvector) above the window:
        # the count over the matches then rides on the same single scan as the ranking.
        inner = (narrow if order is None else narrow.add_columns(order.label("sort_key"))).offset(0).subquery()
        key = inner.c.score if order is None else inner.c.sort_key
        stmt = (
            select(inner.c.pk, inner.c.score, func.count().over())
            .order_by(key.desc(), inner.c.pk.desc())
            .limit(limit)
            .offset(offset)
        )
        found = (await session.execute(stmt)).all()
        page = [(int(pk), float(s)) for pk, s, _ in found]
        total = int(found[0][2]) if found else (await _count(session, dialect, query, where) if offset else 0)
    if not page:
        return total, []
    rows = {row.pk: row for row in await session.scalars(select(PostRow).where(PostRow.pk.in_([pk for pk, _ in page])))}
    return total, [(rows[pk], s) for pk, s in page if pk in rows]
