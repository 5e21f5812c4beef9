"""Bilibili (api.bilibili.com) vocabularies and the error-signal table with its reader (platforms.md §4.4).

The reader (`envelope_error`) is pure and lives beside the table because both the client's choke
point and the parsers (for `keypick parse`) apply it. MC maps every `code != 0` to one error;
KeyPick tells risk control, login and plain failures apart so the engine stops for the right reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any

from keypick.enums import SortBy
from keypick.exceptions import (
    DataFetchError,
    LoginRequired,
    ParseError,
    PlatformError,
    RateLimited,
    RiskControl,
)

PLATFORM = "bilibili"
API_URL = "https://api.bilibili.com"
SITE_URL = "https://www.bilibili.com"
SPACE_URL = "https://space.bilibili.com"

#: Settings only carry a mobile user agent; Bilibili's web API wants a desktop browser.
DESKTOP_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)

#: Videos per search page (MC sends page_size=20).
PAGE_SIZE = 20
#: Videos per page of an uploader's list (/x/space/wbi/arc/search ps), as the site asks for.
SPACE_PAGE_SIZE = 30
#: Root comments per /x/v2/reply/wbi/main page, and sub-replies per /x/v2/reply/reply page (MC).
COMMENT_PAGE_SIZE = 20
REPLY_PAGE_SIZE = 10
#: `type=1`: the comment area of a video (oid = aid).
COMMENT_TYPE_VIDEO = 1


class SearchOrder(StrEnum):
    """The `order` values of /x/web-interface/wbi/search/type."""

    DEFAULT = ""  # 综合排序
    CLICK = "click"  # most played
    PUBDATE = "pubdate"  # newest first
    DANMAKU = "dm"  # most danmaku
    STOW = "stow"  # most favourited


#: KeyPick sort → native order. LIKES/COMMENTS/SHARES have no native order (dm counts danmaku, not
#: comments; stow counts favourites, not likes), so they use the default ranking.
SORT_TO_ORDER: dict[SortBy, SearchOrder] = {
    SortBy.HOT: SearchOrder.CLICK,
    SortBy.RECENT: SearchOrder.PUBDATE,
}


class CommentMode(IntEnum):
    """The `mode` of /x/v2/reply/wbi/main."""

    TIME = 2  # newest first; `next` is a floor number
    HOT = 3  # by popularity; `next` is a page number


@dataclass(frozen=True)
class Signal:
    """One way Bilibili says "no": the KeyPick exception it maps to, and why."""

    error: type[PlatformError]
    why: str


#: The `code` of a rejected WBI signature; the client refreshes its keys once before giving up.
CODE_SIGNATURE_REJECTED = -352

#: Envelope `code` → signal. Any other non-zero code is a DataFetchError.
CODE_SIGNALS: dict[int, Signal] = {
    CODE_SIGNATURE_REJECTED: Signal(RiskControl, "风控校验失败: WBI signature rejected or risk check failed"),
    -412: Signal(RiskControl, "请求被拦截: the request was intercepted by risk control"),
    -101: Signal(LoginRequired, "账号未登录: the cookie is missing or expired"),
    -400: Signal(DataFetchError, "请求错误: a parameter is wrong"),
    -404: Signal(DataFetchError, "啥都木有: no such video, comment area or user"),
}

#: HTTP status → signal. 5xx never gets here (PlatformHttp raises ServerError first).
HTTP_STATUS_SIGNALS: dict[int, Signal] = {
    412: Signal(RiskControl, "Bilibili's risk-control block page (HTML), see MC issue #834"),
    429: Signal(RateLimited, "too many requests; honour Retry-After"),
    403: Signal(RiskControl, "forbidden: the IP or account is blocked"),
}

#: Messages (substring) of an otherwise unknown code that mean "slow down".
RATE_LIMIT_MARKERS: tuple[str, ...] = ("频繁",)


def envelope_error(payload: Any, *, endpoint: str) -> PlatformError | None:
    """Return the exception a `{code, message, data}` envelope stands for (None when code is 0)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("code"), int):
        return ParseError(
            f"bilibili {endpoint}: expected a JSON object with an integer 'code'", platform=PLATFORM, endpoint=endpoint
        )
    code = payload["code"]
    if code == 0:
        return None
    message = str(payload.get("message") or payload.get("msg") or "")
    ctx: dict[str, Any] = {"platform": PLATFORM, "endpoint": endpoint, "raw_code": code}
    signal = CODE_SIGNALS.get(code)
    if signal is None and any(marker in message for marker in RATE_LIMIT_MARKERS):
        signal = Signal(RateLimited, "a 'too frequent' message")
    if signal is None:
        return DataFetchError(f"bilibili {endpoint}: code {code} ({message or 'no message'})", **ctx)
    # The explanation often starts with the platform's own words (风控校验失败: ...): say them once.
    said = "" if message and signal.why.startswith(message) else f" {message or '-'}"
    return signal.error(f"bilibili {endpoint}: code {code}{said} ({signal.why})", **ctx)
