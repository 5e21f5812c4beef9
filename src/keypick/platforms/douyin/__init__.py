"""Douyin (www.douyin.com) adapter: endpoint table, common params (the page signs), thin client, pure parsers."""

from __future__ import annotations

from keypick.config import Settings
from keypick.crawler.http import PlatformHttp
from keypick.platforms.douyin.client import ADAPTER_INFO, DouyinAdapter
from keypick.platforms.douyin.parsers import PARSE_KINDS

__all__ = ["ADAPTER_INFO", "PARSE_KINDS", "DouyinAdapter", "create"]


def create(http: PlatformHttp, *, settings: Settings, cookie: str | None) -> DouyinAdapter:
    """Return the Douyin adapter; the cookie reaches the browser page through `http`, which holds it."""
    return DouyinAdapter(http)
