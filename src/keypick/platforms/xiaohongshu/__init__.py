"""Xiaohongshu adapter (edith API + www pages): endpoint table, xhshow signing, thin client, pure parsers."""

from __future__ import annotations

from keypick.config import Settings
from keypick.crawler.http import PlatformHttp
from keypick.platforms.xiaohongshu.client import ADAPTER_INFO, XiaohongshuAdapter
from keypick.platforms.xiaohongshu.parsers import PARSE_KINDS

__all__ = ["ADAPTER_INFO", "PARSE_KINDS", "XiaohongshuAdapter", "create"]


def create(http: PlatformHttp, *, settings: Settings, cookie: str | None) -> XiaohongshuAdapter:
    """Return the Xiaohongshu adapter (desktop user agent); every call needs the account cookie (a1, web_session)."""
    return XiaohongshuAdapter(http, cookie=cookie)
