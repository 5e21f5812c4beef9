"""One page of one unit: fetch and enrich (network), then commit (one transaction)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from keypick.content import service as content_service
from keypick.content.models import PostRow
from keypick.content.schemas import Author, Comment, Post
from keypick.enums import StopReason
from keypick.exceptions import PlatformError
from keypick.metrics import ITEMS
from keypick.platforms.base import CrawlMode, Cursor, PlatformAdapter, SearchOptions
from keypick.tasks import service as task_service
from keypick.tasks.filters import PostFilter
from keypick.tasks.models import KeywordHitRow, TaskRow, TaskUnitRow

log = logging.getLogger(__name__)

#: Errors that mean "this account/IP is blocked now": stop the unit instead of going on.
BLOCKING = (StopReason.RISK_CONTROL, StopReason.LOGIN_REQUIRED, StopReason.VERIFICATION_REQUIRED,
            StopReason.RATE_LIMITED, StopReason.BUDGET_EXHAUSTED)  # fmt: skip


@dataclass(frozen=True)
class PageWork:
    """What a unit collects, fixed for its whole run."""

    task_id: str
    keyword: str
    max_results: int
    post_filter: PostFilter
    options: SearchOptions
    include_comments: bool
    max_comments: int
    authors: bool
    time_ordered: bool
    mode: CrawlMode = CrawlMode.SEARCH


@dataclass
class Collected:
    """What one page yielded, ready to commit."""

    posts: list[Post]
    next_cursor: Cursor | None
    seen: int
    skipped_cards: int
    filtered: int = 0
    duplicates: int = 0
    older_than_window: int = 0
    comments: list[Comment] = field(default_factory=list)
    authors: list[Author] = field(default_factory=list)
    blocked: PlatformError | None = None
    notes: list[str] = field(default_factory=list)


async def _known_ids(
    sessions: async_sessionmaker[AsyncSession], work: PageWork, platform: str, ids: list[str]
) -> set[str]:
    """Return the ids among `ids` already hit by this task's keyword (pages can overlap)."""
    if not ids:
        return set()
    async with sessions() as session:
        rows = await session.scalars(
            select(PostRow.platform_post_id)
            .join(KeywordHitRow, KeywordHitRow.post_pk == PostRow.pk)
            .where(KeywordHitRow.task_id == work.task_id, KeywordHitRow.keyword == work.keyword,
                   PostRow.platform == platform, PostRow.platform_post_id.in_(ids))
        )  # fmt: skip
        return set(rows)


async def collect_page(
    adapter: PlatformAdapter,
    work: PageWork,
    *,
    cursor: Cursor | None,
    hits: int,
    sessions: async_sessionmaker[AsyncSession],
) -> Collected:
    """Fetch a search page and everything its new posts need; raise only if the page itself failed."""
    if work.mode is CrawlMode.CREATOR:  # the unit's "keyword" is an author id
        page = await adapter.author_posts(work.keyword, cursor=cursor)
    else:
        page = await adapter.search(work.keyword, cursor=cursor, options=work.options)
    out = Collected(posts=[], next_cursor=page.next_cursor, seen=len(page.posts), skipped_cards=page.skipped)
    known = await _known_ids(sessions, work, adapter.info.platform, [p.id for p in page.posts])
    room = work.max_results - hits
    # Cards are completed before filtering: some platforms' cards lack the text, time or counts the
    # filters read (Xiaohongshu). Cards after the page's room is full cost no request. After a blocking
    # answer the remaining cards are kept as the search returned them: real data, just less of it.
    for card in page.posts:
        if card.id in known or any(p.id == card.id for p in out.posts):
            out.duplicates += 1
            continue
        if len(out.posts) >= room:
            break
        post = card if out.blocked else await _complete_or_block(adapter, card, out)
        if work.post_filter.older_than_window(post):
            out.older_than_window += 1
        if work.post_filter.rejects(post):
            out.filtered += 1
            continue
        out.posts.append(post.model_copy(update={"task_id": work.task_id}))
    if out.blocked is None:
        try:
            if work.include_comments and work.max_comments > 0:
                for post in out.posts:
                    out.comments.extend(await _comments_of(adapter, post, work.max_comments, out))
            if work.authors:
                await _authors_of(adapter, out)
        except PlatformError as exc:
            if exc.stop_reason not in BLOCKING:
                raise
            # Keep the posts of this page; the unit stops after committing them.
            out.blocked = exc
    # Profiles embedded in search cards first; fetched profiles (if asked) come later and win.
    out.authors[:0] = [p.author_info for p in out.posts if p.author_info is not None]
    return out


