"""Ingest a HAR file through the same parsers into the same tables, as one completed import task.

Every entry ends either recognised (it gave something that was stored) or skipped with a reason, so
`entries == sum(recognised) + skipped`. A comment is stored only under a post that is in this HAR or
already in the database, looked up per (platform, post id); a reply page that names only its root comment
(Zhihu child_comment) finds its post through that root, in this HAR or in the database.

Posts are grouped in units by keyword: the search keyword, the author id of an author's list (as a
creator crawl's units are; params.creators names those units), else NO_KEYWORD. A post in several
entries is written from one version (merge.py: a detail over a list card, a full text over a stub), and
a stub never overwrites a post stored with its full text: its unit's hit goes to the stored row, which
stays as it was.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from keypick.content import service as content_service
from keypick.content.schemas import Author, Comment, Post
from keypick.db import utcnow
from keypick.enums import StopReason, TaskStatus
from keypick.exceptions import KeyPickError, PlatformError, ValidationError
from keypick.harimport.lookup import stored_authors, stored_comment_posts, stored_full_posts, stored_posts
from keypick.harimport.merge import chosen_versions, is_stub, merged_authors
from keypick.harimport.parse import parse_entry
from keypick.harimport.recognize import Recognised, entry_url, recognise
from keypick.platforms import registry
from keypick.tasks import service as task_service
from keypick.tasks.models import TaskRow, TaskUnitRow

#: The unit that holds posts which came from detail pages rather than a search.
NO_KEYWORD = "(no keyword: detail pages)"
NO_POST = "its post is neither in this HAR nor stored"
NO_ROOT = "its root comment is neither in this HAR nor stored"


@dataclass
class HarReport:
    """What an import recognised, stored and skipped."""

    task_id: str | None = None
    entries: int = 0
    recognised: Counter[str] = field(default_factory=Counter)
    skipped: list[dict[str, str]] = field(default_factory=list)
    posts: int = 0
    comments: int = 0
    #: comments of kept entries left out because their own post is unknown (entries whose every comment
    #: is in that case are skipped instead)
    comments_skipped: int = 0
    authors: int = 0

    def skip(self, url: str, reason: str) -> None:
        """Record one skipped entry."""
        self.skipped.append({"url": url[:200], "reason": reason})

    def as_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data (skipped reasons summarised, first 50 listed)."""
        reasons = Counter(s["reason"] for s in self.skipped)
        return {
            "task_id": self.task_id, "entries": self.entries, "recognised": dict(self.recognised),
            "posts": self.posts, "comments": self.comments, "comments_skipped": self.comments_skipped,
            "authors": self.authors, "skipped": len(self.skipped), "skipped_reasons": dict(reasons),
            "skipped_examples": self.skipped[:50],
        }  # fmt: skip


@dataclass
class _Entry:
    """One recognised entry and the records its parser returned."""

    item: Recognised
    posts: list[Post] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    #: profiles the answer gives as records of their own (the authors embedded in posts ride on the posts)
    authors: list[Author] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The report key: "<platform> <kind>"."""
        return f"{self.item.route.platform} {self.item.route.kind}"


def entries_of(har: Any) -> list[Any]:
    """Return the entries of a HAR document, each counted (one that is not an object is skipped later)."""
    log = har.get("log") if isinstance(har, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise ValidationError("har", 'not a HAR file: expected {"log": {"entries": [...]}}')
    return entries


def _failure(label: str, exc: KeyPickError, status: int) -> str:
    """The skip reason of an answer its parser refused: the HTTP status if not 200, the error's kind and text."""
    # Platform errors start with their platform and endpoint ("bilibili creator_info: ..."); the label says
    # which platform and kind already, so the reason names them once.
    platform = label.split(" ", 1)[0]
    message = re.sub(rf"^{re.escape(platform)}(?: [\w./-]+)?: ", "", exc.message, count=1)
    head = f"HTTP {status}: " if status != 200 else ""
    kind = f"{exc.code}: " if isinstance(exc, PlatformError) else ""
    return f"{label}: {head}{kind}{message}"


def _parse(item: Recognised, report: HarReport, *, now: datetime) -> _Entry | None:
    """Return the entry's records sorted by type; None (and the entry skipped) when there are none."""
    label = f"{item.route.platform} {item.route.kind}"
    if not registry.is_available(item.route.platform):
        report.skip(item.url, f"no {item.route.platform} parser in this version")
        return None
    try:
        records = parse_entry(item, now=now)
    except KeyPickError as exc:
        report.skip(item.url, _failure(label, exc, item.status))
        return None
    if item.status != 200:
        # A JSON answer of another status that still parses: nothing says it is whole.
        report.skip(item.url, f"HTTP {item.status}")
        return None
    parsed = _Entry(item)
    for record in records:
        if isinstance(record, Post):
            parsed.posts.append(record)
        elif isinstance(record, Comment):
            # Most comment pages do not name their post in the answer: the URL does.
            fill = {} if record.post_id else {"post_id": item.post_id or ""}
            parsed.comments.append(record.model_copy(update=fill) if fill else record)
        elif isinstance(record, Author):
            parsed.authors.append(record)
    if not (parsed.posts or parsed.comments or parsed.authors):
        report.skip(item.url, f"{label}: nothing to store in the response (an empty page)")
        return None
    return parsed


async def import_har(sessions: async_sessionmaker[AsyncSession], har: Any, *, name: str) -> HarReport:
    """Parse every recognised entry and store posts, comments and authors; return the report."""
    report = HarReport()
    now = utcnow()
    parsed: list[_Entry] = []
    for entry in entries_of(har):
        report.entries += 1
        item = recognise(entry)
        if isinstance(item, str):
            report.skip(entry_url(entry), item)
        elif (found := _parse(item, report, now=now)) is not None:
            parsed.append(found)
    if parsed:
        async with sessions() as session:
            await _store(session, report, parsed, name=name, now=now)
    return report


