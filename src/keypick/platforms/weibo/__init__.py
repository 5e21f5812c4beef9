"""Weibo (m.weibo.cn) adapter: endpoint table, headers (no signing), thin client, pure parsers."""

from keypick.platforms.weibo.client import ADAPTER_INFO, WeiboAdapter
from keypick.platforms.weibo.parsers import PARSE_KINDS

__all__ = ["ADAPTER_INFO", "PARSE_KINDS", "WeiboAdapter"]
