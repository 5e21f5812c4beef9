"""The shared pure helpers: counts, epochs, HTML text, URLs and Chinese relative times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

import pytest

from keypick.platforms.normalize import (
    CHINA_TZ,
    epoch_to_utc,
    https_url,
    parse_cn_relative_time,
    parse_count,
    parse_ctime,
    strip_html,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, 0),
        (240492, 240492),
        ("123", 123),
        (" 123 ", 123),
        ("1,234", 1234),
        ("1.2万", 12000),
        ("10万+", 100000),
        ("100万+", 1000000),
        ("1.5亿", 150000000),
        ("3w", 30000),
        ("1.2w", 12000),
        ("3W", 30000),
        ("1.2k", 1200),
        ("1.2K", 1200),
        ("999+", 999),
        (12.0, 12),
    ],
)
def test_parse_count_reads_display_counts(value: object, expected: int) -> None:
    assert parse_count(value) == expected


@pytest.mark.parametrize(
    "value", ["--", "", "   ", None, "赞", "评论", "转发", True, False, "1.2.3", "万", "abc", [], {}, float("nan")]
)
def test_parse_count_returns_none_for_non_counts(value: object) -> None:
    assert parse_count(value) is None


def test_parse_count_is_exact_for_fractions_of_wan() -> None:
    # float maths would give 11999 for some of these
    assert [parse_count(f"{n / 10}万") for n in range(11, 20)] == [n * 1000 for n in range(11, 20)]


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (1560515960, "s", datetime(2019, 6, 14, 12, 39, 20, tzinfo=UTC)),
        (1560515960000, "ms", datetime(2019, 6, 14, 12, 39, 20, tzinfo=UTC)),
        (1560515960, "auto", datetime(2019, 6, 14, 12, 39, 20, tzinfo=UTC)),
        (1560515960000, "auto", datetime(2019, 6, 14, 12, 39, 20, tzinfo=UTC)),
        ("1560515960", "auto", datetime(2019, 6, 14, 12, 39, 20, tzinfo=UTC)),
        (1560515960.5, "s", datetime(2019, 6, 14, 12, 39, 20, 500000, tzinfo=UTC)),
        (0, "s", datetime(1970, 1, 1, tzinfo=UTC)),
    ],
)
def test_epoch_to_utc(value: object, unit: Literal["s", "ms", "auto"], expected: datetime) -> None:
    result = epoch_to_utc(value, unit=unit)
    assert result == expected
    assert result is not None and result.tzinfo is UTC


@pytest.mark.parametrize("value", [None, True, "", "abc", -5, float("inf"), 10**30, [1]])
def test_epoch_to_utc_returns_none_for_invalid(value: object) -> None:
    assert epoch_to_utc(value, unit="auto") is None


def test_strip_html_weibo_emoji_images_become_alt_text() -> None:
    # The exact markup of the first card of the real timeline sample (alt is unquoted).
    html = (
        '吃<span class="url-icon"><img alt=[偷笑] src="//h5.sinaimg.cn/m/emoticon/icon/default/'
        'd_touxiao-15afb1c739.png" style="width:1em; height:1em;" /></span> '
    )
    assert strip_html(html) == "吃[偷笑]"


def test_strip_html_keeps_link_text_mentions_and_topics() -> None:
    html = (
        "回复<a href='/n/用户亥'>@用户亥</a>:好"
        '<a href="https://m.weibo.cn/search?containerid=231522type%3D1"><span class="surl-text">#话题#</span></a>'
    )
    assert strip_html(html) == "回复@用户亥:好#话题#"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("a<br>b", "a\nb"),
        ("a<br />b<br/>c", "a\nb\nc"),
        ("  a  <br />  b  ", "a\nb"),
        ("x &amp; y &lt;z&gt; &quot;q&quot; &#20013;", 'x & y <z> "q" 中'),
        ('<em class="keyword">猫</em>咪', "猫咪"),
        ("<p>one</p><p>two</p>", "one\ntwo"),
        ("text<script>alert(1)</script>", "text"),
        ("<img src='x.png'>", ""),
        ("no tags", "no tags"),
        ("全文\u200b\u200b\u200b", "全文"),
        ("a<br><br><br><br>b", "a\n\nb"),
        ("", ""),
    ],
)
def test_strip_html_cases(html: str, expected: str) -> None:
    assert strip_html(html) == expected


@pytest.mark.parametrize("html", [None, 5, "<", "<<>>", "<a href=", "</b></i>", "<!--", "<![CDATA[x", "&#xZZ;"])
def test_strip_html_never_raises(html: object) -> None:
    assert isinstance(strip_html(html), str)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("//h5.sinaimg.cn/x.png", "https://h5.sinaimg.cn/x.png"),
        ("  https://wx3.sinaimg.cn/large/a.jpg ", "https://wx3.sinaimg.cn/large/a.jpg"),
        ("http://f.us.sinaimg.cn/v.mp4", "http://f.us.sinaimg.cn/v.mp4"),
        ("", None),
        ("   ", None),
        (None, None),
        (123, None),
    ],
)
def test_https_url(url: object, expected: str | None) -> None:
    assert https_url(url) == expected


def test_china_tz_is_utc_plus_8() -> None:
    assert CHINA_TZ.utcoffset(None) == timedelta(hours=8)


def test_parse_ctime_reads_weibo_comment_times() -> None:
    assert parse_ctime("Fri Jun 14 20:39:20 +0800 2019") == datetime(2019, 6, 14, 12, 39, 20, tzinfo=UTC)
    assert parse_ctime("Fri Jun 14 20:39:20 +0000 2019") == datetime(2019, 6, 14, 20, 39, 20, tzinfo=UTC)
    for bad in ("Fri Foo 14 20:39:20 +0800 2019", "Fri Feb 30 20:39:20 +0800 2019", "06-14", None):
        assert parse_ctime(bad) is None


# 2019-06-15 08:00 in China.
NOW = datetime(2019, 6, 15, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("刚刚", NOW),
        ("30秒前", NOW - timedelta(seconds=30)),
        ("5分钟前", NOW - timedelta(minutes=5)),
        ("3小时前", NOW - timedelta(hours=3)),
        ("2天前", NOW - timedelta(days=2)),
        ("今天 12:30", datetime(2019, 6, 15, 4, 30, tzinfo=UTC)),
        ("昨天 12:30", datetime(2019, 6, 14, 4, 30, tzinfo=UTC)),
        ("昨天 00:10", datetime(2019, 6, 13, 16, 10, tzinfo=UTC)),
        ("前天 08:00", datetime(2019, 6, 13, 0, 0, tzinfo=UTC)),
        ("06-14", datetime(2019, 6, 13, 16, 0, tzinfo=UTC)),
        ("06-15", datetime(2019, 6, 14, 16, 0, tzinfo=UTC)),  # today (in China) is not the future
        ("06-16", datetime(2018, 6, 15, 16, 0, tzinfo=UTC)),  # ahead of today: last year
        ("06-14 20:39", datetime(2019, 6, 14, 12, 39, tzinfo=UTC)),
        ("2018-12-31", datetime(2018, 12, 30, 16, 0, tzinfo=UTC)),
        ("2018-12-31 23:59", datetime(2018, 12, 31, 15, 59, tzinfo=UTC)),
    ],
)
def test_parse_cn_relative_time(text: str, expected: datetime) -> None:
    assert parse_cn_relative_time(text, now=NOW) == expected


def test_parse_cn_relative_time_uses_china_date_not_utc_date() -> None:
    # 2019-06-14T20:00Z is already 06-15 04:00 in China, so "06-15" is today, not last year.
    now = datetime(2019, 6, 14, 20, 0, tzinfo=UTC)
    assert parse_cn_relative_time("06-15", now=now) == datetime(2019, 6, 14, 16, 0, tzinfo=UTC)
    assert parse_cn_relative_time("今天 05:00", now=now) == datetime(2019, 6, 14, 21, 0, tzinfo=UTC)


def test_parse_cn_relative_time_across_new_year() -> None:
    # 2020-01-01 01:00 in China: "12-31" is yesterday, last year; "01-01" is today.
    now = datetime(2019, 12, 31, 17, 0, tzinfo=UTC)
    assert parse_cn_relative_time("12-31", now=now) == datetime(2019, 12, 30, 16, 0, tzinfo=UTC)
    assert parse_cn_relative_time("01-01", now=now) == datetime(2019, 12, 31, 16, 0, tzinfo=UTC)
    assert parse_cn_relative_time("昨天 23:00", now=now) == datetime(2019, 12, 31, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["", "明天", "13-45", "02-30", "2019-02-29", "12:30", "很久以前", None, 5])
def test_parse_cn_relative_time_unknown_is_none(text: object) -> None:
    assert parse_cn_relative_time(text, now=NOW) is None


def test_parse_cn_relative_time_results_are_utc() -> None:
    result = parse_cn_relative_time("今天 12:30", now=NOW)
    assert result is not None and result.utcoffset() == timedelta(0)
