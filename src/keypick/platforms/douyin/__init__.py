"""Douyin (www.douyin.com) adapter: endpoint table, common params (the page signs), thin client, pure parsers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from keypick.config import Settings
from keypick.content.schemas import Record
from keypick.crawler.http import PlatformHttp
from keypick.platforms.douyin import parsers
from keypick.platforms.douyin.client import ADAPTER_INFO, DouyinAdapter
from keypick.platforms.douyin.posts import parse_user_posts

__all__ = ["ADAPTER_INFO", "PARSE_KINDS", "DouyinAdapter", "create"]

#: `keypick parse` kinds: the parsers' own, and a user's post list (aweme/post).
PARSE_KINDS: dict[str, Callable[[Any, datetime], list[Record]]] = {
    **parsers.PARSE_KINDS,
    "creator_posts": lambda p, at: list[Record](parse_user_posts(p, fetched_at=at).posts),
}


def create(http: PlatformHttp, *, settings: Settings, cookie: str | None) -> DouyinAdapter:
    """Return the Douyin adapter; the cookie reaches the browser page through `http`, which holds it."""
    return DouyinAdapter(http)
