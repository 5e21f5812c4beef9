"""Pure normalization of one incoming record into a Post: text, counts, times, ids, URLs.

No IO and no clock: the caller passes `now` (for "3小时前") and the zone of naive times.
Values that cannot be read become null and are reported; nothing is guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

from keypick.bounds import INT64_MAX
from keypick.content.schemas import Post
from keypick.enums import resolve_platform
from keypick.insights import features
from keypick.platforms.normalize import (
    epoch_to_utc,
    https_url,
    parse_cn_relative_time,
    parse_count,
    parse_ctime,
    strip_html,
)
from keypick.process.schemas import Issue, PostIn

COUNT_FIELDS = ("likes", "collects", "comments", "shares", "views")
TIME_FIELDS = ("publish_time", "crawl_time")
_MARKUP_RE = re.compile(r"<[a-zA-Z/!][^>]*>|&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")
_LATIN_OR_DIGIT_RE = re.compile(r"[A-Za-z0-9]")
_SPACES_RE = re.compile(r"[ \t\u3000\xa0\u200b]+")


@dataclass
class Normalized:
    """One record after normalization: the post (None if it had no id or platform) and what happened."""

    post: Post | None
    issues: list[Issue] = field(default_factory=list)
    rejected: Issue | None = None
    changes: Counter[str] = field(default_factory=Counter)


def clean_text(value: str) -> str:
    """Return plain text: HTML stripped (when there is markup), spaces collapsed, at most one blank line."""
    text = strip_html(value) if _MARKUP_RE.search(value) else value
    lines = [_SPACES_RE.sub(" ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def parse_time(value: int | float | str | None, *, now: datetime, naive_tz: tzinfo) -> datetime | None:
    """Return UTC for ISO 8601, epoch s/ms, Weibo ctime or Chinese relative times; None when unreadable."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return epoch_to_utc(value)
    text = value.strip()
    if text.isdigit():
        return epoch_to_utc(int(text))
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        return parse_ctime(text) or parse_cn_relative_time(text, now=now)
    return (stamp.replace(tzinfo=naive_tz) if stamp.tzinfo is None else stamp).astimezone(UTC)


def _count(value: int | float | str | None) -> tuple[int | None, str | None]:
    if value is None:
        return None, None
    number = parse_count(value)
    if number is None and isinstance(value, str) and not _LATIN_OR_DIGIT_RE.search(value):
        return None, None  # a placeholder such as "--", "赞" or "评论": the platform showed no number
    if number is None:
        return None, f"could not read {value!r} as a count; set to null"
    if number < 0:
        return None, f"negative count {number}; set to null"
    if number > INT64_MAX:
        # No platform shows such a count, and no database column could store it.
        return None, f"count {number} is larger than 2^63-1; set to null"
    return number, None


def _id(value: str | int | None) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def normalize_record(raw: PostIn, *, index: int, now: datetime, naive_tz: tzinfo) -> Normalized:
    """Return the normalized Post of one record, with issues and counts of changed values."""
    out = Normalized(post=None)
    post_id, platform_name = _id(raw.id), (raw.platform or "").strip()
    if post_id is None or not platform_name:
        missing = "id" if post_id is None else "platform"
        out.rejected = Issue(index=index, id=post_id, field=missing, message=f"{missing} is missing; record dropped")
        return out
    try:
        platform = resolve_platform(platform_name).value
    except ValueError as exc:
        platform = platform_name.lower()
        out.issues.append(Issue(index=index, id=post_id, field="platform", message=str(exc)))
    if platform != platform_name:
        out.changes["platform"] += 1

    def note(name: str, message: str) -> None:
        out.issues.append(Issue(index=index, id=post_id, field=name, message=message))

    texts: dict[str, str | None] = {}
    for name in ("title", "content"):
        value = getattr(raw, name)
        texts[name] = clean_text(value) if value is not None else None
        if value is not None and texts[name] != value:
            out.changes["html" if _MARKUP_RE.search(value) else "whitespace"] += 1
    counts: dict[str, int | None] = {}
    for name in COUNT_FIELDS:
        value = getattr(raw, name)
        counts[name], problem = _count(value)
        if problem:
            note(name, problem)
        elif value is not None and not isinstance(value, int):
            out.changes["counts"] += 1
    times: dict[str, datetime | None] = {}
    for name in TIME_FIELDS:
        value = getattr(raw, name)
        times[name] = parse_time(value, now=now, naive_tz=naive_tz)
        if value is not None and times[name] is None and str(value).strip():
            note(name, f"could not read {value!r} as a time; set to null")
        elif times[name] is not None and times[name].isoformat() != value:  # type: ignore[union-attr]
            out.changes["times"] += 1
    content = texts["content"] or ""
    tags = list(dict.fromkeys([t.strip() for t in raw.tags or [] if t.strip()]))
    out.post = Post(
        id=post_id,
        platform=platform,
        title=texts["title"],
        content=content,
        url=https_url(raw.url),
        **counts,
        author=raw.author,
        author_id=_id(raw.author_id),
        author_avatar=https_url(raw.author_avatar),
        **times,
        tags=tags,
        images=[u for u in map(https_url, raw.images or []) if u],
        videos=[u for u in map(https_url, raw.videos or []) if u],
        ip_location=raw.ip_location,
        task_id=raw.task_id,
        platform_data=raw.platform_data or {},
    )
    merged = features.post_tags(out.post)
    if merged != tags:
        out.changes["hashtags"] += 1
        out.post.tags = merged
    return out
