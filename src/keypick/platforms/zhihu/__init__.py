"""Zhihu (www.zhihu.com) adapter: endpoint table, headers (the page signs), thin client, pure parsers."""

from __future__ import annotations

from keypick.config import Settings
from keypick.crawler.http import PlatformHttp
from keypick.platforms.zhihu.client import ADAPTER_INFO, ZhihuAdapter
from keypick.platforms.zhihu.creator import CREATOR_KINDS
from keypick.platforms.zhihu.parsers import PARSE_KINDS as ITEM_KINDS

#: `keypick parse` kinds: those of parsers.py and an author's answer list (creator.py builds on parsers.py).
PARSE_KINDS = {**ITEM_KINDS, **CREATOR_KINDS}

__all__ = ["ADAPTER_INFO", "PARSE_KINDS", "ZhihuAdapter", "create"]


def create(http: PlatformHttp, *, settings: Settings, cookie: str | None) -> ZhihuAdapter:
    """Return the Zhihu adapter; its calls go through the browser page, so `http` needs a browser fetcher."""
    return ZhihuAdapter(http, cookie=cookie)
