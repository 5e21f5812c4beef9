"""Reading the posts an insights request is about (by task, platform, keyword, time) and computing them."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from keypick.content import service as content_service
from keypick.content.models import EngagementSnapshotRow, PostRow
from keypick.content.schemas import Post
from keypick.exceptions import NotFound
from keypick.insights import metrics
from keypick.insights.metrics import Snapshot
from keypick.insights.schemas import InsightQuery, Insights
from keypick.tasks.models import KeywordHitRow, TaskRow

# Bound parameters per IN (...) list: well under SQLite's and asyncpg's limits (32766 / 32767).
_CHUNK = 1000


@dataclass
class Dataset:
    """The posts selected for insights, their engagement snapshots and the search keywords behind them."""

    posts: list[Post]
    available: int
    search_keywords: list[str] = field(default_factory=list)
    snapshots: dict[tuple[str, str], list[Snapshot]] = field(default_factory=dict)


def _chunks(items: Sequence[int]) -> list[Sequence[int]]:
    return [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]


async def _conditions(session: AsyncSession, query: InsightQuery) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if query.task_ids:
        found = set(await session.scalars(select(TaskRow.id).where(TaskRow.id.in_(query.task_ids))))
        missing = [t for t in query.task_ids if t not in found]
        if missing:
            raise NotFound(f"task {missing[0]} does not exist", details={"task_ids": missing})
    if query.task_ids or query.keywords:
        hits = select(KeywordHitRow.post_pk)
        if query.task_ids:
            hits = hits.where(KeywordHitRow.task_id.in_(query.task_ids))
        if query.keywords:
            hits = hits.where(KeywordHitRow.keyword.in_(query.keywords))
        where.append(PostRow.pk.in_(hits))
    if query.platforms:
        where.append(PostRow.platform.in_(query.platforms))
    if query.published_after is not None:
        where.append(PostRow.publish_time >= query.published_after)
    if query.published_before is not None:
        where.append(PostRow.publish_time < query.published_before)
    return where


async def _search_keywords(session: AsyncSession, query: InsightQuery, pks: Sequence[int]) -> list[str]:
    words: list[str] = list(query.keywords)
    if query.task_ids:
        for keywords in await session.scalars(select(TaskRow.keywords).where(TaskRow.id.in_(query.task_ids))):
            words.extend(keywords or [])
    if not words:
        # No task or keyword given: the keywords that found the selected posts, in any task.
        for chunk in _chunks(pks):
            rows = await session.scalars(select(KeywordHitRow.keyword).where(KeywordHitRow.post_pk.in_(chunk)))
            words.extend(rows)
    return list(dict.fromkeys(words))


async def _snapshots(session: AsyncSession, keys: dict[int, tuple[str, str]]) -> dict[tuple[str, str], list[Snapshot]]:
    out: dict[tuple[str, str], list[Snapshot]] = {}
    for chunk in _chunks(list(keys)):
        rows = await session.execute(
            select(EngagementSnapshotRow.post_pk, EngagementSnapshotRow.captured_at, EngagementSnapshotRow.likes)
            .where(EngagementSnapshotRow.post_pk.in_(chunk))
            .order_by(EngagementSnapshotRow.post_pk, EngagementSnapshotRow.captured_at)
        )
        for pk, captured_at, likes in rows:
            out.setdefault(keys[pk], []).append(Snapshot(captured_at=captured_at, likes=likes))
    return out


async def load(session: AsyncSession, *, query: InsightQuery) -> Dataset:
    """Return the newest posts matching the query (at most max_posts); NotFound for an unknown task id."""
    where = await _conditions(session, query)
    available = int(await session.scalar(select(func.count()).select_from(PostRow).where(*where)) or 0)
    rows = list(
        await session.scalars(
            select(PostRow)
            .where(*where)
            .order_by(func.coalesce(PostRow.publish_time, PostRow.first_seen_at).desc(), PostRow.pk.desc())
            .limit(query.max_posts)
        )
    )
    keys = {row.pk: (row.platform, row.platform_post_id) for row in rows}
    return Dataset(
        posts=[content_service.post_from_row(row) for row in rows],
        available=available,
        search_keywords=await _search_keywords(session, query, list(keys)),
        snapshots=await _snapshots(session, keys),
    )


async def compute(dataset: Dataset, *, query: InsightQuery, now: datetime) -> Insights:
    """Return the insights of a dataset, computed off the event loop (tokenizing is CPU-bound)."""
    return await asyncio.to_thread(
        metrics.compute,
        dataset.posts,
        options=query,
        now=now,
        snapshots=dataset.snapshots,
        search_keywords=dataset.search_keywords,
        available=dataset.available,
        filters=query.filters(),
    )