async def _complete_or_block(adapter: PlatformAdapter, post: Post, out: Collected) -> Post:
    """Fetch what the search card lacked; on failure keep the card (a blocking answer is noted in `out`)."""
    try:
        return await adapter.complete(post)
    except PlatformError as exc:
        if exc.stop_reason in BLOCKING:
            out.blocked = exc
        else:
            out.notes.append(f"detail of {post.id} kept from the search card: {exc.code}: {exc.message}")
        return post


async def _comments_of(adapter: PlatformAdapter, post: Post, limit: int, out: Collected) -> list[Comment]:
    """Page through a post's comments up to `limit`; dedupe by id; a non-blocking error ends this post."""
    seen: dict[str, Comment] = {}
    cursor: Cursor | None = None
    while len(seen) < limit:
        try:
            page = await adapter.comments(post, cursor=cursor)
        except PlatformError as exc:
            if exc.stop_reason in BLOCKING:
                raise
            out.notes.append(f"comments of {post.id} stopped: {exc.code}: {exc.message}")
            break
        for comment in page.comments:
            if len(seen) >= limit:
                break
            seen.setdefault(comment.comment_id, comment)
        if page.next_cursor is None or not page.comments:
            break
        cursor = page.next_cursor
    return list(seen.values())


async def _authors_of(adapter: PlatformAdapter, out: Collected) -> None:
    """Fetch each distinct author's profile once."""
    for author_id in dict.fromkeys(p.author_id for p in out.posts if p.author_id):
        try:
            out.authors.append(await adapter.author(author_id))
        except PlatformError as exc:
            if exc.stop_reason in BLOCKING:
                raise
            out.notes.append(f"author {author_id} skipped: {exc.code}: {exc.message}")


async def commit_page(
    session: AsyncSession, *, unit: TaskUnitRow, work: PageWork, collected: Collected, now: datetime
) -> tuple[StopReason, str | None] | None:
    """Write the page and advance the checkpoint atomically; return why the unit stops, if it does."""
    await content_service.upsert_authors(session, collected.authors, now=now)
    pks = await content_service.upsert_posts(session, collected.posts, now=now, task_id=work.task_id)
    written = await content_service.upsert_comments(session, collected.comments, post_pks=pks, now=now)
    new, dupes = await task_service.record_hits(
        session, task_id=work.task_id, unit=unit, post_pks=[pks[p.id] for p in collected.posts], now=now
    )
    ITEMS.labels(unit.platform, "post").inc(new)
    ITEMS.labels(unit.platform, "comment").inc(written)
    row = await session.get(TaskUnitRow, unit.id)
    task = await session.get(TaskRow, work.task_id)
    assert row is not None and task is not None
    row.checkpoint = collected.next_cursor
    row.pages_fetched += 1
    row.items_seen += collected.seen
    row.new_items += new
    row.duplicates += collected.duplicates + dupes
    row.filtered += collected.filtered
    row.skipped_cards += collected.skipped_cards
    row.comments += written
    row.updated_at = now
    unit.checkpoint = collected.next_cursor
    hits = await task_service.hit_count(session, task_id=work.task_id, keyword=work.keyword)
    task.progress = await _progress(session, task, current=(unit.id, min(1.0, hits / work.max_results)))
    task.updated_at = now
    for note in collected.notes:
        await task_service.add_event(session, task_id=work.task_id, kind="warning", message=note)
    await session.commit()
    if collected.blocked is not None:
        exc = collected.blocked
        return exc.stop_reason, f"{exc.code}: {exc.message}"
    if hits >= work.max_results:
        return StopReason.MAX_RESULTS, None
    if work.time_ordered and collected.older_than_window:
        return StopReason.TIME_WINDOW_PASSED, None
    if collected.next_cursor is None:
        return StopReason.END_OF_RESULTS, None
    return None


async def _progress(session: AsyncSession, task: TaskRow, *, current: tuple[int, float]) -> float:
    """Mean progress of the units: done ones count 1, the running one by its share of max_results."""
    units = await task_service.units(session, task_id=task.id)
    parts = [1.0 if u.done else (current[1] if u.id == current[0] else 0.0) for u in units]
    return round(min(0.99, sum(parts) / max(1, len(parts))), 4)
