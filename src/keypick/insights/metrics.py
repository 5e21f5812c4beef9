"""Pure insights over a list of posts: no IO, no clock (the caller passes `now`), no settings.

`compute` is the one entry point; the API, the CLI, /api/process/extract and the
reports all go through it, so every surface tells the same story.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from keypick.content.schemas import Post
from keypick.insights import features, textmetrics
from keypick.insights.nlp import DEFAULT_TOOLS, TextTools
from keypick.insights.schemas import (
    DayVolume,
    InsightOptions,
    Insights,
    PlatformShare,
    Sample,
    TagStat,
    TopAuthor,
    TopPost,
    Trend,
    Velocity,
    Volume,
)

#: Same weights as the "hot" sort of task results (tasks/results.py): a share or comment says more than a like.
HOT_WEIGHTS = {"likes": 1, "comments": 2, "shares": 3, "collects": 2}
COUNTS = ("likes", "comments", "shares", "collects", "views")
# A trend is called only when the fitted change over the period is at least this share of the mean volume.
_TREND_THRESHOLD = 0.25
_TREND_MIN_DAYS = 3
_EXCERPT = 80


@dataclass(frozen=True)
class Snapshot:
    """One engagement snapshot of a post (see content.models.EngagementSnapshotRow)."""

    captured_at: datetime
    likes: int | None


def engagement(post: Post) -> int:
    """Return the weighted engagement of a post (missing counts are 0)."""
    return sum(weight * (getattr(post, name) or 0) for name, weight in HOT_WEIGHTS.items())


def _excerpt(post: Post) -> str:
    text = " ".join(features.full_text(post).split())
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…"


def top_posts(posts: Sequence[Post], *, top_n: int) -> list[TopPost]:
    """Return the most engaging posts (ties: newer id order of input kept)."""
    ranked = sorted(enumerate(posts), key=lambda item: (-engagement(item[1]), item[0]))[:top_n]
    return [
        TopPost(
            id=p.id,
            platform=p.platform,
            author=p.author,
            excerpt=_excerpt(p),
            url=p.url,
            publish_time=p.publish_time.isoformat() if p.publish_time else None,
            likes=p.likes,
            comments=p.comments,
            shares=p.shares,
            engagement=engagement(p),
        )
        for _, p in ranked
    ]


def top_authors(posts: Sequence[Post], *, top_n: int, cap: int) -> list[TopAuthor]:
    """Return the authors with the most posts in the sample (then the most engagement)."""
    groups: dict[tuple[str, str], list[Post]] = defaultdict(list)
    for post in posts:
        key = post.author_id or post.author
        if key:
            groups[(post.platform, key)].append(post)
    ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), -sum(map(engagement, kv[1])), kv[0]))
    return [
        TopAuthor(
            platform=platform,
            author_id=items[0].author_id,
            author=items[0].author,
            post_count=len(items),
            engagement=sum(map(engagement, items)),
            post_ids=[p.id for p in items][:cap],
        )
        for (platform, _), items in ranked[:top_n]
    ]


def top_hashtags(posts: Sequence[Post], *, top_n: int, cap: int) -> list[TagStat]:
    """Return the hashtags carried by the most posts."""
    holders: dict[str, list[str]] = defaultdict(list)
    for post in posts:
        for tag in features.post_tags(post):
            holders[tag].append(post.id)
    ranked = sorted(holders.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:top_n]
    return [TagStat(tag=tag, post_count=len(ids), post_ids=ids[:cap]) for tag, ids in ranked]


def platform_split(posts: Sequence[Post], *, cap: int) -> list[PlatformShare]:
    """Return posts per platform, largest first."""
    holders: dict[str, list[str]] = defaultdict(list)
    for post in posts:
        holders[post.platform].append(post.id)
    total = len(posts) or 1
    ranked = sorted(holders.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [
        PlatformShare(platform=p, post_count=len(ids), share=round(len(ids) / total, 4), post_ids=ids[:cap])
        for p, ids in ranked
    ]


def _trend(days: list[DayVolume]) -> Trend | None:
    first, last = date.fromisoformat(days[0].date), date.fromisoformat(days[-1].date)
    span = (last - first).days + 1
    if span < _TREND_MIN_DAYS:
        return None
    counts = {d.date: d.posts for d in days}
    series = [counts.get((first + timedelta(days=i)).isoformat(), 0) for i in range(span)]
    mean_x, mean_y = (span - 1) / 2, sum(series) / span
    slope = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(series)) / sum((x - mean_x) ** 2 for x in range(span))
    change = slope * (span - 1) / mean_y if mean_y else 0.0
    direction = "rising" if change >= _TREND_THRESHOLD else "falling" if change <= -_TREND_THRESHOLD else "flat"
    return Trend(
        direction=direction, slope_per_day=round(slope, 4), days=span, first_day=days[0].date, last_day=days[-1].date
    )


def volume(posts: Sequence[Post], *, tz: str, cap: int, sufficient: bool) -> Volume:
    """Return posts and engagement per local day; the peak day and trend only when the sample is sufficient."""
    zone = ZoneInfo(tz)
    buckets: dict[str, list[Post]] = defaultdict(list)
    undated = []
    for post in posts:
        if post.publish_time is None:
            undated.append(post.id)
        else:
            buckets[post.publish_time.astimezone(zone).date().isoformat()].append(post)
    days = [
        DayVolume(
            date=day,
            posts=len(items),
            likes=sum(p.likes or 0 for p in items),
            comments=sum(p.comments or 0 for p in items),
            shares=sum(p.shares or 0 for p in items),
            engagement=sum(map(engagement, items)),
            post_ids=[p.id for p in items][:cap],
        )
        for day, items in sorted(buckets.items())
    ]
    out = Volume(timezone=tz, days=days, undated_post_ids=undated[:cap])
    if sufficient and days:
        out.peak_day = max(days, key=lambda d: (d.posts, d.engagement, d.date))
        out.trend = _trend(days)
    return out


def velocity(
    posts: Sequence[Post], snapshots: Mapping[tuple[str, str], Sequence[Snapshot]], *, top_n: int
) -> list[Velocity]:
    """Return likes per hour between the first and last snapshot, for posts with two or more snapshots."""
    found = []
    for post in posts:
        shots = sorted(
            (s for s in snapshots.get((post.platform, post.id), ()) if s.likes is not None),
            key=lambda s: s.captured_at,
        )
        if len(shots) < 2 or shots[-1].captured_at <= shots[0].captured_at:
            continue
        first, last = shots[0], shots[-1]
        hours = (last.captured_at - first.captured_at).total_seconds() / 3600
        assert first.likes is not None and last.likes is not None  # filtered above
        found.append(
            Velocity(
                id=post.id,
                platform=post.platform,
                likes_per_hour=round((last.likes - first.likes) / hours, 4),
                first_likes=first.likes,
                last_likes=last.likes,
                first_captured_at=first.captured_at,
                last_captured_at=last.captured_at,
                snapshots=len(shots),
            )
        )
    return sorted(found, key=lambda v: (-v.likes_per_hour, v.id))[:top_n]


def _unique(posts: Sequence[Post]) -> list[Post]:
    return list({(p.platform, p.id): p for p in reversed(posts)}.values())[::-1]


def compute(
    posts: Sequence[Post],
    *,
    options: InsightOptions,
    now: datetime,
    snapshots: Mapping[tuple[str, str], Sequence[Snapshot]] | None = None,
    search_keywords: Sequence[str] = (),
    available: int | None = None,
    filters: dict[str, Any] | None = None,
    tools: TextTools = DEFAULT_TOOLS,
) -> Insights:
    """Return the insights of the posts (deduplicated by platform and id, first kept)."""
    posts = _unique(posts)
    n, cap = len(posts), options.max_citations
    sufficient = n >= options.min_posts
    word_tokens = [tools.tokens(features.word_text(p)) for p in posts]
    clusters, groups = textmetrics.cluster_ids(word_tokens, options=options)
    dated = sorted(p.publish_time for p in posts if p.publish_time is not None)
    sample = Sample(
        posts=n,
        available=max(available or n, n),
        min_posts=options.min_posts,
        sufficient=sufficient,
        first_published=dated[0].isoformat() if dated else None,
        last_published=dated[-1].isoformat() if dated else None,
    )
    notes: list[str] = []
    if not sufficient:
        sample.note = (
            f"Only {n} posts (fewer than min_posts={options.min_posts}): too thin to generalise. No sentiment "
            "split, peak day or trend is given; the lists below describe these posts only."
        )
        notes.append(sample.note)
    if sample.available > n:
        notes.append(f"Analysed the newest {n} of {sample.available} matching posts (max_posts).")
    notes.append("Volume counts what was collected (platform search ranks and caps results), not all posts published.")
    velocities = velocity(posts, snapshots or {}, top_n=options.top_n)
    if not velocities:
        notes.append("Engagement velocity needs a post seen at least twice (two snapshots); none was.")
    return Insights(
        generated_at=now,
        filters=filters or {},
        sample=sample,
        search_keywords=list(search_keywords),
        keywords=textmetrics.top_keywords(
            posts, word_tokens, tools=tools, options=options, search_keywords=search_keywords, clusters=clusters
        ),
        sentiment=textmetrics.sentiment(
            posts, [features.full_text(p) for p in posts], tools=tools, options=options, sufficient=sufficient
        ),
        volume=volume(posts, tz=options.tz, cap=cap, sufficient=sufficient),
        engagement_totals={c: sum(getattr(p, c) or 0 for p in posts) for c in COUNTS},
        velocity=velocities,
        top_posts=top_posts(posts, top_n=options.top_n),
        top_authors=top_authors(posts, top_n=options.top_n, cap=cap),
        top_hashtags=top_hashtags(posts, top_n=options.top_n, cap=cap),
        platforms=platform_split(posts, cap=cap),
        near_duplicates=textmetrics.near_duplicates(posts, groups)[: options.top_n],
        notes=notes,
    )
