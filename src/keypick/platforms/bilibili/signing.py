"""WBI signing and request headers for api.bilibili.com, as pure functions (platforms.md §4.2).

WBI: two 32-char keys (basenames of the nav answer's wbi_img URLs) are concatenated, permuted by a
fixed table and cut to 32 chars (the mixin key). The params get `wts` (unix seconds), are sorted by
name, have !'()* removed from their values, are percent-encoded like the page's
encodeURIComponent (space → %20), and `w_rid = md5(query + mixin key)` is appended.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from keypick.exceptions import ParseError
from keypick.platforms.bilibili.constants import PLATFORM, SITE_URL, envelope_error

#: The fixed permutation of img_key + sub_key (64 chars); the first 32 picked chars are the mixin key.
MIXIN_TABLE: tuple[int, ...] = (
    46, 47, 18, 2, 53, 8, 23, 32, 15, 50, 10, 31, 58, 3, 45, 35, 27, 43, 5, 49, 33, 9, 42, 19, 29, 28, 14, 39,
    12, 38, 41, 13, 37, 48, 7, 16, 24, 55, 40, 61, 26, 17, 0, 1, 60, 51, 30, 4, 22, 25, 54, 21, 56, 59, 6, 63,
    57, 62, 11, 36, 20, 34, 44, 52,
)  # fmt: skip
_STRIPPED = str.maketrans("", "", "!'()*")


@dataclass(frozen=True)
class WbiKeys:
    """The two keys the nav answer hands out (they rotate, about daily)."""

    img_key: str
    sub_key: str


def key_from_url(url: object) -> str:
    """Return the key in a wbi_img URL: the file basename without its extension ("" if none)."""
    if not isinstance(url, str):
        return ""
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return name.split(".", 1)[0]


def parse_nav_keys(payload: Any) -> WbiKeys:
    """Return the WBI keys of a /x/web-interface/nav answer; a logged-out nav (code -101) still has them."""
    data = payload.get("data") if isinstance(payload, dict) else None
    wbi = data.get("wbi_img") if isinstance(data, dict) else None
    urls = (wbi.get("img_url"), wbi.get("sub_url")) if isinstance(wbi, dict) else ("", "")
    img, sub = (key_from_url(url) for url in urls)
    if len(img) == 32 and len(sub) == 32:
        return WbiKeys(img_key=img, sub_key=sub)
    if (error := envelope_error(payload, endpoint="nav")) is not None:
        raise error
    raise ParseError("bilibili nav: expected data.wbi_img.img_url/sub_url ending in 32-char keys", platform=PLATFORM)


def mixin_key(keys: WbiKeys) -> str:
    """Return the 32-char salt: img_key + sub_key permuted by MIXIN_TABLE."""
    raw = keys.img_key + keys.sub_key
    if len(raw) != len(MIXIN_TABLE):
        raise ValueError(f"WBI keys must be 32 + 32 chars, got {len(keys.img_key)} + {len(keys.sub_key)}")
    return "".join(raw[i] for i in MIXIN_TABLE)[:32]


def clean_value(value: object) -> str:
    """Return a param value as the signer sees it: text with !'()* removed."""
    return str(value).translate(_STRIPPED)


def encode_query(params: Mapping[str, str]) -> str:
    """Return `k=v&...` in the given order, each part encoded like encodeURIComponent."""
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in params.items())


def sign_params(params: Mapping[str, Any], keys: WbiKeys, *, wts: int) -> dict[str, str]:
    """Return the params to send: cleaned, sorted, with `wts` and `w_rid` (any old ones replaced)."""
    plain = {k: clean_value(v) for k, v in params.items() if k not in ("w_rid", "wts") and v is not None}
    plain["wts"] = str(wts)
    ordered = dict(sorted(plain.items()))
    ordered["w_rid"] = hashlib.md5((encode_query(ordered) + mixin_key(keys)).encode("utf-8")).hexdigest()
    return ordered


def build_headers(*, user_agent: str, cookie: str | None = None, referer: str | None = None) -> dict[str, str]:
    """Return the headers of one API request: a desktop browser on www.bilibili.com, its cookie if any."""
    headers = {
        "User-Agent": user_agent,
        "Referer": referer or f"{SITE_URL}/",
        "Origin": SITE_URL,
        "Accept": "application/json, text/plain, */*",
        "Accept-Language": "zh-CN,zh;q=0.9",
    }
    if cookie and cookie.strip():
        headers["Cookie"] = cookie.strip()
    return headers
