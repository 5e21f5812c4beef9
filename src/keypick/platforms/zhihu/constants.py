"""Zhihu (www.zhihu.com) vocabularies and the error-signal table with its reader (platforms.md §7).

The reader (`response_error`) is pure and lives beside the table because both the client's
choke point and the parsers (for `keypick parse`) apply it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from keypick.enums import SortBy
from keypick.exceptions import (
    DataFetchError,
    LoginRequired,
    PlatformError,
    RateLimited,
    RiskControl,
    VerificationRequired,
)
from keypick.platforms.base import ContentType as KeyPickType

PLATFORM = "zhihu"
BASE_URL = "https://www.zhihu.com"
ZHUANLAN_URL = "https://zhuanlan.zhihu.com"

#: search_v3 pages by offset, 20 at a time (`offset=(page-1)*20, limit=20`).
PAGE_SIZE = 20
#: comment_v5 root and child pages ask for 10.
COMMENT_PAGE_SIZE = 10
#: Child-comment pages fetched per root at most: a guard against an offset that never ends.
MAX_CHILD_PAGES = 50
#: The answer fields /api/v4/members/{t}/answers must `include` for parse_content (the list leaves
#: `content` out unless asked; MC asks for a longer list of flags KeyPick does not read).
MEMBER_ANSWERS_INCLUDE = (
    "data[*].content,excerpt,voteup_count,comment_count,favlists_count,created_time,updated_time,question,author"
)

#: Headers the web app sends with every API call (MC, 2026-08); x-zse-96 is added by the page.
API_VERSION = "3.0.91"
APP_ZA = "OS=Web"
ZSE_93 = "101_3_3.0"
#: The cookie the page's signer hashes into x-zse-96: no d_c0, no signature.
SIGNING_COOKIE = "d_c0"


class TimeInterval(StrEnum):
    """search_v3 `time_interval`: how far back results may go ("" = any time)."""

    ANY = ""
    DAY = "a_day"
    WEEK = "a_week"
    MONTH = "a_month"
    THREE_MONTHS = "three_months"
    HALF_YEAR = "half_a_year"
    YEAR = "a_year"


#: Each interval with the longest window (days) it covers; the adapter picks the first that fits.
INTERVAL_DAYS: tuple[tuple[TimeInterval, int], ...] = (
    (TimeInterval.DAY, 1),
    (TimeInterval.WEEK, 7),
    (TimeInterval.MONTH, 30),
    (TimeInterval.THREE_MONTHS, 90),
    (TimeInterval.HALF_YEAR, 182),
    (TimeInterval.YEAR, 365),
)


class SearchSort(StrEnum):
    """search_v3 `sort` ("" = relevance)."""

    DEFAULT = ""
    UPVOTED = "upvoted_count"
    CREATED = "created_time"


#: KeyPick sort → native sort; anything else is relevance.
SORT_TO_NATIVE: dict[SortBy, SearchSort] = {SortBy.LIKES: SearchSort.UPVOTED, SortBy.RECENT: SearchSort.CREATED}


class ContentType(StrEnum):
    """The object types KeyPick stores; search also returns questions, columns, ads (skipped)."""

    ANSWER = "answer"
    ARTICLE = "article"
    ZVIDEO = "zvideo"


#: KeyPick content_type → search_v3 `vertical` ("" = every type).
CONTENT_TO_VERTICAL: dict[KeyPickType, str] = {
    KeyPickType.ALL: "",
    KeyPickType.ANSWER: ContentType.ANSWER.value,
    KeyPickType.ARTICLE: ContentType.ARTICLE.value,
    KeyPickType.VIDEO: ContentType.ZVIDEO.value,
}

#: Top-level `data[].type` values whose `object` may be content (MC reads both).
RESULT_ITEM_TYPES = frozenset({"search_result", "zvideo"})
#: comment_v5 resource path segment per content type.
COMMENT_RESOURCE: dict[ContentType, str] = {
    ContentType.ANSWER: "answers",
    ContentType.ARTICLE: "articles",
    ContentType.ZVIDEO: "zvideos",
}


@dataclass(frozen=True)
class Signal:
    """One way Zhihu says "no": the KeyPick exception it maps to, and why."""

    error: type[PlatformError]
    why: str


#: `error.code` → signal (codes from MC issues #435/#517 and the page's signer; platforms.md §7.4).
CODE_SIGNALS: dict[int, Signal] = {
    40362: Signal(RiskControl, "您当前请求存在异常: the account or IP is restricted"),
    40352: Signal(VerificationRequired, "the 'unhuman' security check (captcha); never solved"),
    101: Signal(LoginRequired, "ZERR_NOT_LOGIN: the cookies are missing or expired"),
    100: Signal(DataFetchError, "请求头或参数封装错误: headers or parameters rejected"),
    10003: Signal(DataFetchError, "signature rejected (x-zse-96 missing or wrong)"),
}
SIGNATURE_CODE = 10003
#: `error.name` values that mean "log in first".
LOGIN_NAMES = frozenset({"ZERR_NOT_LOGIN"})
#: The captcha page: a redirect, or an `error.redirect`, to /account/unhuman.
UNHUMAN_MARKER = "unhuman"
UNHUMAN_PATH = "/account/unhuman"
#: The login page (https://www.zhihu.com/signin?next=...).
SIGNIN_PATH = "/signin"

#: HTTP status → signal when the body names no known code. 5xx never gets here (PlatformHttp).
HTTP_STATUS_SIGNALS: dict[int, Signal] = {
    401: Signal(LoginRequired, "the endpoint wants a logged-in cookie"),
    403: Signal(RiskControl, "forbidden: the account or IP is blocked"),
    429: Signal(RateLimited, "too many requests; honour Retry-After"),
}

#: Marks of an HTML captcha or login page, for bodies that are not JSON.
VERIFICATION_PAGE_MARKERS: tuple[str, ...] = ("unhuman", "安全验证", "captcha")
LOGIN_PAGE_MARKERS: tuple[str, ...] = ("/signin", "登录知乎")


def error_of(payload: Any) -> dict[str, Any] | None:
    """Return the `error` object of a Zhihu answer, if it is one."""
    error = payload.get("error") if isinstance(payload, dict) else None
    return error if isinstance(error, dict) else None


def response_error(status: int, payload: Any, *, endpoint: str) -> PlatformError | None:
    """Return the exception an answer stands for (status + parsed body), None when it is fine."""
    error = error_of(payload)
    ctx: dict[str, Any] = {"platform": PLATFORM, "endpoint": endpoint}
    if error is not None:
        code = error.get("code")
        message = str(error.get("message") or "")
        ctx["raw_code"] = code if code is not None else status
        if UNHUMAN_MARKER in str(error.get("redirect") or ""):
            signal: Signal | None = CODE_SIGNALS[40352]
        elif error.get("name") in LOGIN_NAMES:
            signal = CODE_SIGNALS[101]
        else:
            signal = CODE_SIGNALS.get(code) if isinstance(code, int) else None
        if signal is not None:
            return signal.error(f"zhihu {endpoint}: {message or code} ({signal.why})", **ctx)
        fallback = HTTP_STATUS_SIGNALS.get(status)
        if fallback is not None:
            return fallback.error(f"zhihu {endpoint}: HTTP {status} {message} ({fallback.why})", **ctx)
        return DataFetchError(f"zhihu {endpoint}: error {code}: {message or '(no message)'}", **ctx)
    ctx["raw_code"] = status
    fallback = HTTP_STATUS_SIGNALS.get(status)
    if fallback is not None:
        return fallback.error(f"zhihu {endpoint}: HTTP {status} ({fallback.why})", **ctx)
    if status >= 400:
        return DataFetchError(f"zhihu {endpoint}: HTTP {status}", **ctx)
    return None