async def _resolve_roots(session: AsyncSession, report: HarReport, parsed: list[_Entry]) -> list[_Entry]:
    """Give reply pages that name only their root comment the root's post; skip those whose root is unknown."""
    pending = [e for e in parsed if e.item.route.kind == "replies" and not e.item.post_id]
    if not pending:
        return parsed
    # Roots seen in this HAR first (their page's URL named the post), then the stored ones.
    posts_of = {(c.platform, c.comment_id): c.post_id for e in parsed for c in e.comments if c.post_id}
    roots = {(e.item.route.platform, e.item.parent_id or "") for e in pending}
    posts_of |= await stored_comment_posts(session, roots - posts_of.keys())
    kept = []
    for entry in parsed:
        if entry.item.route.kind == "replies" and not entry.item.post_id:
            post_id = posts_of.get((entry.item.route.platform, entry.item.parent_id or ""))
            if post_id is None:
                report.skip(entry.item.url, f"{entry.label}: {NO_ROOT}")
                continue
            entry.comments = [c.model_copy(update={"post_id": post_id}) for c in entry.comments]
        kept.append(entry)
    return kept


async def _store(session: AsyncSession, report: HarReport, parsed: list[_Entry], *, name: str, now: datetime) -> None:
    parsed = await _resolve_roots(session, report, parsed)
    in_har = {(p.platform, p.id) for e in parsed for p in e.posts}
    stored = await stored_posts(session, {(c.platform, c.post_id) for e in parsed for c in e.comments} - in_har)
    known = in_har | stored.keys()
    kept: list[_Entry] = []
    for entry in parsed:
        orphans = [c for c in entry.comments if (c.platform, c.post_id) not in known]
        if orphans and len(orphans) == len(entry.comments) and not (entry.posts or entry.authors):
            report.skip(entry.item.url, f"{entry.label}: {NO_POST}")
            continue
        entry.comments = [c for c in entry.comments if (c.platform, c.post_id) in known]
        report.comments_skipped += len(orphans)
        report.recognised[entry.label] += 1
        kept.append(entry)
    if not kept:
        return
    hits: dict[tuple[str, str], list[str]] = {}  # unit → the ids it listed, repeats included
    for entry in kept:
        for post in entry.posts:
            hits.setdefault((post.platform, entry.item.keyword or NO_KEYWORD), []).append(post.id)
    chosen = chosen_versions((e.item.route.kind, p) for e in kept for p in e.posts)
    # A stub never replaces a post stored with its text (a crawl or a page_pc completed it): its hit goes there.
    held = await stored_full_posts(session, {key for key, post in chosen.items() if is_stub(post)})
    # Profiles embedded in posts first; profiles that came as records of their own come later and win.
    authors = [p.author_info for k, p in chosen.items() if p.author_info is not None and k not in held]
    authors += [a for e in kept for a in e.authors]
    authors = merged_authors(authors, await stored_authors(session, {(a.platform, a.author_id) for a in authors}))
    comments = [c for e in kept for c in e.comments]
    task_id = uuid.uuid4().hex
    platforms = sorted({p for p, _ in hits} | {c.platform for c in comments} | {a.platform for a in authors})
    session.add(TaskRow(
        id=task_id, status=TaskStatus.COMPLETED, platform=platforms[0] if len(platforms) == 1 else "mixed",
        keywords=sorted({k for _, k in hits if k != NO_KEYWORD}),
        params={"source": "har", "file": name, "platforms": platforms,
                "creators": sorted({e.item.keyword for e in kept if e.item.author_id and e.item.keyword})},
        progress=1.0, cancel_requested=False,
        attempts=1, created_at=now, updated_at=now, started_at=now, finished_at=now,
    ))  # fmt: skip
    await session.flush()
    await content_service.upsert_authors(session, authors, now=now)
    pks = stored | held
    for position, ((platform, keyword), ids) in enumerate(sorted(hits.items())):
        fresh = [chosen[(platform, pid)] for pid in ids if (platform, pid) not in held]
        # upsert_posts answers by platform id alone: one platform per call keeps the key whole.
        unit_pks = await content_service.upsert_posts(session, fresh, now=now, task_id=task_id)
        pks |= {(platform, pid): pk for pid, pk in unit_pks.items()}
        unit = TaskUnitRow(
            task_id=task_id, platform=platform, keyword=keyword, position=position, done=True,
            stop_reason=StopReason.END_OF_RESULTS, items_seen=len(ids), updated_at=now,
        )  # fmt: skip
        session.add(unit)
        await session.flush()
        new, dupes = await task_service.record_hits(
            session, task_id=task_id, unit=unit, post_pks=[pks[(platform, pid)] for pid in ids], now=now
        )
        unit.new_items, unit.duplicates, unit.pages_fetched = new, dupes, 1
    for platform in sorted({c.platform for c in comments}):
        # upsert_comments also keys posts by platform id alone: one platform per call.
        post_pks = {pid: pk for (p, pid), pk in pks.items() if p == platform}
        mine = [c for c in comments if c.platform == platform]
        report.comments += await content_service.upsert_comments(session, mine, post_pks=post_pks, now=now)
    report.task_id, report.posts = task_id, len(in_har)
    report.authors = len({(a.platform, a.author_id) for a in authors})
    await task_service.add_event(session, task_id=task_id, kind="imported", message=f"HAR import of {name}",
                                 data=report.as_dict())  # fmt: skip
    await session.commit()
