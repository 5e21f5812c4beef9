"""Baidu Tieba (tieba.baidu.com PC web API) adapter: endpoint table, md5 signing, thin client, pure parsers."""

from __future__ import annotations

from keypick.config import Settings
from keypick.crawler.http import PlatformHttp
from keypick.platforms.tieba.client import ADAPTER_INFO, TiebaAdapter
from keypick.platforms.tieba.creator import CREATOR_KINDS
from keypick.platforms.tieba.parsers import PARSE_KINDS as ITEM_KINDS

#: `keypick parse` kinds: those of parsers.py and a user's thread list (creator.py builds on parsers.py).
PARSE_KINDS = {**ITEM_KINDS, **CREATOR_KINDS}

__all__ = ["ADAPTER_INFO", "PARSE_KINDS", "TiebaAdapter", "create"]


def create(http: PlatformHttp, *, settings: Settings, cookie: str | None) -> TiebaAdapter:
    """Return the Tieba adapter (desktop user agent: the PC site; cookies optional, sent when given)."""
    return TiebaAdapter(http, cookie=cookie)
