"""Pure helpers every platform parser shares: counts, epochs, HTML text, URLs, Chinese times.

Nothing here does IO, reads settings or looks at the clock: callers pass `now`.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from html.parser import HTMLParser
from typing import Literal
from urllib.parse import urlsplit

#: China Standard Time (no DST). Chinese platforms show local times in it.
CHINA_TZ = timezone(timedelta(hours=8))

# Display multipliers seen on Chinese platforms: "1.2万", "3w", "1.5亿", "1.2k".
_UNITS: dict[str, int] = {"万": 10_000, "w": 10_000, "亿": 100_000_000, "k": 1_000, "千": 1_000}
_COUNT_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(万|w|亿|k|千)?\+?")

# Epoch values above this are milliseconds: 1e11 seconds is the year 5138, 1e11 ms is 1973.
_MS_THRESHOLD = 1e11


def parse_count(value: object) -> int | None:
    """Return a display count ("1,234", "1.2万", "10万+", "3w") as an int; None when it is not a count."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    text = value.strip().lower().replace(",", "").replace("，", "")
    match = _COUNT_RE.fullmatch(text)
    if match is None:
        # Placeholders such as "--", "赞" or "评论" stand for "no number shown".
        return None
    # Decimal, not float: "1.2万" must be exactly 12000, not 11999.999...
    return int(Decimal(match.group(1)) * _UNITS.get(match.group(2) or "", 1))


def epoch_to_utc(value: object, *, unit: Literal["s", "ms", "auto"] = "auto") -> datetime | None:
    """Return an aware UTC datetime for an epoch in seconds or ms (auto: > 1e11 is ms); None if invalid."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value) if isinstance(value, int | float | str) else math.nan
    except ValueError:
        return None
    if not math.isfinite(number) or number < 0:
        return None
    if unit == "ms" or (unit == "auto" and number > _MS_THRESHOLD):
        number /= 1000
    try:
        return datetime.fromtimestamp(number, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


class _TextExtractor(HTMLParser):
    """Collects the visible text of a fragment; emoji images become their alt text."""

    _SKIP = frozenset({"script", "style"})
    _BREAKS = frozenset({"br", "p", "div", "li", "tr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "img":
            # Weibo renders emoji as <img alt=[偷笑] ...> (alt unquoted); the alt is the text.
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(alt)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BREAKS and tag != "br":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def strip_html(html: object) -> str:
    """Return the plain text of an HTML fragment (br → newline, emoji img → alt); never raises."""
    if not isinstance(html, str) or not html:
        return ""
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient, but a hostile fragment must not kill a crawl.
        pass
    # Weibo pads texts with zero-width spaces ("\u200b\u200b\u200b"); they carry nothing.
    text = "".join(parser.parts).replace("\u200b", "").replace("\xa0", " ")
    lines = [line.strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def https_url(url: object) -> str | None:
    """Return the URL trimmed, with protocol-relative "//host/..." made https; None when empty."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url:
        return None
    if url.startswith("//"):
        return "https:" + url
    return url


def quote_input(text: str, *, limit: int = 120) -> str:
    """Return what a user sent, quoted and cut after `limit` characters, for an error message."""
    return repr(text if len(text) <= limit else f"{text[:limit]}...")


def link_id(text: str, hosts: frozenset[str], path: re.Pattern[str]) -> str:
    """Return the id `path` captures in an http(s) link on one of `hosts` ('' when it does not match), else `text`."""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or (parts.hostname or "") not in hosts:
        return text
    match = path.fullmatch(parts.path)
    return match.group(1) if match else ""


_MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun"), 1)} | {
    m: i for i, m in enumerate(("Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 7)
}
_CTIME_RE = re.compile(r"[A-Za-z]{3} ([A-Za-z]{3}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) ([+-]\d{4}) (\d{4})")


def parse_ctime(text: object) -> datetime | None:
    """Return UTC for "Fri Jun 14 20:39:20 +0800 2019" (`%a %b %d %H:%M:%S %z %Y`); None otherwise."""
    # Parsed by hand: strptime's %a/%b depend on the process locale.
    match = _CTIME_RE.fullmatch(text.strip()) if isinstance(text, str) else None
    month = _MONTHS.get(match.group(1).title()) if match else None
    if match is None or month is None:
        return None
    year, day, hh, mm, ss, offset = match.group(7, 2, 3, 4, 5, 6)
    try:
        stamp = datetime.fromisoformat(f"{year}-{month:02d}-{int(day):02d}T{hh}:{mm}:{ss}{offset}")
        return stamp.astimezone(UTC)
    except ValueError:
        return None


_AGO_RE = re.compile(r"(\d+)\s*(秒|分钟|小时|天)前")
_AGO_UNITS = {"秒": "seconds", "分钟": "minutes", "小时": "hours", "天": "days"}
_DAY_RE = re.compile(r"(今天|昨天|前天)\s*(?:(\d{1,2}):(\d{2}))?")
_DATE_RE = re.compile(r"(?:(\d{4})[-/年])?(\d{1,2})[-/月](\d{1,2})日?(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def parse_cn_relative_time(text: object, *, now: datetime, tz: timezone = CHINA_TZ) -> datetime | None:
    """Return UTC for "刚刚", "N分钟前", "今天 12:30", "昨天 12:30", "MM-DD", "YYYY-MM-DD"; else None."""
    if not isinstance(text, str):
        return None
    if now.tzinfo is None:  # callers pass UTC; a naive value is taken as UTC rather than dropped
        now = now.replace(tzinfo=UTC)
    text = text.strip()
    local_now = now.astimezone(tz)
    try:
        if text == "刚刚":
            return now.astimezone(UTC)
        if m := _AGO_RE.fullmatch(text):
            return (now - timedelta(**{_AGO_UNITS[m.group(2)]: int(m.group(1))})).astimezone(UTC)
        if m := _DAY_RE.fullmatch(text):
            days_back = {"今天": 0, "昨天": 1, "前天": 2}[m.group(1)]
            day = local_now.date() - timedelta(days=days_back)
            return _local(day, int(m.group(2) or 0), int(m.group(3) or 0), 0, tz)
        if m := _DATE_RE.fullmatch(text):
            year, month, dom = m.group(1), int(m.group(2)), int(m.group(3))
            hour, minute, second = (int(g or 0) for g in m.group(4, 5, 6))
            if year is not None:
                return _local(date(int(year), month, dom), hour, minute, second, tz)
            # "MM-DD" means this year, as seen in China; a date still ahead of today is last year's.
            year_guess = local_now.year
            if not _valid(year_guess, month, dom) or date(year_guess, month, dom) > local_now.date():
                year_guess -= 1
            return _local(date(year_guess, month, dom), hour, minute, second, tz)
    except (ValueError, OverflowError):
        return None
    return None


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _local(day: date, hour: int, minute: int, second: int, tz: timezone) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=tz).astimezone(UTC)
