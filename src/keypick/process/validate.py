"""Pure schema check of records against the normalized post shape: errors, warnings, per record."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from keypick.bounds import INT64_MAX
from keypick.content.schemas import Post
from keypick.enums import Platform
from keypick.process.schemas import Issue, RecordResult, ValidateResponse

TEXT_FIELDS = ("title", "content", "url", "author", "author_id", "author_avatar", "ip_location", "task_id")
COUNT_FIELDS = ("likes", "collects", "comments", "shares", "views")
TIME_FIELDS = ("publish_time", "crawl_time")
LIST_FIELDS = ("tags", "images", "videos")
KNOWN = frozenset(name for name, f in Post.model_fields.items() if not f.exclude)
# Result rows of /api/crawl carry these too; they are not post fields but not mistakes either.
TOLERATED = frozenset({"keywords", "rank", "comment_list"})
#: More than any platform shows for one post (the largest accounts have ~10^8 followers).
IMPLAUSIBLE = 10_000_000_000
#: "100万+" is parsed as exactly 1,000,000: a display cap, so a lower bound, not a measurement.
DISPLAY_CAP = 1_000_000
_PLATFORMS = {p.value for p in Platform}
Note = Callable[[str, str], None]  # (field, message)


def _type_name(value: Any) -> str:
    return {
        bool: "boolean",
        int: "integer",
        float: "number",
        str: "string",
        list: "array",
        dict: "object",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _check_count(name: str, value: Any, error: Note, warn: Note) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        hint = " (/api/process/clean converts display counts such as '1.2万')" if isinstance(value, str) else ""
        error(name, f"must be an integer, got {_type_name(value)} {value!r}{hint}")
    elif isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        error(name, f"must be an integer, got {value!r}")
    elif value < 0:
        error(name, f"must not be negative, got {value}")
    elif value > INT64_MAX:
        error(name, f"must be at most 2^63-1 (what a database column holds), got {int(value)}")
    else:
        if isinstance(value, float):
            warn(name, f"{value!r} is a number with a fraction part; counts are integers")
        if value >= IMPLAUSIBLE:
            warn(name, f"{int(value)} is implausibly large for one post")
        elif value == DISPLAY_CAP:
            warn(name, "exactly 1000000: probably a '100万+' display cap, so a lower bound")


def _check_time(name: str, value: Any, now: datetime, error: Note, warn: Note) -> None:
    if not isinstance(value, str):
        error(
            name, f"must be an ISO 8601 string, got {_type_name(value)} {value!r} (/api/process/clean converts epochs)"
        )
        return
    try:
        stamp = datetime.fromisoformat(value.strip())
    except ValueError:
        error(name, f"{value!r} is not an ISO 8601 time (/api/process/clean reads Weibo and Chinese relative times)")
        return
    if stamp.tzinfo is None:
        warn(name, "has no UTC offset; KeyPick times are UTC, so the zone is ambiguous")
    elif name == "publish_time" and stamp > now + timedelta(days=1):
        warn(name, f"{value} is in the future")


def _check_identity(record: dict[str, Any], error: Note, warn: Note) -> None:
    raw_id, platform = record.get("id"), record.get("platform")
    if raw_id is None or (isinstance(raw_id, str) and not raw_id.strip()):
        error("id", "is missing")
    elif isinstance(raw_id, bool) or not isinstance(raw_id, str | int):
        error("id", f"must be a string, got {_type_name(raw_id)}")
    elif isinstance(raw_id, int):
        warn("id", "is a number; ids are strings (JSON numbers above 2^53 lose digits)")
    if platform is None or (isinstance(platform, str) and not platform.strip()):
        error("platform", "is missing")
    elif not isinstance(platform, str):
        error("platform", f"must be a string, got {_type_name(platform)}")
    elif platform not in _PLATFORMS:
        error("platform", f"unknown platform {platform!r}; one of: {', '.join(sorted(_PLATFORMS))}")


def _check_types(record: dict[str, Any], now: datetime, error: Note, warn: Note) -> None:
    for name in TEXT_FIELDS:
        if record.get(name) is not None and not isinstance(record[name], str):
            error(name, f"must be a string or null, got {_type_name(record[name])}")
    for name in COUNT_FIELDS:
        if record.get(name) is not None:
            _check_count(name, record[name], error, warn)
    for name in TIME_FIELDS:
        if record.get(name) is not None:
            _check_time(name, record[name], now, error, warn)
    for name in LIST_FIELDS:
        value = record.get(name)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            error(name, "must be an array of strings")
    if record.get("platform_data") is not None and not isinstance(record["platform_data"], dict):
        error("platform_data", f"must be an object, got {_type_name(record['platform_data'])}")


def check_record(record: dict[str, Any], *, index: int, now: datetime) -> RecordResult:
    """Return the errors and warnings of one record."""
    raw_id, platform = record.get("id"), record.get("platform")
    post_id = str(raw_id) if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) else None
    result = RecordResult(index=index, id=post_id, platform=platform if isinstance(platform, str) else None, valid=True)

    def error(name: str, message: str) -> None:
        result.errors.append(Issue(index=index, id=post_id, field=name, message=message))

    def warn(name: str, message: str) -> None:
        result.warnings.append(Issue(index=index, id=post_id, field=name, message=message))

    _check_identity(record, error, warn)
    _check_types(record, now, error, warn)
    _warnings(record, warn)
    result.valid = not result.errors
    return result


def _warnings(record: dict[str, Any], warn: Note) -> None:
    content, title = record.get("content"), record.get("title")
    blank = [v is None or (isinstance(v, str) and not v.strip()) for v in (content, title)]
    if all(blank):  # a non-text content is already an error, not also a warning
        warn("content", "is empty (and there is no title)")
    if record.get("publish_time") is None:
        warn("publish_time", "is missing: the post cannot be placed in time")
    likes, views = record.get("likes"), record.get("views")
    if isinstance(likes, int) and isinstance(views, int) and views > 0 and likes > views:
        warn("likes", f"{likes} likes exceed {views} views")
    for name in sorted(set(record) - KNOWN - TOLERATED):
        warn(name, "is not a post field and is ignored")


def validate(records: Sequence[dict[str, Any]], *, now: datetime) -> ValidateResponse:
    """Return per-record results; a repeated (platform, id) is a warning on the later record."""
    results = [check_record(r, index=i, now=now) for i, r in enumerate(records)]
    first: dict[tuple[str, str], int] = {}
    for result in results:
        if result.id is None or result.platform is None:
            continue
        key = (result.platform, result.id)
        if key in first:
            result.warnings.append(
                Issue(
                    index=result.index, id=result.id, field="id", message=f"same platform and id as record {first[key]}"
                )
            )
        else:
            first[key] = result.index
    invalid = sum(1 for r in results if not r.valid)
    return ValidateResponse(
        valid=invalid == 0,
        total=len(results),
        valid_count=len(results) - invalid,
        invalid_count=invalid,
        warning_count=sum(1 for r in results if r.warnings),
        results=results,
    )
