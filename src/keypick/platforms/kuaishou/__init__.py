"""Kuaishou (www.kuaishou.com) adapter: endpoint table, page-signed search, thin client, pure parsers."""

from __future__ import annotations

from keypick.config import Settings
from keypick.crawler.http import PlatformHttp
from keypick.platforms.kuaishou.client import ADAPTER_INFO, KuaishouAdapter
from keypick.platforms.kuaishou.parsers import PARSE_KINDS

__all__ = ["ADAPTER_INFO", "PARSE_KINDS", "KuaishouAdapter", "create"]


def create(http: PlatformHttp, *, settings: Settings, cookie: str | None) -> KuaishouAdapter:
    """Return the Kuaishou adapter (needs a logged-in cookie, and http.browser for the page's signer).

    The User-Agent is the signing browser's own, so `settings` has nothing to add.
    """
    return KuaishouAdapter(http, cookie=cookie)
