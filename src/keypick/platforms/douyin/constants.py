"""Douyin (www.douyin.com web API) vocabularies and the error-signal table with its reader (§2.4).

The reader (`envelope_error`, `body_error`) is pure and lives beside the table because both
the client's choke point and the parsers (for `keypick parse`) apply it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
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

PLATFORM = "douyin"
BASE_URL = "https://www.douyin.com"
#: The page every API call is sent from: its own scripts add `a_bogus` (platforms.md §2.2).
HOME_URL = f"{BASE_URL}/"

#: Results asked for per search page. MC asks count=15 but steps offset by 10, so its pages
#: overlap; KeyPick steps offset by exactly the count it asks for.
PAGE_SIZE = 10
#: Comments (and replies) asked for per page, as MC and the web page do.
COMMENT_PAGE_SIZE = 20
#: Posts asked for per /aweme/post/ page (a user's own posts), as the web page does (platforms.md §2.1).
POSTS_PAGE_SIZE = 18

#: `aweme_type` of an image post (图文): its `video.play_addr` is the background music, not a video.
AWEME_TYPE_NOTE = 68


class SortType(IntEnum):
    """`filter_selected.sort_type` of the general search."""

    GENERAL = 0  # 综合排序
    MOST_LIKED = 1  # 最多点赞
    LATEST = 2  # 最新发布, newest first


class PublishTime(IntEnum):
    """`filter_selected.publish_time`: how many days back results may be (0: any time)."""

    ANY = 0
    DAY = 1
    WEEK = 7
    HALF_YEAR = 180


#: KeyPick sort → native sort; comments/shares have no native sort and fall back to GENERAL.
SORT_TO_SORT_TYPE: dict[SortBy, SortType] = {
    SortBy.HOT: SortType.GENERAL,
    SortBy.LIKES: SortType.MOST_LIKED,
    SortBy.RECENT: SortType.LATEST,
}


def publish_time_for(since: datetime | None, *, now: datetime) -> PublishTime:
    """Return the narrowest native window that still holds everything since `since` (ANY if none does)."""
    if since is None:
        return PublishTime.ANY
    for window in (PublishTime.DAY, PublishTime.WEEK, PublishTime.HALF_YEAR):
        if now - since <= timedelta(days=int(window)):
            return window
    return PublishTime.ANY


@dataclass(frozen=True)
class Signal:
    """One way Douyin says "no": the KeyPick exception it maps to, and why."""

    error: type[PlatformError]
    why: str


#: HTTP status → signal. 5xx never gets here (PlatformHttp raises ServerError first).
HTTP_STATUS_SIGNALS: dict[int, Signal] = {
    429: Signal(RateLimited, "too many requests; honour Retry-After"),
    403: Signal(RiskControl, "forbidden: the IP or account is blocked"),
    401: Signal(LoginRequired, "the endpoint wants a logged-in cookie"),
}

#: `status_code` values with a known meaning. 8 is "用户未登录" (not logged in); 2483 comes
#: with a verify (captcha) request. Other non-zero codes become DataFetchError.
STATUS_SIGNALS: dict[int, Signal] = {
    8: Signal(LoginRequired, "'用户未登录': the cookie is missing or expired"),
    2483: Signal(VerificationRequired, "a verify (captcha) check; never solved"),
}

#: `status_msg` substrings (lower-cased) → signal, for codes not in STATUS_SIGNALS.
MESSAGE_SIGNALS: tuple[tuple[str, Signal], ...] = (
    ("未登录", Signal(LoginRequired, "a message about not being logged in")),
    ("login", Signal(LoginRequired, "English login messages")),
    ("verify", Signal(VerificationRequired, "a verify step (verify_check, verifycenter)")),
    ("验证", Signal(VerificationRequired, "a verification step")),
    ("captcha", Signal(VerificationRequired, "a captcha")),
    ("频繁", Signal(RateLimited, "'requests too frequent'")),
)

#: Marks of a non-JSON verification page: the interstitial titled 验证码中间页 (platforms.md §2.4).
VERIFICATION_PAGE_MARKERS: tuple[str, ...] = ("验证码中间页", "captcha-verify", "verify_check", "verifycenter")
LOGIN_PAGE_MARKERS: tuple[str, ...] = ("<title>登录", "passport.douyin.com")


def body_error(text: str, *, endpoint: str, status: int = 200) -> PlatformError:
    """Return the error a non-JSON (or empty) body stands for."""
    ctx: dict[str, Any] = {"platform": PLATFORM, "endpoint": endpoint, "raw_code": status}
    stripped = text.strip()
    head = stripped[:20_000]
    if any(marker in head for marker in VERIFICATION_PAGE_MARKERS):
        return VerificationRequired(f"douyin {endpoint}: a verification page came back", **ctx)
    if any(marker in head for marker in LOGIN_PAGE_MARKERS):
        return LoginRequired(f"douyin {endpoint}: a login page came back", **ctx)
    if stripped[:1] in ("{", "["):
        snippet = stripped[:120].replace("\n", " ")
        return ParseError(f"douyin {endpoint}: malformed JSON (HTTP {status}): {snippet!r}", **ctx)
    # An empty body (or the word "blocked") is how Douyin answers a request it refuses: an unsigned
    # or badly signed call, or a flagged account (MC: "account blocked").
    what = "an empty body" if not stripped else f"a non-JSON body {stripped[:60]!r}"
    return RiskControl(f"douyin {endpoint}: {what} (Douyin's 'blocked' answer)", **ctx)


def envelope_error(payload: Any, *, endpoint: str) -> PlatformError | None:
    """Return the exception a `{status_code, status_msg, ...}` envelope stands for (None when fine)."""
    if not isinstance(payload, dict) or "status_code" not in payload:
        return ParseError(
            f"douyin {endpoint}: expected a JSON object with 'status_code'", platform=PLATFORM, endpoint=endpoint
        )
    code, msg = payload.get("status_code"), str(payload.get("status_msg") or "")
    if code == 0:
        return None
    ctx: dict[str, Any] = {"platform": PLATFORM, "endpoint": endpoint, "raw_code": code}
    signal = STATUS_SIGNALS.get(code) if isinstance(code, int) else None
    if signal is None:
        lowered = msg.lower()
        signal = next((s for needle, s in MESSAGE_SIGNALS if needle in lowered), None)
    if signal is None and any(key in payload for key in ("verify_type", "verify_ticket")):
        signal = STATUS_SIGNALS[2483]
    if signal is not None:
        return signal.error(f"douyin {endpoint}: status_code={code} {msg} ({signal.why})".rstrip(), **ctx)
    return DataFetchError(f"douyin {endpoint}: status_code={code} status_msg={msg or '(none)'}", **ctx)
