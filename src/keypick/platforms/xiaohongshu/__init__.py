"""Xiaohongshu adapter (edith API + www pages): endpoint table, xhshow signing, thin client, pure parsers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from keypick.config import Settings
from keypick.content.schemas import Record
from keypick.crawler.http import PlatformHttp
from keypick.platforms.xiaohongshu import parsers
from keypick.platforms.xiaohongshu.client import ADAPTER_INFO, XiaohongshuAdapter
from keypick.platforms.xiaohongshu.posted import parse_user_posted

__all__ = ["ADAPTER_INFO", "PARSE_KINDS", "XiaohongshuAdapter", "create"]

#: `keypick parse` kinds: the parsers' own, and a creator's note list (user_posted).
PARSE_KINDS: dict[str, Callable[[Any, datetime], list[Record]]] = {
    **parsers.PARSE_KINDS,
    "creator_posts": lambda p, at: list[Record](parse_user_posted(p, fetched_at=at).posts),
}


def create(http: PlatformHttp, *, settings: Settings, cookie: str | None) -> XiaohongshuAdapter:
    """Return the Xiaohongshu adapter (desktop user agent); every call needs the account cookie (a1, web_session)."""
    return XiaohongshuAdapter(http, cookie=cookie)
