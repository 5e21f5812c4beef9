"""Ingest a HAR file through the same parsers into the same tables, as one completed import task."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from keypick.content import service as content_service
from keypick.content.schemas import Author, Comment, Post
from keypick.db import utcnow
from keypick.enums import StopReason, TaskStatus
from keypick.exceptions import KeyPickError, ValidationError
from keypick.harimport.recognize import Recognised, recognise
from keypick.platforms import registry
from keypick.tasks import service as task_service
from keypick.tasks.models import TaskRow, TaskUnitRow

#: The unit that holds posts which came from detail pages rather than a search.
NO_KEYWORD = "(no keyword: detail pages)"


@dataclass
class HarReport:
    """What an import recognised, stored and skipped."""

    task_id: str | None = None
    entries: int = 0
    recognised: Counter[str] = field(default_factory=Counter)
    skipped: list[dict[str, str]] = field(default_factory=list)
    posts: int = 0
    comments: int = 0
    authors: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data (skipped reasons summarised, first 50 listed)."""
        reasons = Counter(s["reason"] for s in self.skipped)
        return {
            "task_id": self.task_id, "entries": self.entries, "recognised": dict(self.recognised),
            "posts": self.posts, "comments": self.comments, "authors": self.authors,
            "skipped": len(self.skipped), "skipped_reasons": dict(reasons), "skipped_examples": self.skipped[:50],
        }  # fmt: skip


def entries_of(har: Any) -> list[dict[str, Any]]:
    """Return the entries of a HAR document; ValidationError when it is not one."""
    log = har.get("log") if isinstance(har, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise ValidationError("har", 'not a HAR file: expected {"log": {"entries": [...]}}')
    return [e for e in entries if isinstance(e, dict)]


def _parse(item: Recognised, report: HarReport) -> list[Any]:
    if not registry.is_available(item.route.platform):
        report.skipped.append({"url": item.url[:200], "reason": f"no {item.route.platform} parser in this version"})
        return []
    try:
        return registry.parse_raw(item.route.platform, item.route.kind, item.payload)
    except KeyPickError as exc:
        report.skipped.append(
            {"url": item.url[:200], "reason": f"{item.route.platform} {item.route.kind}: {exc.message}"}
        )
        return []


async def import_har(sessions: async_sessionmaker[AsyncSession], har: Any, *, name: str) -> HarReport:
    """Parse every recognised entry and store posts, comments and authors; return the report."""
    report = HarReport()
    hits: dict[tuple[str, str], list[Post]] = {}
    comments: list[Comment] = []
    authors: list[Author] = []
    for entry in entries_of(har):
        report.entries += 1
        item = recognise(entry)
        if isinstance(item, str):
            report.skipped.append({"url": str((entry.get("request") or {}).get("url", ""))[:200], "reason": item})
            continue
        records = _parse(item, report)
        if records:
            report.recognised[f"{item.route.platform} {item.route.kind}"] += 1
        for record in records:
            if isinstance(record, Post):
                hits.setdefault((record.platform, item.keyword or NO_KEYWORD), []).append(record)
                if record.author_info is not None:
                    authors.append(record.author_info)
            elif isinstance(record, Comment):
                comments.append(record if record.post_id else record.model_copy(update={"post_id": item.post_id or ""}))
            elif isinstance(record, Author):
                authors.append(record)
    if hits or comments or authors:
        await _store(sessions, report, hits, comments, authors, name=name)
    return report


async def _store(
    sessions: async_sessionmaker[AsyncSession],
    report: HarReport,
    hits: dict[tuple[str, str], list[Post]],
    comments: list[Comment],
    authors: list[Author],
    *,
    name: str,
) -> None:
    now = utcnow()
    platforms = sorted({p for p, _ in hits} | {c.platform for c in comments} | {a.platform for a in authors})
    task_id = uuid.uuid4().hex
    async with sessions() as session:
        session.add(TaskRow(
            id=task_id, status=TaskStatus.COMPLETED, platform=platforms[0] if len(platforms) == 1 else "mixed",
            keywords=sorted({k for _, k in hits if k != NO_KEYWORD}),
            params={"source": "har", "file": name, "platforms": platforms}, progress=1.0, cancel_requested=False,
            attempts=1, created_at=now, updated_at=now, started_at=now, finished_at=now,
        ))  # fmt: skip
        await session.flush()
        await content_service.upsert_authors(session, authors, now=now)
        pks: dict[str, int] = {}
        for position, ((platform, keyword), posts) in enumerate(sorted(hits.items())):
            pks |= await content_service.upsert_posts(session, posts, now=now, task_id=task_id)
            unit = TaskUnitRow(
                task_id=task_id, platform=platform, keyword=keyword, position=position, done=True,
                stop_reason=StopReason.END_OF_RESULTS, items_seen=len(posts), updated_at=now,
            )  # fmt: skip
            session.add(unit)
            await session.flush()
            new, dupes = await task_service.record_hits(
                session, task_id=task_id, unit=unit, post_pks=[pks[p.id] for p in posts], now=now
            )
            unit.new_items, unit.duplicates, unit.pages_fetched = new, dupes, 1
        stored = await _stored_posts(session, comments)
        known = pks | stored
        orphans = [c for c in comments if c.post_id not in known]
        for c in orphans[:50]:
            report.skipped.append(
                {"url": f"comment {c.comment_id}", "reason": "its post is neither stored nor in this HAR"}
            )
        report.comments = await content_service.upsert_comments(session, comments, post_pks=known, now=now)
        await task_service.add_event(session, task_id=task_id, kind="imported", message=f"HAR import of {name}",
                                     data=report.as_dict() | {"task_id": task_id})  # fmt: skip
        await session.commit()
    report.task_id, report.posts, report.authors = task_id, len(pks), len({(a.platform, a.author_id) for a in authors})


async def _stored_posts(session: AsyncSession, comments: list[Comment]) -> dict[str, int]:
    """Return platform id → pk of already stored posts the comments belong to."""
    from sqlalchemy import select

    from keypick.content.models import PostRow

    ids = {c.post_id for c in comments if c.post_id}
    if not ids:
        return {}
    rows = await session.execute(select(PostRow.platform_post_id, PostRow.pk).where(PostRow.platform_post_id.in_(ids)))
    return {pid: pk for pid, pk in rows.all()}
