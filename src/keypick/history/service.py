"""Reading the history: filtered, sorted, paged (offset or keyset cursor), searched; stats; cleanup."""

from __future__ import annotations

import base64
import json
import math
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from keypick.bounds import INT64_MAX
from keypick.content import service as content_service
from keypick.content.models import AuthorRow, CommentRow, EngagementSnapshotRow, PostRow
from keypick.db import utcnow
from keypick.exceptions import ValidationError
from keypick.history.filters import DataFilter, conditions, engagement
from keypick.history.search import DEFAULT_RANK_WINDOW, relevance, search_page
from keypick.insights import nlp
from keypick.insights.models import PostSentimentRow
from keypick.search.highlight import snippet
from keypick.search.tokenize import parse_query
from keypick.tasks.models import KeywordHitRow, TaskRow

SORTS = ("hot", "recent", "likes", "comments", "shares", "relevant")


def sort_key(sort: str) -> ColumnElement[Any]:
    """Return the expression a sort orders by (descending), ties broken by pk."""
    c = func.coalesce
    keys: dict[str, ColumnElement[Any]] = {
        "hot": c(PostRow.likes, 0) + 2 * c(PostRow.comments, 0) + 3 * c(PostRow.shares, 0) + 2 * c(PostRow.collects, 0),
        "recent": c(PostRow.publish_time, PostRow.first_seen_at),
        "likes": c(PostRow.likes, -1),
        "comments": c(PostRow.comments, -1),
        "shares": c(PostRow.shares, -1),
    }
    if sort not in keys:
        raise ValidationError("sort", f"{sort!r} is not one of {', '.join(SORTS)}")
    return keys[sort]


def _encode_cursor(sort: str, value: Any, pk: int) -> str:
    if isinstance(value, datetime):
        value = value.isoformat()
    elif isinstance(value, float | Decimal):
        value = float(value)  # exact: the score read back compares equal to the stored one
    # The sort rides in the cursor: a value of one order means nothing as a position in another.
    raw = json.dumps([sort, value, pk])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _cursor_value(value: Any, sort: str) -> Any:
    """The sort value of a decoded cursor, typed as the sort key compares; ValueError when it cannot be one."""
    if sort == "recent":
        stamp = datetime.fromisoformat(value)
        if stamp.tzinfo is None:
            raise ValueError("naive time")
        return stamp
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError("not a number")
    if sort != "relevant" and isinstance(value, int) and not -INT64_MAX <= value <= INT64_MAX:
        raise ValueError("out of the 64-bit range")  # the driver would raise OverflowError
    return float(value) if sort == "relevant" else value


def _decode_cursor(cursor: str, sort: str) -> tuple[Any, int]:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError, RecursionError) as exc:
        raise ValidationError("cursor", "not a cursor this API returned") from exc
    if isinstance(decoded, list) and len(decoded) == 2:
        raise ValidationError("cursor", "a cursor of an older version, which does not name its sort: page again "
                              "from the start (without cursor)")  # fmt: skip
    if not (isinstance(decoded, list) and len(decoded) == 3 and decoded[0] in SORTS):
        raise ValidationError("cursor", "not a cursor this API returned")
    cursor_sort, value, pk = decoded
    if cursor_sort != sort:
        raise ValidationError("cursor", f"this cursor pages sort={cursor_sort}, not sort={sort}: ask with "
                              f"sort={cursor_sort}, or page sort={sort} from the start (without cursor)")  # fmt: skip
    try:
        if isinstance(pk, bool) or not isinstance(pk, int) or not 0 < pk <= INT64_MAX:
            raise ValueError("not a row key")
        return _cursor_value(value, sort), pk
    except (ValueError, TypeError) as exc:
        raise ValidationError("cursor", "not a cursor this API returned") from exc


async def query_posts(
    session: AsyncSession, f: DataFilter, *, sort: str, limit: int, offset: int = 0, cursor: str | None = None
) -> dict[str, Any]:
    """Return {total, posts, next_cursor} for a filter; the cursor pages by (sort value, pk).

    `relevant` ranks the posts containing search_text by full-text relevance to it (FTS5 bm25 / ts_rank_cd).
    """
    where = conditions(f)
    total = int(await session.scalar(select(func.count()).select_from(PostRow).where(*where)) or 0)
    stmt: Select[Any]
    if sort == "relevant":
        if not f.search_text:
            raise ValidationError("sort", "relevant ranks by the text searched: give search_text (or use /search?q=)")
        stmt, key = relevance(session.get_bind().dialect.name, select(PostRow), parse_query(f.search_text))
        stmt = stmt.add_columns(key.label("sort_value")).where(*where)
    else:
        key = sort_key(sort)
        stmt = select(PostRow).add_columns(key.label("sort_value")).where(*where)
    if cursor and offset:
        raise ValidationError("offset", "give offset or cursor, not both (the cursor says where the page starts)")
    if cursor:
        value, pk = _decode_cursor(cursor, sort)
        stmt = stmt.where(or_(key < value, (key == value) & (PostRow.pk < pk)))
    elif offset:
        stmt = stmt.offset(offset)
    rows = (await session.execute(stmt.order_by(key.desc(), PostRow.pk.desc()).limit(limit))).all()
    posts = [content_service.post_from_row(row).model_dump(mode="json") for row, _ in rows]
    last = rows[-1] if len(rows) == limit else None
    return {"total": total, "posts": posts, "next_cursor": _encode_cursor(sort, last[1], last[0].pk) if last else None}


