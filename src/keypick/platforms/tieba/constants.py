"""Baidu Tieba vocabularies, the error-signal table with its reader, and format readers (platforms.md §6).

No real capture of any Tieba JSON answer exists (samples/SOURCES.md), so the numeric codes
below are ASSUMPTIONS, marked as such; the rule itself is from platforms.md §6.1: HTTP != 200,
non-JSON, or `error_code` (or `no`) != 0 is an error. Unknown codes become DataFetchError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
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
from keypick.platforms.normalize import epoch_to_utc, parse_cn_relative_time, strip_html

PLATFORM = "tieba"
BASE_URL = "https://tieba.baidu.com"

#: The PC site is a desktop site; Settings only carries a mobile UA, so the adapter brings its own.
DESKTOP_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)

#: Threads per search page: MC sends rn=max(page_size, 20).
PAGE_SIZE = 20
#: Sub-replies (楼中楼) per /p/comment page: MC asks for sub_post_number//10+1 pages.
SUB_REPLIES_PER_PAGE = 10
#: The card style of a thread in multsearch `data.card_list[]`.
THREAD_CARD = "thread"


class SearchSort(IntEnum):
    """The `st` parameter of /mo/q/search/multsearch."""

    TIME_ASC = 0
    TIME_DESC = 1  # newest first; what MC sends
    RELEVANCE = 2


#: KeyPick sort → native `st`; anything else is relevance (Tieba has no hot/likes order).
SORT_TO_ST: dict[SortBy, SearchSort] = {SortBy.RECENT: SearchSort.TIME_DESC}


@dataclass(frozen=True)
class Signal:
    """One way Tieba says "no": the KeyPick exception it maps to, and why."""

    error: type[PlatformError]
    why: str


#: HTTP status → signal (5xx never gets here: PlatformHttp raises ServerError first).
HTTP_STATUS_SIGNALS: dict[int, Signal] = {
    403: Signal(RiskControl, "forbidden; a 403 carrying 百度安全验证 is a verification page instead (MC #871)"),
    429: Signal(RateLimited, "too many requests; honour Retry-After"),
    401: Signal(LoginRequired, "the endpoint wants a logged-in BDUSS cookie"),
}

#: ASSUMPTION (no capture): 110001 is "未登录" (not logged in).
LOGIN_CODE = 110001
#: ASSUMPTION (no capture): 220034 with a message saying which check failed ("sign error",
#: "tbs error", a missing parameter). The sandbox answers it for every rejected request.
PARAM_CODE = 220034

#: `error_code` → signal. Codes not listed are DataFetchError unless their message matches below.
ERROR_CODE_SIGNALS: dict[int, Signal] = {
    LOGIN_CODE: Signal(LoginRequired, "not logged in (assumed code)"),
    PARAM_CODE: Signal(DataFetchError, "the request was rejected: sign, tbs or a parameter (assumed code)"),
}

#: Error messages (substring, lower-cased) → signal; first match wins, checked before the code table.
MESSAGE_SIGNALS: tuple[tuple[str, Signal], ...] = (
    ("未登录", Signal(LoginRequired, "'not logged in'")),
    ("登录", Signal(LoginRequired, "any message about logging in")),
    ("验证", Signal(VerificationRequired, "a verification step; never solved")),
    ("频繁", Signal(RateLimited, "'too frequent'")),
    ("太快", Signal(RateLimited, "'too fast'")),
)

#: A Location (or final URL) on these hosts is Baidu's captcha or its login page.
VERIFICATION_URL_MARKERS: tuple[str, ...] = ("wappass.baidu.com", "/static/captcha")
LOGIN_URL_MARKERS: tuple[str, ...] = ("passport.baidu.com",)
#: Marks of a Baidu security-check page and of a login page, for bodies that are not what we asked for.
VERIFICATION_PAGE_MARKERS: tuple[str, ...] = ("百度安全验证", "wappass.baidu.com", "/static/captcha/")
LOGIN_PAGE_MARKERS: tuple[str, ...] = ("passport.baidu.com", "<title>百度帐号", "<title>登录")


def error_code(payload: Any) -> int | None:
    """Return the envelope's `error_code` (or `no`) as an int; None when it has neither."""
    if not isinstance(payload, dict):
        return None
    raw = payload.get("error_code", payload.get("no"))
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        return -1  # a code we cannot read is not a success


