"""Bilibili (api.bilibili.com) adapter: endpoint table, pure WBI signing, thin client, pure parsers."""

from __future__ import annotations

from keypick.config import Settings
from keypick.crawler.http import PlatformHttp
from keypick.platforms.bilibili.client import ADAPTER_INFO, BilibiliAdapter
from keypick.platforms.bilibili.constants import DESKTOP_USER_AGENT
from keypick.platforms.bilibili.parsers import PARSE_KINDS as ITEM_KINDS
from keypick.platforms.bilibili.space import SPACE_KINDS

#: `keypick parse` kinds: those of parsers.py and an uploader's video list (space.py).
PARSE_KINDS = {**ITEM_KINDS, **SPACE_KINDS}

__all__ = ["ADAPTER_INFO", "PARSE_KINDS", "BilibiliAdapter", "create"]


def create(http: PlatformHttp, *, settings: Settings, cookie: str | None) -> BilibiliAdapter:
    """Return the Bilibili adapter (desktop user agent; cookies optional: search works logged out)."""
    # Settings has only a mobile user agent; the web API expects the desktop site's browser.
    del settings
    return BilibiliAdapter(http, user_agent=DESKTOP_USER_AGENT, cookie=cookie)
