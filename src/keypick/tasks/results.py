"""Reading a task's results: posts hit by its keywords, sorted, paged, with optional comments."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from keypick.content import service as content_service
from keypick.content.models import PostRow
from keypick.content.schemas import Post
from keypick.enums import SortBy
from keypick.exceptions import ValidationError
from keypick.tasks.models import KeywordHitRow

POST_FIELDS = tuple(name for name, f in Post.model_fields.items() if not f.exclude)
RESULT_FIELDS = (*POST_FIELDS, "keywords", "rank")


def _hot_score() -> Any:
    # Weighted engagement: a share or a comment says more than a like. Documented in docs/api.md.
    c = func.coalesce
    return c(PostRow.likes, 0) + 2 * c(PostRow.comments, 0) + 3 * c(PostRow.shares, 0) + 2 * c(PostRow.collects, 0)


def order_clause(sort_by: SortBy | str) -> list[Any]:
    """Return ORDER BY terms for a sort (ties broken by pk for stable paging)."""
    sort = SortBy(sort_by)
    key = {
        SortBy.HOT: _hot_score(),
        SortBy.RECENT: func.coalesce(PostRow.publish_time, PostRow.first_seen_at),
        SortBy.LIKES: func.coalesce(PostRow.likes, -1),
        SortBy.COMMENTS: func.coalesce(PostRow.comments, -1),
        SortBy.SHARES: func.coalesce(PostRow.shares, -1),
    }[sort]
    return [key.desc(), PostRow.pk.desc()]


def parse_fields(fields: str | None) -> list[str] | None:
    """Return the requested field list or None for all; ValidationError names unknown fields."""
    if not fields:
        return None
    wanted = [f.strip() for f in fields.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in RESULT_FIELDS]
    if unknown:
        raise ValidationError(
            "fields", f"unknown field(s) {', '.join(unknown)}; choose from {', '.join(RESULT_FIELDS)}"
        )
    return wanted


def _task_posts(task_id: str, keyword: str | None) -> Select[int, int]:
    where = [KeywordHitRow.task_id == task_id]
    if keyword:
        where.append(KeywordHitRow.keyword == keyword)
    return (
        select(KeywordHitRow.post_pk, func.min(KeywordHitRow.rank).label("rank"))
        .where(*where)
        .group_by(KeywordHitRow.post_pk)
    )


async def task_results(
    session: AsyncSession,
    *,
    task_id: str,
    sort_by: SortBy,
    limit: int,
    offset: int,
    keyword: str | None = None,
    with_comments: bool = False,
) -> tuple[int, list[dict[str, Any]]]:
    """Return (total, page) of a task's posts as normalized dicts (plus keywords and rank)."""
    hits = _task_posts(task_id, keyword).subquery()
    total = int(await session.scalar(select(func.count()).select_from(hits)) or 0)
    rows = (
        await session.execute(
            select(PostRow, hits.c.rank)
            .join(hits, hits.c.post_pk == PostRow.pk)
            .order_by(*order_clause(sort_by))
            .limit(limit)
            .offset(offset)
        )
    ).all()
    pks = [row.pk for row, _ in rows]
    keywords: dict[int, list[str]] = {}
    if pks:
        for pk, word in await session.execute(
            select(KeywordHitRow.post_pk, KeywordHitRow.keyword)
            .where(KeywordHitRow.task_id == task_id, KeywordHitRow.post_pk.in_(pks))
            .order_by(KeywordHitRow.id)
        ):
            keywords.setdefault(pk, []).append(word)
    comments = await content_service.list_comments(session, post_pks=pks) if with_comments else {}
    items = []
    for row, rank in rows:
        item = content_service.post_from_row(row, task_id=task_id).model_dump(mode="json")
        item["keywords"] = keywords.get(row.pk, [])
        item["rank"] = rank
        if with_comments:
            item["comment_list"] = [c.model_dump(mode="json") for c in comments.get(row.pk, [])]
        items.append(item)
    return total, items
