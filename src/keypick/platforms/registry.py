"""The explicit table of platform adapters (no entry-point magic)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from keypick.config import Settings
from keypick.content.schemas import Author, Comment, Post
from keypick.crawler.http import PlatformHttp
from keypick.crawler.ratelimit import Limiter
from keypick.enums import Platform
from keypick.exceptions import ParseError
from keypick.platforms import weibo
from keypick.platforms.base import AdapterInfo, PlatformAdapter

Record = Post | Comment | Author
ParseFn = Callable[[Any, datetime], list[Any]]

#: Platforms with a working adapter, and the facts the API shows about them.
INFOS: dict[Platform, AdapterInfo] = {Platform.WEIBO: weibo.ADAPTER_INFO}
PARSE_KINDS: dict[Platform, dict[str, ParseFn]] = {Platform.WEIBO: weibo.PARSE_KINDS}


def is_available(platform: str) -> bool:
    """True when the platform has an adapter in this version."""
    return Platform(platform) in INFOS


def build_adapter(platform: str, *, settings: Settings, limiter: Limiter) -> PlatformAdapter:
    """Return a ready adapter with its own HTTP client (closed by adapter.aclose())."""
    plat = Platform(platform)
    client = httpx.AsyncClient(timeout=settings.http_timeout, follow_redirects=False)
    http = PlatformHttp(plat.value, client=client, slot=limiter.slot(plat.value), sandbox_url=settings.sandbox_url)
    if plat is Platform.WEIBO:
        return weibo.WeiboAdapter(http, user_agent=settings.user_agent_mobile)
    raise ValueError(f"no adapter for {plat.value} in this version")


def parse_raw(platform: str, kind: str, payload: Any, *, fetched_at: datetime | None = None) -> list[Any]:
    """Parse one raw platform response into normalized records; ParseError on unknown shapes."""
    plat = Platform(platform)
    kinds = PARSE_KINDS.get(plat)
    if kinds is None:
        raise ParseError(f"no parsers for {plat.value} in this version", platform=plat.value)
    if kind not in kinds:
        raise ParseError(f"unknown kind {kind!r} for {plat.value}; one of: {', '.join(kinds)}", platform=plat.value)
    return kinds[kind](payload, fetched_at or datetime.now(UTC))