def error_message(payload: Any) -> str:
    """Return the envelope's error text (`error_msg`, `error`, `msg` or `errmsg`), '' if none."""
    if not isinstance(payload, dict):
        return ""
    for key in ("error_msg", "error", "msg", "errmsg"):
        value = payload.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def envelope_error(payload: Any, *, endpoint: str) -> PlatformError | None:
    """Return the exception a Tieba envelope stands for; None when `error_code`/`no` is 0 or absent."""
    code = error_code(payload)
    if not code:
        return None
    msg = error_message(payload)
    ctx: dict[str, Any] = {"platform": PLATFORM, "endpoint": endpoint, "raw_code": code}
    text = f"tieba {endpoint}: error_code={code} {msg or '(no message)'}"
    for needle, signal in MESSAGE_SIGNALS:
        if needle in msg.lower():
            return signal.error(f"{text} ({signal.why})", **ctx)
    known = ERROR_CODE_SIGNALS.get(code)
    if known is not None:
        return known.error(f"{text} ({known.why})", **ctx)
    return DataFetchError(text, **ctx)


def checked(payload: Any, endpoint: str) -> dict[str, Any]:
    """Return the payload as a dict; raise what a non-zero error_code stands for, ParseError for a non-object."""
    if (error := envelope_error(payload, endpoint=endpoint)) is not None:
        raise error
    if not isinstance(payload, dict):
        raise ParseError(f"tieba {endpoint}: expected a JSON object", platform=PLATFORM, endpoint=endpoint)
    return payload


def is_tbs_error(exc: PlatformError) -> bool:
    """True for a rejection that names the tbs token: the cached one is stale, fetch a new one."""
    return isinstance(exc, DataFetchError) and "tbs" in exc.message.lower()


# -- format readers: how Tieba writes times, titles and text (pure; used by the parsers) -------------

# Tieba topics are written #话题# in titles (e.g. "#城市GDP#广州..." in the real sample).
_TOPIC_RE = re.compile(r"#([^#\n]{1,64})#")
_FORUM_TAG_RE = re.compile(r"^【[^】]*吧】")


def squash(text: str) -> str:
    """Return HTML text as a browser renders it: every whitespace run one space, trimmed."""
    return " ".join(text.split())


def tieba_time(value: object, *, now: datetime) -> datetime | None:
    """Return UTC for an epoch (seconds; ms auto-detected) or a China-time "2024-08-05 16:45"; else None."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return epoch_to_utc(value)
    if isinstance(value, str) and value.strip().isdigit():
        return epoch_to_utc(value.strip())
    return parse_cn_relative_time(value, now=now)


def clean_title(title: object, forum: str | None = None) -> str:
    """Return a thread title without the "_百度贴吧" suffix and a leading "【吧名】" (platforms.md §6.3)."""
    text = squash(strip_html(title)).removesuffix("_百度贴吧").strip()
    if forum:
        for prefix in (f"【{forum}吧】", f"【{forum}】"):
            text = text.removeprefix(prefix)
    # Only a bracket naming a 吧 goes: "园区【 工 价 低 】" in the real sample keeps its brackets.
    return _FORUM_TAG_RE.sub("", text).strip()


def content_text(items: object) -> str:
    """Return the text of a `content[]` list (each part in `text`, some in `c`), or of an HTML string."""
    if isinstance(items, str):
        return strip_html(items)
    if not isinstance(items, list):
        return ""
    return "".join(str(i.get("text") or i.get("c") or "") for i in items if isinstance(i, dict)).strip()


def topic_tags(*texts: str) -> list[str]:
    """Return the #话题# topics of the texts, in order, without repeats."""
    found = (t.strip() for text in texts for t in _TOPIC_RE.findall(text))
    return list(dict.fromkeys(t for t in found if t))
