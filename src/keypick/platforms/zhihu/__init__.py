"""Zhihu (www.zhihu.com) adapter: endpoint table, headers (the page signs), thin client, pure parsers."""

from __future__ import annotations

from keypick.config import Settings
from keypick.crawler.http import PlatformHttp
from keypick.platforms.zhihu.client import ADAPTER_INFO, ZhihuAdapter
from keypick.platforms.zhihu.parsers import PARSE_KINDS

__all__ = ["ADAPTER_INFO", "PARSE_KINDS", "ZhihuAdapter", "create"]


def create(http: PlatformHttp, *, settings: Settings, cookie: str | None) -> ZhihuAdapter:
    """Return the Zhihu adapter; its calls go through the browser page, so `http` needs a browser fetcher."""
    return ZhihuAdapter(http, cookie=cookie)
