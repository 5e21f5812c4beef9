"""The explicit table of platform adapters (no entry-point magic).

Every platform package exports the same three names:
  ADAPTER_INFO  static facts (capabilities, page size)
  PARSE_KINDS   {"search" | "detail" | "comments" | "creator" [| "creator_posts"]: fn(payload, fetched_at) -> records}
  create        create(http, *, settings, cookie) -> PlatformAdapter
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import httpx

from keypick.browser.base import BrowserFetcher
from keypick.config import Settings
from keypick.crawler.http import PlatformHttp
from keypick.crawler.ratelimit import Limiter
from keypick.enums import Platform
from keypick.exceptions import ParseError
from keypick.platforms import bilibili, douyin, kuaishou, tieba, weibo, xiaohongshu, zhihu
from keypick.platforms.base import AdapterInfo, PlatformAdapter

ParseFn = Callable[[Any, datetime], list[Any]]

#: One line per platform with an adapter in this version.
PACKAGES: dict[Platform, ModuleType] = {
    Platform.BILIBILI: bilibili,
    Platform.DOUYIN: douyin,
    Platform.KUAISHOU: kuaishou,
    Platform.TIEBA: tieba,
    Platform.WEIBO: weibo,
    Platform.XIAOHONGSHU: xiaohongshu,
    Platform.ZHIHU: zhihu,
}

INFOS: dict[Platform, AdapterInfo] = {p: m.ADAPTER_INFO for p, m in PACKAGES.items()}
PARSE_KINDS: dict[Platform, dict[str, ParseFn]] = {p: m.PARSE_KINDS for p, m in PACKAGES.items()}


def is_available(platform: str) -> bool:
    """True when the platform has an adapter in this version."""
    return Platform(platform) in PACKAGES


def build_adapter(
    platform: str,
    *,
    settings: Settings,
    limiter: Limiter,
    cookie: str | None = None,
    browser: BrowserFetcher | None = None,
) -> PlatformAdapter:
    """Return a ready adapter with its own HTTP client (closed by adapter.aclose())."""
    plat = Platform(platform)
    if plat not in PACKAGES:
        raise ValueError(f"no adapter for {plat.value} in this version")
    client = httpx.AsyncClient(timeout=settings.http_timeout, follow_redirects=False)
    http = PlatformHttp(
        plat.value, client=client, slot=limiter.slot(plat.value), sandbox_url=settings.sandbox_url,
        browser=browser, cookies=cookie,
    )  # fmt: skip
    adapter: PlatformAdapter = PACKAGES[plat].create(http, settings=settings, cookie=cookie)
    return adapter


def parse_raw(platform: str, kind: str, payload: Any, *, fetched_at: datetime | None = None) -> list[Any]:
    """Parse one raw platform response into normalized records; ParseError on unknown shapes."""
    plat = Platform(platform)
    kinds = PARSE_KINDS.get(plat)
    if kinds is None:
        raise ParseError(f"no parsers for {plat.value} in this version", platform=plat.value)
    if kind not in kinds:
        raise ParseError(f"unknown kind {kind!r} for {plat.value}; one of: {', '.join(kinds)}", platform=plat.value)
    return kinds[kind](payload, fetched_at or datetime.now(UTC))
