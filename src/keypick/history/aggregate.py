"""GROUP BY for charts: posts, engagement, authors and sentiment per day / week / month / platform / author /
keyword / tag.

Time buckets are computed in SQL. PostgreSQL converts with the IANA zone (DST-exact); SQLite shifts
by the zone's current UTC offset, which is exact for zones without daylight saving (Asia/Shanghai,
the default) and approximate around DST changes elsewhere.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, Integer, cast, func, literal_column, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from keypick.content.models import PostRow
from keypick.exceptions import ValidationError
from keypick.history.filters import DataFilter, conditions, engagement
from keypick.insights import stored as stored_sentiment
from keypick.insights.models import PostSentimentRow
from keypick.insights.textmetrics import SENTIMENT_CAVEAT
from keypick.tasks.models import KeywordHitRow

GROUPS = ("day", "week", "month", "platform", "author", "keyword", "tag")
METRICS = ("posts", "engagement", "authors", "sentiment")
DEFAULT_METRICS = ["posts", "engagement", "authors"]


def zone(name: str) -> ZoneInfo:
    """Return the time zone; ValidationError for an unknown name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError("tz", f"unknown time zone {name!r} (e.g. Asia/Shanghai, UTC)") from None


def _time_bucket(dialect: str, group: str, tz: ZoneInfo) -> ColumnElement[str]:
    ts = func.coalesce(PostRow.publish_time, PostRow.first_seen_at)
    if dialect == "postgresql":
        local = func.timezone(tz.key, ts)
        unit = {"day": "day", "week": "week", "month": "month"}[group]
        fmt = "YYYY-MM" if group == "month" else "YYYY-MM-DD"
        return func.to_char(func.date_trunc(unit, local), fmt)
    offset = datetime.now(UTC).astimezone(tz).utcoffset()
    shift = f"{int(offset.total_seconds()) if offset else 0:+d} seconds"
    local = func.datetime(ts, shift)
    if group == "day":
        return func.strftime("%Y-%m-%d", local)
    if group == "month":
        return func.strftime("%Y-%m", local)
    # ISO weeks start on Monday: step back (weekday + 6) % 7 days.
    return func.date(local, func.printf("-%d days", (cast(func.strftime("%w", local), Integer) + 6) % 7))


async def aggregate(
    session: AsyncSession,
    f: DataFilter,
    *,
    group: str,
    metrics: list[str],
    tz_name: str,
    limit: int,
    score_limit: int = 2000,
) -> dict[str, Any]:
    """Return buckets [{key, posts, engagement, authors, sentiment}] ordered by time (time groups) or by posts.

    `sentiment` is the mean SnowNLP score of the bucket's scored posts; up to `score_limit` posts not yet
    scored are scored first, and `sentiment_unscored` says how many still are not.
    """
    if group not in GROUPS:
        raise ValidationError("aggregate_by", f"{group!r} is not one of {', '.join(GROUPS)}")
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise ValidationError("metrics", f"unknown metric(s) {', '.join(unknown)}; choose from {', '.join(METRICS)}")
    tz = zone(tz_name)
    dialect = session.get_bind().dialect.name
    where = conditions(f)
    source: Any = PostRow.__table__
    key: Any
    if group in ("day", "week", "month"):
        key = _time_bucket(dialect, group, tz)
    elif group == "platform":
        key = PostRow.platform
    elif group == "author":
        # One bucket per account (platform, id): two platforms' users, or two users, may share a name.
        key = func.coalesce(PostRow.author_id, PostRow.author_name)
    elif group == "keyword":
        # A post found by the same keyword in several tasks counts once for that keyword.
        hits = select(KeywordHitRow.keyword, KeywordHitRow.post_pk).distinct().subquery("hits")
        key = hits.c.keyword
        source = PostRow.__table__.join(hits, hits.c.post_pk == PostRow.pk)
    else:
        if dialect == "postgresql":
            tags = func.jsonb_array_elements_text(PostRow.tags).table_valued("value").lateral("tags")
            source = PostRow.__table__.join(tags, text("true"))
        else:
            # SQLite has no LATERAL keyword; a table-valued function joined after `post` sees its row anyway.
            tags = func.json_each(PostRow.tags).table_valued("value").alias("tags")
            source = PostRow.__table__.join(tags, text("1 = 1"))
        key = literal_column("tags.value")
    wanted = metrics or list(DEFAULT_METRICS)
    unscored = 0
    columns = [key.label("key"), func.count(func.distinct(PostRow.pk)).label("posts"),
               func.sum(engagement()).label("engagement"),
               func.count(func.distinct(PostRow.author_id)).label("authors")]  # fmt: skip
    if "sentiment" in wanted:
        unscored = await stored_sentiment.ensure_scores(session, where, limit=score_limit)
        source = source.outerjoin(PostSentimentRow, PostSentimentRow.post_pk == PostRow.pk)
        columns += [func.avg(PostSentimentRow.score).label("sentiment"),
                    func.count(PostSentimentRow.score).label("sentiment_scored")]  # fmt: skip
    grouping = [key]
    if group == "author":
        grouping = [PostRow.platform, key]
        columns += [PostRow.platform.label("platform"),
                    func.max(func.coalesce(PostRow.author_name, PostRow.author_id)).label("name")]  # fmt: skip
    stmt = select(*columns).select_from(source).where(*where).group_by(*grouping)
    time_group = group in ("day", "week", "month")
    stmt = stmt.order_by(key if time_group else literal_column("posts").desc(), *grouping).limit(limit)
    rows = (await session.execute(stmt)).all()
    buckets = [_bucket(r, group) | _values(r, wanted) for r in rows if r.key is not None]
    body: dict[str, Any] = {"aggregate_by": group, "tz": tz.key, "metrics": wanted, "buckets": buckets}
    if "sentiment" in wanted:
        body["sentiment_unscored"] = unscored
        body["sentiment_method"] = "snownlp"
        body["sentiment_caveat"] = SENTIMENT_CAVEAT.split(" Scores from", 1)[0]
    return body


def _bucket(row: Any, group: str) -> dict[str, Any]:
    """The bucket's key; an author bucket shows the name and says whose account it is."""
    if group == "author":
        return {"key": row.name, "platform": row.platform, "author_id": row.key}
    return {"key": row.key}


def _values(row: Any, wanted: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for metric in wanted:
        if metric == "sentiment":
            # Mean positive probability (0..1) of the scored posts; null when none had text.
            out["sentiment"] = None if row.sentiment is None else round(float(row.sentiment), 4)
            out["sentiment_scored"] = int(row.sentiment_scored or 0)
        else:
            out[metric] = int(getattr(row, metric) or 0)
    return out
