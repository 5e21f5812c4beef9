"""Xiaohongshu vocabularies and the error-signal table with its reader (platforms.md §1.2, §1.4).

The reader (`envelope_error`) is pure and lives beside the table because both the client's
choke point and the parsers (for `keypick parse`) apply it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any
from urllib.parse import urlsplit

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
from keypick.platforms.base import ContentType

PLATFORM = "xiaohongshu"
API_BASE = "https://edith.xiaohongshu.com"
WEB_BASE = "https://www.xiaohongshu.com"

#: Notes per search page: the web client always asks for 20 (the search caps at ~11-12 pages).
PAGE_SIZE = 20
#: Replies asked per /comment/sub/page call (the web client's `num`).
SUB_PAGE_SIZE = 10
#: Notes asked per user_posted page (the web client's `num`).
POSTED_PAGE_SIZE = 30
#: `image_formats` the web client sends with detail and comment calls.
IMAGE_FORMATS = ("jpg", "webp", "avif")
#: `xsec_source` of notes found by search (and the fallback when a card carries none).
SEARCH_XSEC_SOURCE = "pc_search"
#: `xsec_source` of a user_posted request (platforms.md §1.1), and of its notes when they name none.
CREATOR_XSEC_SOURCE = "pc_feed"
#: Where `video.consumer.origin_video_key` lives (the original upload, best quality).
VIDEO_CDN = "http://sns-video-bd.xhscdn.com/"

#: platforms.md asks for a desktop Chrome on Mac; Settings only holds a mobile UA, so it lives here.
DESKTOP_USER_AGENT = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/137.0.0.0 Safari/537.36"
)


class SearchSort(StrEnum):
    """The `sort` of POST /api/sns/web/v1/search/notes."""

    GENERAL = "general"  # 综合
    POPULARITY = "popularity_descending"  # 最热
    TIME = "time_descending"  # 最新, newest first


class NoteType(IntEnum):
    """The `note_type` filter of the search; the web client sends ALL."""

    ALL = 0
    VIDEO = 1
    IMAGE = 2


#: KeyPick content_type → native note_type.
CONTENT_TO_NOTE_TYPE: dict[ContentType, NoteType] = {
    ContentType.ALL: NoteType.ALL,
    ContentType.VIDEO: NoteType.VIDEO,
    ContentType.IMAGE: NoteType.IMAGE,
}


#: KeyPick sort → native sort; any other sort falls back to GENERAL.
SORT_TO_NATIVE: dict[SortBy, SearchSort] = {SortBy.HOT: SearchSort.POPULARITY, SortBy.RECENT: SearchSort.TIME}

#: Search `model_type`s that are not notes: related searches and hot queries.
NON_NOTE_MODELS = frozenset({"rec_query", "hot_query"})


@dataclass(frozen=True)
class Signal:
    """One way Xiaohongshu says "no": the KeyPick exception it maps to, and why."""

    error: type[PlatformError]
    why: str


#: HTTP status → signal. 5xx never gets here (PlatformHttp raises ServerError first).
HTTP_STATUS_SIGNALS: dict[int, Signal] = {
    461: Signal(VerificationRequired, "captcha required (Verifytype/Verifyuuid headers); never solved"),
    471: Signal(VerificationRequired, "captcha required (Verifytype/Verifyuuid headers); never solved"),
    429: Signal(RateLimited, "too many requests"),
    401: Signal(LoginRequired, "the cookie is missing or expired"),
    403: Signal(RiskControl, "forbidden: the account or IP is blocked"),
    # xhshow (2026-03): data APIs answer 406 when they reject the signature format.
    406: Signal(DataFetchError, "the signature was rejected"),
}

#: `code` → signal for `success: false` envelopes (MC's table, platforms.md §1.4).
CODE_SIGNALS: dict[int, Signal] = {
    300011: Signal(RiskControl, "account restricted by security control"),
    300012: Signal(RiskControl, "IP blocked ('network connection error')"),
    -100: Signal(LoginRequired, "login expired"),
    -101: Signal(LoginRequired, "no login information"),
    -510000: Signal(DataFetchError, "note missing or abnormal; skipped"),
    -510001: Signal(DataFetchError, "note missing or abnormal; skipped"),
}

#: Messages (substring) of other failures that still mean "log in first".
LOGIN_MESSAGES: tuple[str, ...] = ("登录", "login")

#: Marks in a redirect target or an HTML body: a login wall or a captcha page.
LOGIN_URL_MARKERS: tuple[str, ...] = ("/login", "website-login/error")
VERIFY_URL_MARKERS: tuple[str, ...] = ("captcha", "verify")
VERIFY_PAGE_MARKERS: tuple[str, ...] = ("请通过验证", "验证码", "captcha")


def envelope_error(payload: Any, *, endpoint: str) -> PlatformError | None:
    """Return the exception a `{code, success, msg, data}` envelope stands for (None when it is fine)."""
    if not isinstance(payload, dict) or ("success" not in payload and "code" not in payload):
        return ParseError(
            f"xiaohongshu {endpoint}: expected a JSON object with 'success' and 'code'",
            platform=PLATFORM,
            endpoint=endpoint,
        )
    code, msg = payload.get("code"), str(payload.get("msg") or "")
    if payload.get("success") is True or (code == 0 and payload.get("success") is None):
        return None
    ctx: dict[str, Any] = {"platform": PLATFORM, "endpoint": endpoint, "raw_code": code}
    signal = CODE_SIGNALS.get(code) if isinstance(code, int) else None
    if signal is not None:
        return signal.error(f"xiaohongshu {endpoint}: code {code} {msg} ({signal.why})".strip(), **ctx)
    if any(marker in msg.lower() for marker in LOGIN_MESSAGES):
        return LoginRequired(f"xiaohongshu {endpoint}: {msg} (code {code})", **ctx)
    return DataFetchError(f"xiaohongshu {endpoint}: code={code} msg={msg or '(none)'}", **ctx)


def status_error(status: int, headers: Mapping[str, str], *, endpoint: str) -> PlatformError | None:
    """Return the exception an HTTP status (and its redirect target or captcha headers) stands for."""
    ctx: dict[str, Any] = {"platform": PLATFORM, "endpoint": endpoint, "raw_code": status}
    if 300 <= status < 400:  # the client never follows redirects, so every 3xx lands here
        location = headers.get("location", "")
        # Host and path only: the query may carry the user's keyword or a redirectPath.
        where = "".join(urlsplit(location)[1:3]).lower()
        if any(marker in where for marker in VERIFY_URL_MARKERS):
            return VerificationRequired(f"xiaohongshu {endpoint}: redirected to a captcha ({location})", **ctx)
        if any(marker in where for marker in LOGIN_URL_MARKERS):
            return LoginRequired(f"xiaohongshu {endpoint}: redirected to the login page ({location})", **ctx)
        return DataFetchError(f"xiaohongshu {endpoint}: unexpected HTTP {status} redirect to {location!r}", **ctx)
    signal = HTTP_STATUS_SIGNALS.get(status)
    if signal is not None:
        verify = ", ".join(f"{n}={headers[n]}" for n in ("verifytype", "verifyuuid") if headers.get(n))
        detail = f"; {verify}" if verify else ""
        retry_after = _retry_after(headers.get("retry-after", "")) if status == 429 else None
        message = f"xiaohongshu {endpoint}: HTTP {status} ({signal.why}{detail})"
        return signal.error(message, retry_after=retry_after, **ctx)
    if status >= 400:
        return DataFetchError(f"xiaohongshu {endpoint}: HTTP {status}", **ctx)
    return None


def page_error(text: str, *, endpoint: str) -> PlatformError | None:
    """Return the exception a page without its state stands for: a captcha page, or None if unknown."""
    head = text[:20_000]
    if any(marker in head for marker in VERIFY_PAGE_MARKERS):
        return VerificationRequired(f"xiaohongshu {endpoint}: a verification page came back", platform=PLATFORM)
    return None


def _retry_after(value: str) -> float | None:
    try:
        return max(0.0, float(value.strip())) if value.strip() else None
    except ValueError:  # the HTTP-date form: let the slot's own backoff decide
        return None
