"""Pure, deterministic variation of real captured items.

The sandbox has a handful of real items per platform but must answer any
keyword and any page. It derives new items from the real ones: new ids of the
same shape, counts scaled by a stable factor, shifted times and the keyword
woven into the text. Every value comes from hashlib over the inputs, never
from `random` or the clock, so the same inputs give byte-identical output.
"""

from __future__ import annotations

import copy
import hashlib
import html
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_BASE62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_COUNT_KEYS = ("reposts_count", "comments_count", "attitudes_count")

Json = dict[str, Any]


def stable_int(*parts: object) -> int:
    """Return a 256-bit integer that depends only on the parts."""
    text = "\x1f".join(str(p) for p in parts)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest(), "big")


def stable_fraction(*parts: object) -> float:
    """Return a number in [0, 1) that depends only on the parts."""
    return (stable_int(*parts) % 1_000_000) / 1_000_000


def derive_digits(original: str, *parts: object) -> str:
    """Return a digit string shaped like `original` (same length and first digit) derived from parts."""
    if not original.isdigit():
        raise ValueError(f"not a numeric id: {original!r}")
    # Take the low digits of the hash: the high ones of a big int are biased.
    pool = str(stable_int(original, *parts)).zfill(77)
    return original[0] + pool[-(len(original) - 1) :] if len(original) > 1 else original


def scale_count(value: Any, factor: float) -> Any:
    """Scale an integer count; strings such as "100万+" are returned as they are."""
    if isinstance(value, int) and not isinstance(value, bool):
        return max(0, round(value * factor))
    return value


def weibo_time(moment: datetime) -> str:
    """Format like m.weibo.cn: "Fri Jun 14 20:39:20 +0800 2019" (English names, whatever the locale)."""
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    zone = f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"
    return (
        f"{_DAYS[moment.weekday()]} {_MONTHS[moment.month - 1]} {moment.day:02d} {moment:%H:%M:%S} {zone} {moment.year}"
    )


def mid_to_bid(mid: str) -> str:
    """Encode a numeric Weibo mid as its base62 `bid` (7-digit groups from the right, 4 chars each)."""
    groups = []
    end = len(mid)
    while end > 0:
        start = max(0, end - 7)
        number = int(mid[start:end])
        chars = ""
        while number:
            number, rest = divmod(number, 62)
            chars = _BASE62[rest] + chars
        # Every group but the leading one is zero-padded to 4 chars.
        groups.append(chars.rjust(4, "0") if start > 0 else chars or "0")
        end = start
    return "".join(reversed(groups))


def topic_link(keyword: str) -> str:
    """Return the HTML of a #keyword# topic link as m.weibo.cn writes it in post text."""
    tag = quote(f"#{keyword}#", safe="")
    href = (
        f"https://m.weibo.cn/search?containerid=231522type%3D1%26t%3D10%26q%3D{tag}"
        f"&extparam={tag}&luicode=10000011&lfid=100103type%3D1%26q%3D{quote(keyword, safe='')}"
    )
    return (
        f'<a  href="{html.escape(href)}" data-hide=""><span class="surl-text">'
        f"#{html.escape(keyword, quote=False)}#</span></a> "
    )


def vary_mblog(raw: Json, *, seed: str, keyword: str, page: int, slot: int, created_at: datetime) -> Json:
    """Return a copy of a real mblog with a new id, scaled counts, `created_at` and the keyword in its text."""
    mblog = copy.deepcopy(raw)
    new_id = derive_digits(str(raw["id"]), seed, "mblog", keyword, page, slot)
    mblog["id"] = mblog["idstr"] = mblog["mid"] = new_id
    mblog["bid"] = mid_to_bid(new_id)
    mblog["created_at"] = weibo_time(created_at)
    factor = 0.5 + stable_fraction(seed, "counts", new_id)
    for key in _COUNT_KEYS:
        if key in mblog:
            mblog[key] = scale_count(mblog[key], factor)
    mblog["text"] = topic_link(keyword) + str(raw.get("text", ""))
    return mblog


def make_long(mblog: Json, extra_html: str) -> tuple[Json, Json]:
    """Return (list version, full version) of a post made long by appending `extra_html`.

    The list version ends with " ...<a href="/status/{id}">全文</a>" and has
    isLongText true, as search lists show long posts; the full version is what
    the detail page carries.
    """
    full = copy.deepcopy(mblog)
    full["text"] = f"{mblog['text']}<br /><br />{extra_html}"
    full["isLongText"] = True
    listed = copy.deepcopy(mblog)
    listed["text"] = f'{mblog["text"]} ...<a href="/status/{mblog["id"]}">全文</a>'
    listed["isLongText"] = True
    return listed, full


def vary_comment(raw: Json, *, seed: str, mid: str, page: int, slot: int, post_time: datetime, now: datetime) -> Json:
    """Return a copy of a real hotflow comment re-identified for (mid, page, slot), replies included."""
    comment = copy.deepcopy(raw)
    new_id = derive_digits(str(raw["id"]), seed, "comment", mid, page, slot)
    comment["id"] = comment["mid"] = comment["rootid"] = new_id
    span = max((now - post_time).total_seconds(), 0.0)
    when = post_time + timedelta(seconds=int(span * stable_fraction(seed, "ctime", new_id)))
    comment["created_at"] = weibo_time(when)
    factor = 0.5 + stable_fraction(seed, "likes", new_id)
    for key in ("like_count", "total_number"):
        if key in comment:
            comment[key] = scale_count(comment[key], factor)
    if isinstance(raw.get("max_id"), int) and raw["max_id"]:
        comment["max_id"] = int(derive_digits(str(raw["max_id"]), seed, "replies", new_id))
    replies = raw.get("comments")
    # hotflow sends `comments: false` when a comment has no embedded replies.
    if isinstance(replies, list):
        comment["comments"] = [
            _vary_reply(reply, seed=seed, root_id=new_id, slot=i, parent_time=when, now=now)
            for i, reply in enumerate(replies)
        ]
    return comment


def _vary_reply(raw: Json, *, seed: str, root_id: str, slot: int, parent_time: datetime, now: datetime) -> Json:
    reply = copy.deepcopy(raw)
    new_id = derive_digits(str(raw["id"]), seed, "reply", root_id, slot)
    reply["id"] = reply["mid"] = new_id
    reply["rootid"] = root_id
    span = max((now - parent_time).total_seconds(), 0.0)
    when = parent_time + timedelta(seconds=int(span * stable_fraction(seed, "rtime", new_id)))
    reply["created_at"] = weibo_time(when)
    if "bid" in reply:
        reply["bid"] = mid_to_bid(new_id)
    return reply
