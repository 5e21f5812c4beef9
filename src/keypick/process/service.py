"""The processing steps behind /api/process, pure over the posts given (the caller passes `now`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from keypick.content.schemas import Post
from keypick.insights import features, metrics, simhash
from keypick.insights.nlp import DEFAULT_TOOLS, TextTools
from keypick.insights.schemas import Insights
from keypick.process import records
from keypick.process.schemas import (
    CleanedPost,
    CleanReport,
    CleanRequest,
    CleanResponse,
    Duplicate,
    ExtractRequest,
    NearDuplicateGroup,
    PostIn,
)


def normalize_all(
    posts: Sequence[PostIn], *, now: datetime, naive_tz: str = "Asia/Shanghai"
) -> list[records.Normalized]:
    """Return every record normalized, in input order."""
    zone = ZoneInfo(naive_tz)
    return [records.normalize_record(p, index=i, now=now, naive_tz=zone) for i, p in enumerate(posts)]


def _near_duplicates(
    kept: list[tuple[int, CleanedPost]], prints: list[int | None], request: CleanRequest, report: CleanReport
) -> set[int]:
    """Mark near-duplicate groups on the posts; return the input indices to drop (when asked to)."""
    drop: set[int] = set()
    for group in simhash.group_near_duplicates(prints, max_distance=request.near_dup_distance):
        members = [kept[i] for i in group.members]
        # Keep the most engaging post of a group: it is usually the original the others copied.
        best = min(range(len(members)), key=lambda m: (-metrics.engagement(members[m][1]), members[m][0]))
        best_index, best_post = members[best]
        best_print = prints[group.members[best]] or 0
        report.near_duplicate_groups.append(
            NearDuplicateGroup(
                kept=best_post.id,
                post_ids=[p.id for _, p in members],
                distances=list(group.distances),
            )
        )
        for slot, (index, post) in zip(group.members, members, strict=True):
            if post is best_post:
                continue
            post.near_duplicate_of = best_post.id
            if request.drop_near_duplicates:
                drop.add(index)
                report.duplicates.append(
                    Duplicate(
                        index=index,
                        id=post.id,
                        platform=post.platform,
                        duplicate_of=best_post.id,
                        duplicate_of_index=best_index,
                        kind="near_duplicate",
                        distance=simhash.hamming(prints[slot] or 0, best_print),
                    )
                )
    return drop


def clean(request: CleanRequest, *, now: datetime, tools: TextTools = DEFAULT_TOOLS) -> CleanResponse:
    """Normalize, deduplicate by (platform, id), find near-duplicate texts and extract hashtags/mentions/URLs."""
    report = CleanReport(received=len(request.posts), returned=0)
    changes: Counter[str] = Counter()
    seen: dict[tuple[str, str], int] = {}
    kept: list[tuple[int, CleanedPost]] = []
    for index, item in enumerate(normalize_all(request.posts, now=now, naive_tz=request.naive_timezone)):
        changes.update(item.changes)
        report.issues.extend(item.issues)
        if item.post is None:
            if item.rejected is not None:
                report.rejected.append(item.rejected)
            continue
        post, key = item.post, (item.post.platform, item.post.id)
        if key in seen:
            report.duplicates.append(
                Duplicate(
                    index=index,
                    id=post.id,
                    platform=post.platform,
                    duplicate_of=post.id,
                    duplicate_of_index=seen[key],
                    kind="same_id",
                )
            )
            continue
        seen[key] = index
        text = features.full_text(post)
        kept.append(
            (
                index,
                CleanedPost(
                    **post.model_dump(),
                    hashtags=features.hashtags(text),
                    mentions=features.mentions(text),
                    urls=features.urls(text),
                ),
            )
        )
    prints: list[int | None] = []
    for _, post in kept:
        words = tools.tokens(features.word_text(post))
        prints.append(simhash.fingerprint(words) if words else None)
        post.simhash = simhash.to_hex(prints[-1]) if prints[-1] is not None else None
    drop = _near_duplicates(kept, prints, request, report)
    posts = [post for index, post in kept if index not in drop]
    report.returned = len(posts)
    report.changes = dict(sorted(changes.items()))
    return CleanResponse(posts=posts, report=report)


def to_posts(posts: Sequence[PostIn], *, now: datetime) -> tuple[list[Post], int]:
    """Return the normalized posts (first of each platform+id) and how many values could not be read."""
    out: dict[tuple[str, str], Post] = {}
    problems = 0
    for item in normalize_all(posts, now=now):
        problems += len(item.issues)
        if item.post is not None:
            out.setdefault((item.post.platform, item.post.id), item.post)
    return list(out.values()), problems


def extract(request: ExtractRequest, *, now: datetime, tools: TextTools = DEFAULT_TOOLS) -> Insights:
    """Return insights over the given posts (no engagement history, so no velocity)."""
    posts, problems = to_posts(request.posts, now=now)
    result = metrics.compute(posts, options=request, now=now, search_keywords=request.search_keywords, tools=tools)
    if problems:
        result.notes.append(f"{problems} values could not be normalized and were left out (see /api/process/clean).")
    return result
