"""Time ranges and server-side filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from keypick.content.schemas import Post
from keypick.tasks.filters import PostFilter, parse_time_range

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("value", "days"), [("1d", 1), ("3d", 3), ("7d", 7), ("30d", 30), ("90d", 90),
                                             ("6m", 182), ("1y", 365), (" 7D ", 7)])  # fmt: skip
def test_relative_windows(value: str, days: int) -> None:
    assert parse_time_range(value, now=NOW) == (NOW - timedelta(days=days), None)


def test_all_and_dates() -> None:
    assert parse_time_range("all", now=NOW) == (None, None)
    since, until = parse_time_range("2024-05-01,2024-05-31", now=NOW)
    # Whole days in China time (UTC+8), the end day included.
    assert since == datetime(2024, 4, 30, 16, 0, tzinfo=UTC)
    assert until == datetime(2024, 5, 31, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize("value", ["2w", "yesterday", "2024-05-01", "2024-13-01,2024-12-01", "2024-05-02,2024-05-01"])
def test_bad_ranges(value: str) -> None:
    with pytest.raises(ValueError):
        parse_time_range(value, now=NOW)


def _post(**kw: object) -> Post:
    return Post(id="1", platform="weibo", content=str(kw.pop("content", "好喝的咖啡")), **kw)  # type: ignore[arg-type]


def test_filter_reasons() -> None:
    f = PostFilter(since=NOW - timedelta(days=1), until=NOW, min_likes=10, min_comments=2,
                   exclude_keywords=("速溶",))  # fmt: skip
    fine = {"publish_time": NOW - timedelta(hours=1), "likes": 10, "comments": 2}
    assert f.rejects(_post(**fine)) is None
    assert f.rejects(_post(**fine | {"publish_time": NOW - timedelta(days=2)})) == "too_old"
    assert f.rejects(_post(**fine | {"publish_time": NOW})) == "too_new"
    assert f.rejects(_post(**fine | {"publish_time": None})) == "no_publish_time"
    assert f.rejects(_post(**fine | {"likes": None})) == "min_likes"
    assert f.rejects(_post(**fine | {"comments": 1})) == "min_comments"
    assert f.rejects(_post(**fine, content="速溶咖啡也行")) == "excluded_keyword"
    assert f.older_than_window(_post(**fine | {"publish_time": NOW - timedelta(days=3)}))
    assert PostFilter().rejects(_post()) is None
