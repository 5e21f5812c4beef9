"""Weibo (m.weibo.cn) adapter: endpoint table, headers (no signing), thin client, pure parsers."""

from __future__ import annotations

from keypick.config import Settings
from keypick.crawler.http import PlatformHttp
from keypick.platforms.weibo.client import ADAPTER_INFO, WeiboAdapter
from keypick.platforms.weibo.parsers import PARSE_KINDS

__all__ = ["ADAPTER_INFO", "PARSE_KINDS", "WeiboAdapter", "create"]


def create(http: PlatformHttp, *, settings: Settings, cookie: str | None) -> WeiboAdapter:
    """Return the Weibo adapter (mobile user agent; cookies optional: search works logged out)."""
    return WeiboAdapter(http, user_agent=settings.user_agent_mobile, cookie=cookie)
