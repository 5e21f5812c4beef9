"""Tieba PC signing in pure Python (platforms.md §6.1) and request headers.

The PC web API signs every call: add `subapp_type=pc` and `_client_type=20`, then
`sign = md5("k=v" for each key in sorted order, skipping sign/sig and None, + SECRET)`.
The secret is a public constant of the PC site's own scripts (read 2026-04).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from keypick.platforms.tieba.constants import BASE_URL

SIGN_SECRET = "36770b1f34c9bbf2e7d1a99d2b82fa9e"
PC_PARAMS: dict[str, str] = {"subapp_type": "pc", "_client_type": "20"}
_UNSIGNED = frozenset({"sign", "sig"})


def _text(value: object) -> str:
    # Booleans would otherwise sign as "True"; the site's scripts send 1/0.
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def compute_sign(params: Mapping[str, object]) -> str:
    """Return the lowercase hex md5 sign of the parameters (sign/sig and None values left out)."""
    joined = "".join(
        f"{key}={_text(value)}" for key, value in sorted(params.items()) if key not in _UNSIGNED and value is not None
    )
    return hashlib.md5((joined + SIGN_SECRET).encode("utf-8")).hexdigest()


def sign_params(params: Mapping[str, object]) -> dict[str, str]:
    """Return the parameters as strings with the PC markers and their `sign` added (None values dropped)."""
    signed = {key: _text(value) for key, value in {**params, **PC_PARAMS}.items() if value is not None}
    signed.pop("sig", None)
    signed["sign"] = compute_sign(signed)
    return signed


def build_headers(
    *,
    user_agent: str,
    cookie: str | None = None,
    referer: str | None = None,
    json: bool = True,
    form: bool = False,
) -> dict[str, str]:
    """Return the headers of one request to tieba.baidu.com (what the PC page's own fetch sends)."""
    headers = {
        "User-Agent": user_agent,
        "Referer": referer or f"{BASE_URL}/",
        "Origin": BASE_URL,
        "Accept-Language": "zh-CN,zh;q=0.9",
        "Accept": "application/json, text/plain, */*" if json else "text/html,application/xhtml+xml,*/*;q=0.8",
    }
    if form:
        headers["Content-Type"] = "application/x-www-form-urlencoded;charset=UTF-8"
    if cookie:
        headers["Cookie"] = cookie.strip()
    return headers
