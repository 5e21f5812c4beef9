"""Kuaishou (www.kuaishou.com) vocabularies and the error-signal table with its reader (platforms.md §3).

The reader (`envelope_error`) is pure and lives beside the table because both the
client's choke point and the parsers (for `keypick parse`) apply it. No real
Kuaishou response was ever captured (samples/SOURCES.md): every code here comes
from the platforms.md §3 list, and the ones marked ASSUMPTION are KeyPick's guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any

from keypick.exceptions import (
    DataFetchError,
    LoginRequired,
    ParseError,
    PlatformError,
    RateLimited,
    RiskControl,
    VerificationRequired,
)

PLATFORM = "kuaishou"
BASE_URL = "https://www.kuaishou.com"
#: The page MC opens, and whose own scripts build the `$encode` signer (§3.1, §3.2).
HOME_URL = f"{BASE_URL}/?isHome=1"

#: Feeds per search page (MC raises its page floor to 20 for ks, platforms.md §8.4).
PAGE_SIZE = 20
#: The `caver` query value sent beside `__NS_hxfalcon`, and given to `$encode` as its query.
CAVER = "2"
#: `pcursor` / `pcursorV2` value meaning "no further page" (search, comments, profile feed).
NO_MORE = "no_more"
#: The `page` value of search bodies and of detail variables (the page the request claims to come from).
SEARCH_PAGE_NAME = "search"
#: The `page` value of profile-feed bodies (a user's own videos, platforms.md §3.1).
PROFILE_PAGE_NAME = "profile"

#: A desktop Chrome UA for the rare request made before the browser told us its own UA.
FALLBACK_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)


class Result(IntEnum):
    """Values of the REST envelope's `result` (and of GraphQL objects' `result`)."""

    OK = 1
    RATE_LIMITED = 2  # MC backs off 5*2^attempt s on it (issue #843)
    SIGNATURE_REJECTED = 50  # missing, stale or wrong __NS_hxfalcon
    LOGIN_REQUIRED = 109  # ASSUMPTION from the error text "请先登录" seen with it
    CAPTCHA = 400002  # ASSUMPTION: a captcha answer in JSON; never seen in a capture


class GraphQLOp(StrEnum):
    """The GraphQL operations KeyPick sends to POST /graphql."""

    LOGIN_CHECK = "visionProfileUserList"
    DETAIL = "visionVideoDetail"
    PROFILE = "visionProfile"


@dataclass(frozen=True)
class Signal:
    """One way Kuaishou says "no": the KeyPick exception it maps to, and why."""

    error: type[PlatformError]
    why: str


#: `result` → signal; any other value that is not 1 is a DataFetchError.
RESULT_SIGNALS: dict[int, Signal] = {
    Result.RATE_LIMITED: Signal(RateLimited, "'result 2': too many requests, back off"),
    # KeyPick's hierarchy has no SignatureRejected: a rejected page signature is a plain
    # DataFetchError whose message says so (not retried: the same signature fails again).
    Result.SIGNATURE_REJECTED: Signal(
        DataFetchError, "'result 50': the __NS_hxfalcon signature was rejected (missing, stale or not the page's)"
    ),
    Result.LOGIN_REQUIRED: Signal(LoginRequired, "'result 109': log in first (cookies missing or expired)"),
    Result.CAPTCHA: Signal(VerificationRequired, "a captcha must be solved (code assumed, never captured)"),
}

#: `error_msg` substrings → signal, for codes the table does not know; first match wins.
MESSAGE_SIGNALS: tuple[tuple[str, Signal], ...] = (
    ("请登录", Signal(LoginRequired, "'please log in'")),
    ("请先登录", Signal(LoginRequired, "'log in first'")),
    ("验证", Signal(VerificationRequired, "a verification step; never solved")),
    ("频繁", Signal(RateLimited, "'requests too frequent'")),
)

#: HTTP status → signal. 5xx never gets here (PlatformHttp raises ServerError first).
HTTP_STATUS_SIGNALS: dict[int, Signal] = {
    429: Signal(RateLimited, "too many requests; honour Retry-After"),
    403: Signal(RiskControl, "forbidden: the IP or account is blocked"),
    401: Signal(LoginRequired, "the endpoint wants a logged-in cookie"),
}

#: Marks of an HTML captcha page (ASSUMPTION: Kuaishou's slider page lives on captcha.zt.kuaishou.com).
VERIFICATION_PAGE_MARKERS: tuple[str, ...] = ("captcha", "安全验证", "验证码", "滑块")
#: Marks of an HTML login page, and of a login redirect's host or path.
LOGIN_PAGE_MARKERS: tuple[str, ...] = ("passport.kuaishou.com", "扫码登录", "请登录")
LOGIN_URL_MARKERS: tuple[str, ...] = ("passport", "login")


def _ctx(endpoint: str, raw_code: Any) -> dict[str, Any]:
    return {"platform": PLATFORM, "endpoint": endpoint, "raw_code": raw_code}


def result_error(result: Any, message: str, *, endpoint: str) -> PlatformError | None:
    """Return the exception a `result` code (with its error_msg) stands for; None when it is 1."""
    if result == Result.OK:
        return None
    ctx = _ctx(endpoint, result)
    if isinstance(result, int) and (signal := RESULT_SIGNALS.get(result)) is not None:
        return signal.error(f"kuaishou {endpoint}: {signal.why}" + (f": {message}" if message else ""), **ctx)
    for needle, signal in MESSAGE_SIGNALS:
        if needle in message:
            return signal.error(f"kuaishou {endpoint}: result={result} {message} ({signal.why})", **ctx)
    return DataFetchError(f"kuaishou {endpoint}: result={result} {message or '(no error_msg)'}", **ctx)


def envelope_error(payload: Any, *, endpoint: str) -> PlatformError | None:
    """Return the exception a REST `{result, ...}` envelope stands for (None when result is 1)."""
    if not isinstance(payload, dict) or "result" not in payload:
        return ParseError(f"kuaishou {endpoint}: expected a JSON object with 'result'", **_ctx(endpoint, None))
    return result_error(payload.get("result"), str(payload.get("error_msg") or ""), endpoint=endpoint)


def graphql_error(payload: Any, *, op: str, endpoint: str) -> PlatformError | None:
    """Return the exception a GraphQL answer stands for: a gateway `result`, `errors`, or a missing `data.<op>`."""
    if isinstance(payload, dict) and "result" in payload and "data" not in payload:
        # The gateway answers before GraphQL (login, rate limit) with the REST envelope.
        return envelope_error(payload, endpoint=endpoint)
    if not isinstance(payload, dict):
        return ParseError(f"kuaishou {endpoint}: expected a GraphQL JSON object", **_ctx(endpoint, None))
    errors = payload.get("errors")
    if isinstance(errors, list) and errors:
        first = errors[0] if isinstance(errors[0], dict) else {}
        text = str(first.get("message") or errors[0])
        return DataFetchError(f"kuaishou {endpoint}: GraphQL error: {text}", **_ctx(endpoint, "graphql"))
    data = payload.get("data")
    node = data.get(op) if isinstance(data, dict) else None
    if not isinstance(node, dict):
        return ParseError(f"kuaishou {endpoint}: expected data.{op} in the GraphQL answer", **_ctx(endpoint, None))
    if "result" in node:
        return result_error(node.get("result"), str(node.get("error_msg") or ""), endpoint=endpoint)
    return None
