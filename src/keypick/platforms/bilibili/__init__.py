"""Bilibili (api.bilibili.com) adapter: endpoint table, pure WBI signing, thin client, pure parsers."""

from __future__ import annotations

from keypick.config import Settings
from keypick.crawler.http import PlatformHttp
from keypick.platforms.bilibili.client import ADAPTER_INFO, BilibiliAdapter
from keypick.platforms.bilibili.constants import DESKTOP_USER_AGENT
from keypick.platforms.bilibili.parsers import PARSE_KINDS

__all__ = ["ADAPTER_INFO", "PARSE_KINDS", "BilibiliAdapter", "create"]


def create(http: PlatformHttp, *, settings: Settings, cookie: str | None) -> BilibiliAdapter:
    """Return the Bilibili adapter (desktop user agent; cookies optional: search works logged out)."""
    # Settings has only a mobile user agent; the web API expects the desktop site's browser.
    del settings
    return BilibiliAdapter(http, user_agent=DESKTOP_USER_AGENT, cookie=cookie)
