"""Query and headers of a www.douyin.com API call. No signing here, on purpose (platforms.md, top).

Douyin signs every web API call with `a_bogus`, computed by the page's obfuscated scripts.
KeyPick never reimplements it: the client sends each call with `page_url=HOME_URL`, so the
BrowserFetcher runs `fetch()` inside a real www.douyin.com page whose own scripts append
`a_bogus` (and read the `User-Agent`, which the signature covers). This module only builds
the plain common params the page expects to find in the query (platforms.md §2.1).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: The common params of every call, as the web client sends them (platforms.md §2.1, MC 2026-08).
COMMON_PARAMS: dict[str, str] = {
    "device_platform": "webapp",
    "aid": "6383",
    "channel": "channel_pc_web",
    "version_code": "190600",
    "version_name": "19.6.0",
    "update_version_code": "170400",
    "pc_client_type": "1",
    "cookie_enabled": "true",
    "browser_language": "zh-CN",
    "browser_platform": "MacIntel",
    "browser_name": "Chrome",
    "browser_version": "125.0.0.0",
    "browser_online": "true",
    "engine_name": "Blink",
    "engine_version": "109.0",
    "os_name": "Mac OS",
    "os_version": "10.15.7",
    "cpu_core_num": "8",
    "device_memory": "8",
    "platform": "PC",
    "screen_width": "2560",
    "screen_height": "1440",
    "effective_type": "4g",
    "round_trip_time": "50",
}

#: The params the sandbox and the real gateway look for first; without them a call is refused.
REQUIRED_COMMON: tuple[str, ...] = ("device_platform", "aid", "channel")


def build_params(endpoint_params: Mapping[str, Any], *, webid: str, ms_token: str | None) -> dict[str, str]:
    """Return the full query: common params, `webid`, `msToken` (when the page has one), then the endpoint's."""
    params = dict(COMMON_PARAMS)
    params["webid"] = webid
    if ms_token:
        params["msToken"] = ms_token
    params.update({key: str(value) for key, value in endpoint_params.items()})
    return params


def build_headers() -> dict[str, str]:
    """Return the headers a page fetch may set; the browser adds User-Agent, Cookie, Referer and Origin itself."""
    return {"Accept": "application/json, text/plain, */*", "Accept-Language": "zh-CN,zh;q=0.9"}
