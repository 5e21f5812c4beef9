"""Request bytes and headers for edith.xiaohongshu.com, signed with the MIT `xhshow` package (platforms.md §1.2).

What is signed must be what is sent: the query is encoded here once, in insertion order with
`quote(v, safe=",")` (commas stay literal, as in the browser), and the POST body is the compact
JSON dump; the client sends exactly these strings and bytes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import quote

from xhshow import Xhshow

from keypick.platforms.xiaohongshu.constants import WEB_BASE

_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def parse_cookie(cookie: str | None) -> dict[str, str]:
    """Return the name → value pairs of a Cookie header string (later duplicates win); {} for None."""
    pairs: dict[str, str] = {}
    for part in (cookie or "").split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name.strip():
            pairs[name.strip()] = value.strip()
    return pairs


def encode_query(params: Mapping[str, Any]) -> str:
    """Return the query string as the web client builds and signs it: insertion order, commas literal."""
    parts = []
    for key, value in params.items():
        text = ",".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value)
        parts.append(f"{key}={quote(text, safe=',')}")
    return "&".join(parts)


def encode_body(payload: Mapping[str, Any]) -> bytes:
    """Return the POST body as signed: compact separators, non-ASCII kept as UTF-8."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def make_search_id(ms: int, salt: int) -> str:
    """Return a search_id: base36 of (ms timestamp << 64) + salt, salt in [0, 2**31) (platforms.md §1.1)."""
    number = (ms << 64) + salt
    digits = ""
    while number:
        number, rest = divmod(number, 36)
        digits = _BASE36[rest] + digits
    return digits or "0"


def base_headers(*, user_agent: str, cookie: str, json_body: bool = False, page: bool = False) -> dict[str, str]:
    """Return the static headers of one request: an API call (page=False) or a www page load."""
    headers = {
        "User-Agent": user_agent,
        "Accept-Language": "zh-CN,zh;q=0.9",
        "Referer": f"{WEB_BASE}/",
        "Cookie": cookie,
    }
    if page:
        headers["Accept"] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        return headers
    headers["Accept"] = "application/json, text/plain, */*"
    headers["Origin"] = WEB_BASE
    headers["Sec-Fetch-Site"] = "same-site"
    if json_body:
        headers["Content-Type"] = "application/json;charset=UTF-8"
    return headers


class Signer:
    """Signs API calls with xhshow: X-S, X-T, x-S-Common, X-B3-Traceid (and x-rap-param where asked)."""

    def __init__(self, engine: Xhshow | None = None) -> None:
        self.engine = engine or Xhshow()

    def sign(
        self,
        method: Literal["GET", "POST"],
        path: str,
        *,
        cookies: dict[str, str],
        data: Mapping[str, Any] | None,
        timestamp: float,
        x_rap: bool = False,
    ) -> dict[str, str]:
        """Return the signature headers for `path` with its query (GET) or JSON body (POST) data."""
        values = dict(data or {})
        if method == "GET":
            signed = self.engine.sign_headers_get(path, cookies, params=values, timestamp=timestamp, x_rap=x_rap)
        else:
            signed = self.engine.sign_headers_post(path, cookies, payload=values, timestamp=timestamp, x_rap=x_rap)
        # Header names as the web client writes them; xhshow returns them lower-cased.
        names = {"x-s": "X-S", "x-t": "X-T", "x-s-common": "x-S-Common", "x-b3-traceid": "X-B3-Traceid"}
        return {names.get(name, name): value for name, value in signed.items()}
