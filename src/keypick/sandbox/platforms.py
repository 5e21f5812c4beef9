"""The replayed platforms, one line each (hosts are read from each replay)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from keypick.sandbox.replay import Replay
from keypick.sandbox.weibo import WeiboReplay

#: Factories taking (pages, seed, anchor): one per replayed platform host.
REPLAYS: list[Callable[..., Replay]] = [
    WeiboReplay,
]


def build_replays(*, pages: int, seed: str, anchor: datetime) -> list[Replay]:
    """Instantiate every replay."""
    return [factory(pages=pages, seed=seed, anchor=anchor) for factory in REPLAYS]
