"""The replayed platforms, one line each (hosts are read from each replay)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from keypick.sandbox.bilibili import BilibiliReplay
from keypick.sandbox.douyin import DouyinReplay
from keypick.sandbox.kuaishou import KuaishouReplay
from keypick.sandbox.replay import Replay
from keypick.sandbox.tieba import TiebaReplay
from keypick.sandbox.weibo import WeiboReplay
from keypick.sandbox.xiaohongshu import XHS_REPLAYS
from keypick.sandbox.zhihu import ZHIHU_REPLAYS

#: Factories taking (pages, seed, anchor): one per replayed platform host.
REPLAYS: list[Callable[..., Replay]] = [
    BilibiliReplay,
    DouyinReplay,
    KuaishouReplay,
    TiebaReplay,
    WeiboReplay,
    *XHS_REPLAYS,  # edith.xiaohongshu.com (API) and www.xiaohongshu.com (pages)
    *ZHIHU_REPLAYS,  # www.zhihu.com and zhuanlan.zhihu.com
]


def build_replays(*, pages: int, seed: str, anchor: datetime) -> list[Replay]:
    """Instantiate every replay."""
    return [factory(pages=pages, seed=seed, anchor=anchor) for factory in REPLAYS]
