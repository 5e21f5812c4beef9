"""Weibo (m.weibo.cn) vocabularies, container ids, and the error-signal table with its reader (§5.3).

The reader (`envelope_error`, `is_end_of_results`) is pure and lives beside the table because
both the client's choke point and the parsers (for `keypick parse`) apply it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from keypick.enums import SortBy
from keypick.exceptions import (
    DataFetchError,
    LoginRequired,
    ParseError,
    PlatformError,
    RateLimited,
    RiskControl,
    VerificationRequired,
)

PLATFORM = "weibo"
BASE_URL = "https://m.weibo.cn"

#: Posts per search page; the API has no page-size parameter.
PAGE_SIZE = 10


class SearchType(IntEnum):
    """The `type` code inside a search containerid (`100103type={code}&q={kw}`)."""

    DEFAULT = 1  # 综合 (mixed)
    POPULAR = 60  # 热门
    REALTIME = 61  # 实时, newest first
    VIDEO = 64  # 视频


#: KeyPick sort → native search type; any other sort falls back to DEFAULT.
SORT_TO_SEARCH_TYPE: dict[SortBy, SearchType] = {
    SortBy.HOT: SearchType.POPULAR,
    SortBy.RECENT: SearchType.REALTIME,
}

#: Container id prefixes: the rest of the id is the user id.
USER_INFO_CONTAINER = "100505"
USER_POSTS_CONTAINER = "107603"

#: `cards[].card_type` values: 9 is a post (`mblog`), 11 a group whose `card_group[]` may hold posts.
CARD_TYPE_MBLOG = 9
CARD_TYPE_GROUP = 11


@dataclass(frozen=True)
class Signal:
    """One way Weibo says "no": the KeyPick exception it maps to, and why."""

    error: type[PlatformError]
    why: str


#: HTTP status → signal. 5xx never gets here (PlatformHttp raises ServerError first).
HTTP_STATUS_SIGNALS: dict[int, Signal] = {
    432: Signal(RiskControl, "m.weibo.cn's anti-crawler block, sent with an HTML body (MC issue #771)"),
    418: Signal(RiskControl, "'I'm a teapot' is Weibo's answer to a flagged client or IP"),
    403: Signal(RiskControl, "forbidden: the IP or account is blocked"),
    429: Signal(RateLimited, "too many requests; honour Retry-After"),
    401: Signal(LoginRequired, "the endpoint wants a logged-in cookie"),
}

#: A redirect (Location) or final URL whose host or path holds one of these is the login wall
#: (passport.weibo.cn/signin/…, passport.weibo.com/visitor/…). Only host and path are checked,
#: so a search keyword such as "login" in the query string cannot trip it.
LOGIN_URL_MARKERS: tuple[str, ...] = ("passport", "login", "signin")

#: `ok == -100` comes with `url` pointing at passport.weibo.cn: log in first (seen in public
#: crawler code; no captured sample yet).
OK_LOGIN = -100

#: `errno` values that mean "log in first".
LOGIN_ERRNOS: frozenset[str] = frozenset({"100005"})

#: `ok == 0` messages (substring, lower-cased) → signal; checked in order, first match wins.
MESSAGE_SIGNALS: tuple[tuple[str, Signal], ...] = (
    ("请先登录", Signal(LoginRequired, "'log in first'")),
    ("登录", Signal(LoginRequired, "any message about logging in")),
    ("login", Signal(LoginRequired, "English login messages")),
    ("验证", Signal(VerificationRequired, "a verification step; never solved")),
    ("频繁", Signal(RateLimited, "'requests too frequent'")),
)

#: `ok == 0` messages that mean "nothing (more) here", not an error: an empty search page says
#: 这里还没有内容; a post without comments says 快来发表你的评论吧 (hotflow, from crawler code).
END_MESSAGES: tuple[str, ...] = ("这里还没有内容", "快来发表你的评论吧")

#: Marks of an HTML login page and of a verification page, for bodies that are not JSON.
LOGIN_PAGE_MARKERS: tuple[str, ...] = ("passport.weibo", "登录 - 新浪微博", "<title>登录")
VERIFICATION_PAGE_MARKERS: tuple[str, ...] = ("验证码", "安全验证", "geetest", "captcha")


def is_end_of_results(payload: Any) -> bool:
    """Return True for an `ok == 0` answer that only says "nothing (more) here"."""
    if not isinstance(payload, dict) or payload.get("ok") != 0:
        return False
    data = payload.get("data")
    if isinstance(data, dict) and (data.get("cards") or data.get("data")):
        return False
    msg = str(payload.get("msg") or "")
    return any(marker in msg for marker in END_MESSAGES)


def envelope_error(payload: Any, *, endpoint: str) -> PlatformError | None:
    """Return the exception an `{ok, ...}` envelope stands for (None when it is fine or the end)."""
    if not isinstance(payload, dict) or "ok" not in payload:
        return ParseError(f"weibo {endpoint}: expected a JSON object with 'ok'", platform=PLATFORM, endpoint=endpoint)
    ok, msg, errno = payload.get("ok"), str(payload.get("msg") or ""), str(payload.get("errno") or "")
    if ok == 1 or is_end_of_results(payload):
        return None
    ctx: dict[str, Any] = {"platform": PLATFORM, "endpoint": endpoint, "raw_code": errno or ok}
    if ok == OK_LOGIN or errno in LOGIN_ERRNOS or "passport" in str(payload.get("url") or ""):
        return LoginRequired(f"weibo {endpoint}: login required (ok={ok}, errno={errno or '-'})", **ctx)
    for needle, signal in MESSAGE_SIGNALS:
        if needle in msg.lower():
            return signal.error(f"weibo {endpoint}: {msg} ({signal.why})", **ctx)
    return DataFetchError(f"weibo {endpoint}: ok={ok} msg={msg or '(none)'}", **ctx)