async def search(
    session: AsyncSession, q: str, f: DataFilter, *, sort: str, limit: int, offset: int,
    window: int = DEFAULT_RANK_WINDOW, any_term: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """Ranked Chinese full-text search with highlighted snippets; `sort` defaults to relevance.

    `ranked` says how many matches the relevance order covers: all of them, or the newest `window`.
    `any_term` reads `q` as a question: posts with any of its words (stopwords aside), best first.
    """
    query = parse_query(q, any_term=any_term, ignore=nlp.stopwords() if any_term else frozenset())
    if query.empty:
        raise ValidationError("q", "give at least one word to search for (exclusions like -速溶 alone match nothing)")
    order = None if sort == "relevant" else sort_key(sort)
    found = await search_page(session, query, conditions(f), order=order, limit=limit, offset=offset, window=window)
    results = []
    for row, value in found.rows:
        item = content_service.post_from_row(row).model_dump(mode="json")
        item["score"] = round(float(value), 6)
        item["snippet"] = snippet(f"{row.title or ''} {row.content}".strip(), query.words)
        results.append(item)
    return {
        "query": q, "terms": query.include, "excluded": query.exclude, "total": found.total,
        "total_exact": found.relation == "eq", "total_relation": found.relation, "ranked": found.ranked,
        "results": results,
    }  # fmt: skip


async def stats(session: AsyncSession, f: DataFilter) -> dict[str, Any]:
    """Return counts and ranges of the filtered posts, per platform, plus comments and authors."""
    where = conditions(f)
    row = (await session.execute(
        select(func.count(), func.min(PostRow.publish_time), func.max(PostRow.publish_time),
               func.min(PostRow.first_seen_at), func.max(PostRow.last_seen_at), func.sum(engagement()),
               func.count(func.distinct(PostRow.author_id))).where(*where)
    )).one()  # fmt: skip
    by_platform = {
        p: {"posts": n, "engagement": int(e or 0)}
        for p, n, e in await session.execute(
            select(PostRow.platform, func.count(), func.sum(engagement())).where(*where).group_by(PostRow.platform)
        )
    }
    post_pks = select(PostRow.pk).where(*where)
    comments = await session.scalar(
        select(func.count()).select_from(CommentRow).where(CommentRow.post_pk.in_(post_pks))
    )
    tasks = dict((await session.execute(select(TaskRow.status, func.count()).group_by(TaskRow.status))).all())
    return {
        "posts": row[0], "comments": int(comments or 0), "authors": row[6], "engagement": int(row[5] or 0),
        "published_from": row[1], "published_to": row[2], "crawled_from": row[3], "crawled_to": row[4],
        "by_platform": by_platform, "tasks_by_status": tasks,
        "stored_authors": int(await session.scalar(select(func.count()).select_from(AuthorRow)) or 0),
    }  # fmt: skip


async def cleanup(session: AsyncSession, *, older_than_days: int, dry_run: bool) -> dict[str, Any]:
    """Delete posts not seen for `older_than_days` (with their comments, snapshots and hits); dry run reports."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    old = select(PostRow.pk).where(PostRow.last_seen_at < cutoff)
    counts = {
        "posts": await session.scalar(select(func.count()).select_from(PostRow).where(PostRow.last_seen_at < cutoff)),
        "comments": await session.scalar(
            select(func.count()).select_from(CommentRow).where(CommentRow.post_pk.in_(old))
        ),
        "snapshots": await session.scalar(
            select(func.count()).select_from(EngagementSnapshotRow).where(EngagementSnapshotRow.post_pk.in_(old))
        ),
        "keyword_hits": await session.scalar(
            select(func.count()).select_from(KeywordHitRow).where(KeywordHitRow.post_pk.in_(old))
        ),
    }
    counts = {k: int(v or 0) for k, v in counts.items()}
    if not dry_run:
        # Children first: SQLite only cascades with foreign keys on, PostgreSQL always; be explicit for both.
        for model, column in ((CommentRow, CommentRow.post_pk), (EngagementSnapshotRow, EngagementSnapshotRow.post_pk),
                              (KeywordHitRow, KeywordHitRow.post_pk),
                              (PostSentimentRow, PostSentimentRow.post_pk)):  # fmt: skip
            await session.execute(delete(model).where(column.in_(old)))
        await session.execute(delete(PostRow).where(PostRow.last_seen_at < cutoff))
        await session.commit()
    return {"dry_run": dry_run, "older_than_days": older_than_days, "cutoff": cutoff,
            "would_delete" if dry_run else "deleted": counts}  # fmt: skip
