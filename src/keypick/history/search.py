"""Ranked full-text search over stored posts: FTS5 bm25 on SQLite, RUM or ts_rank_cd on PostgreSQL.

Ranking visits every match it orders, so a word in a tenth of a million posts would cost a tenth
of a million scores per page. Like the search engines of social networks (newest segments first),
relevance is computed over the newest `window` matches when there are more: exact below that, and
the answer says how many were ranked. Other sorts (likes, recent, ...) always cover every match.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal_column, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from keypick.content.models import PostRow
from keypick.exceptions import ValidationError
from keypick.history import pg_search
from keypick.search.tokenize import Query, fts5_expression, tsquery_expression

#: Relevance ranks at most this many of the newest matches (Settings.search_rank_window overrides it).
DEFAULT_RANK_WINDOW = 10_000


@dataclass
class SearchPage:
    """One page of a search: the total, how it was counted and ranked, and the page's (post, score)."""

    total: int
    relation: str  #: eq (counted), approx (an estimate), gte (at least `total`)
    ranked: int  #: matches the relevance order covers (= total unless the window cut it)
    rows: list[tuple[PostRow, float]]


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


def _narrow(dialect: str, query: Query, where: list[ColumnElement[bool]], *, rum: bool = False) -> Select[Any]:
    """Return SELECT pk, score FROM the matching posts WHERE ...: no wide post columns."""
    if dialect == "postgresql":
        tsq = func.to_tsquery("simple", tsquery_expression(query))
        vector: ColumnElement[Any] = literal_column("post.search_vector")
        # With RUM, score as its index does, so filtered and unfiltered searches give the same scores.
        score = (func.rum_ts_score if rum else func.ts_rank_cd)(vector, tsq).label("score")
        return select(PostRow.pk, score).where(vector.op("@@")(tsq), *where)
    matches = _fts5_matches(fts5_expression(query), scored=True)
    score = matches.c.score.label("score")
    return select(PostRow.pk, score).join(matches, matches.c.pk == PostRow.pk).where(*where)


async def count_matches(session: AsyncSession, query: Query, where: list[ColumnElement[bool]]) -> int:
    """Exact number of matches: FTS5 alone or the tsvector index alone when there are no conditions."""
    if session.get_bind().dialect.name == "postgresql":
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


def check_window(*, total: int, ranked: int, offset: int, limit: int) -> int:
    """Return the page size that stays inside the ranked window; refuse an offset past it.

    Past the window there is no relevance order to page through (it would not be the one of the pages
    before), so such an offset is a 422; a page that starts inside it ends at its edge.
    """
    if ranked < total and offset >= ranked:
        raise ValidationError(
            "offset",
            f"relevance ranks the newest {ranked} of {total} matches; offset must stay below {ranked} "
            "(narrow the query or filter it, or page with sort=recent, which covers every match)",
        )
    return min(limit, ranked - offset) if ranked < total else limit


async def _fts5_ranked(session: AsyncSession, query: Query, *, window: int, limit: int, offset: int) -> SearchPage:
    """SQLite without conditions: FTS5 counts (cheap: doclists only) and ranks by itself, no `post` access."""
    total = await count_matches(session, query, [])
    ranked = min(total, window) if window else total
    limit = check_window(total=total, ranked=ranked, offset=offset, limit=limit)
    newest = "ORDER BY rowid DESC LIMIT :window" if ranked < total else ""
    # bm25 keeps the collection's statistics (idf) either way; the window only bounds how many rows get a score.
    stmt = text(
        "SELECT rowid, score FROM (SELECT rowid, -bm25(post_fts) AS score FROM post_fts "
        f"WHERE post_fts MATCH :expr {newest}) ORDER BY score DESC, rowid DESC LIMIT :limit OFFSET :offset"
    ).bindparams(expr=fts5_expression(query), limit=limit, offset=offset)
    if newest:
        stmt = stmt.bindparams(window=ranked)
    page = [(int(pk), float(s)) for pk, s in await session.execute(stmt)]
    return SearchPage(total=total, relation="eq", ranked=ranked, rows=await _rows(session, page))


async def search_page(
    session: AsyncSession, query: Query, where: list[ColumnElement[bool]], *,
    order: ColumnElement[Any] | None, limit: int, offset: int, window: int = DEFAULT_RANK_WINDOW,
) -> SearchPage:  # fmt: skip
    """Return one page ordered by `order` (None = relevance), then pk, descending.

    Only (pk, score) of the matches is ranked and sorted; the wide post rows are read for the page
    alone. `window` (0: no limit) bounds relevance to the newest matches where the backend can take
    them newest first without scoring the rest (FTS5); RUM ranks every match from the index.
    """
    dialect = session.get_bind().dialect.name
    if dialect != "postgresql" and not where and order is None:
        return await _fts5_ranked(session, query, window=window, limit=limit, offset=offset)
    rum = dialect == "postgresql" and await pg_search.has_rum(session)
    if rum and order is None and not where:
        total, relation, posts = await pg_search.rum_ranked(session, query, limit=limit, offset=offset)
        return SearchPage(total=total, relation=relation, ranked=total, rows=posts)
    narrow = _narrow(dialect, query, where, rum=rum)
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
    total = int(found[0][2]) if found else (await count_matches(session, query, where) if offset else 0)
    return SearchPage(total=total, relation="eq", ranked=total, rows=await _rows(session, page))


async def _rows(session: AsyncSession, page: list[tuple[int, float]]) -> list[tuple[PostRow, float]]:
    """Read the page's post rows by primary key, in the page's order."""
    if not page:
        return []
    rows = {row.pk: row for row in await session.scalars(select(PostRow).where(PostRow.pk.in_([pk for pk, _ in page])))}
    return [(rows[pk], s) for pk, s in page if pk in rows]
