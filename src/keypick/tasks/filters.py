"""PURE server-side filters applied to every platform: time window, engagement floors, exclusions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone

from keypick.content.schemas import Post

CHINA_TZ = timezone(timedelta(hours=8))

#: Relative windows users may ask for; "all" means no window.
RELATIVE_WINDOWS: dict[str, timedelta] = {
    "1d": timedelta(days=1),
    "3d": timedelta(days=3),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "90d": timedelta(days=90),
    "6m": timedelta(days=182),
    "1y": timedelta(days=365),
}
TIME_RANGE_HELP = 'one of 1d, 3d, 7d, 30d, 90d, 6m, 1y, all, or "YYYY-MM-DD,YYYY-MM-DD" (China time)'
_DATE_RANGE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*,\s*(\d{4}-\d{2}-\d{2})\s*$")


def parse_time_range(value: str, *, now: datetime) -> tuple[datetime | None, datetime | None]:
    """Return (since, until) in UTC for a time_range value; raise ValueError explaining the format."""
    text = (value or "all").strip().lower()
    if text == "all":
        return None, None
    if text in RELATIVE_WINDOWS:
        return now - RELATIVE_WINDOWS[text], None
    match = _DATE_RANGE.match(text)
    if not match:
        raise ValueError(f"{value!r} is not a time range; use {TIME_RANGE_HELP}")
    try:
        start, end = (date.fromisoformat(match.group(i)) for i in (1, 2))
    except ValueError as exc:
        raise ValueError(f"{value!r} holds an invalid date ({exc})") from None
    if start > end:
        raise ValueError(f"{value!r} starts after it ends")
    # Dates are days in China time, the end day included.
    since = datetime.combine(start, time.min, CHINA_TZ).astimezone(UTC)
    until = datetime.combine(end + timedelta(days=1), time.min, CHINA_TZ).astimezone(UTC)
    return since, until


@dataclass(frozen=True)
class PostFilter:
    """The server-side filters of one task."""

    since: datetime | None = None
    until: datetime | None = None
    min_likes: int = 0
    min_comments: int = 0
    exclude_keywords: tuple[str, ...] = field(default_factory=tuple)

    def rejects(self, post: Post) -> str | None:
        """Return why the post is filtered out, or None when it passes."""
        if self.since or self.until:
            if post.publish_time is None:
                return "no_publish_time"
            if self.since and post.publish_time < self.since:
                return "too_old"
            if self.until and post.publish_time >= self.until:
                return "too_new"
        if self.min_likes and (post.likes or 0) < self.min_likes:
            return "min_likes"
        if self.min_comments and (post.comments or 0) < self.min_comments:
            return "min_comments"
        if self.exclude_keywords:
            text = f"{post.title or ''}\n{post.content}".lower()
            if any(word.lower() in text for word in self.exclude_keywords):
                return "excluded_keyword"
        return None

    def older_than_window(self, post: Post) -> bool:
        """True when the post predates the window (used to stop time-ordered searches)."""
        return bool(self.since and post.publish_time and post.publish_time < self.since)
