"""GROUP BY for charts: posts, engagement and authors per day / week / month / platform / author / keyword / tag.

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
from keypick.tasks.models import KeywordHitRow

GROUPS = ("day", "week", "month", "platform", "author", "keyword", "tag")
METRICS = ("posts", "engagement", "authors")


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
    session: AsyncSession, f: DataFilter, *, group: str, metrics: list[str], tz_name: str, limit: int
) -> dict[str, Any]:
    """Return buckets [{key, posts, engagement, authors}] ordered by time (time groups) or by posts."""
    if group not in GROUPS:
        raise ValidationError("aggregate_by", f"{group!r} is not one of {', '.join(GROUPS)}")
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise ValidationError("metrics", f"unknown metric(s) {', '.join(unknown)}; choose from {', '.join(METRICS)}")
    tz = zone(tz_name)
    dialect = session.get_bind().dialect.name
    where = conditions(f)
    source: Any = PostRow
    key: Any
    if group in ("day", "week", "month"):
        key = _time_bucket(dialect, group, tz)
    elif group == "platform":
        key = PostRow.platform
    elif group == "author":
        key = func.coalesce(PostRow.author_name, PostRow.author_id)
    elif group == "keyword":
        key = KeywordHitRow.keyword
        source = PostRow.__table__.join(KeywordHitRow, KeywordHitRow.post_pk == PostRow.pk)
    else:
        if dialect == "postgresql":
            tags = func.jsonb_array_elements_text(PostRow.tags).table_valued("value").lateral("tags")
            source = PostRow.__table__.join(tags, text("true"))
        else:
            # SQLite has no LATERAL keyword; a table-valued function joined after `post` sees its row anyway.
            tags = func.json_each(PostRow.tags).table_valued("value").alias("tags")
            source = PostRow.__table__.join(tags, text("1 = 1"))
        key = literal_column("tags.value")
    columns = [key.label("key"), func.count(func.distinct(PostRow.pk)).label("posts"),
               func.sum(engagement()).label("engagement"),
               func.count(func.distinct(PostRow.author_id)).label("authors")]  # fmt: skip
    stmt = select(*columns).select_from(source).where(*where).group_by(key)
    time_group = group in ("day", "week", "month")
    stmt = stmt.order_by(key if time_group else literal_column("posts").desc(), key).limit(limit)
    rows = (await session.execute(stmt)).all()
    wanted = metrics or list(METRICS)
    buckets = [{"key": r.key} | {m: int(getattr(r, m) or 0) for m in wanted} for r in rows if r.key is not None]
    return {"aggregate_by": group, "tz": tz.key, "metrics": wanted, "buckets": buckets}
