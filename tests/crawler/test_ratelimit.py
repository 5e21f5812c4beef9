"""Politeness: spacing between request starts, concurrency, daily budget, backoff."""

from __future__ import annotations

import asyncio
import itertools
import random
import time

import pytest

from keypick.config import Politeness
from keypick.crawler.ratelimit import Limiter, Slot
from keypick.exceptions import BudgetExhausted


async def _starts(slot: Slot, n: int) -> list[float]:
    starts: list[float] = []

    async def one() -> None:
        async with slot.acquire():
            starts.append(time.monotonic())

    await asyncio.gather(*(one() for _ in range(n)))
    return starts


async def test_min_interval_spaces_request_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    # Five requests at once with room for four in flight: each start is reserved min_interval after the last.
    delays: list[float] = []

    async def record(seconds: float) -> None:
        delays.append(round(seconds, 6))

    monkeypatch.setattr("keypick.crawler.ratelimit.asyncio.sleep", record)
    slot = Slot("weibo", Politeness(min_interval=0.05, jitter=0, concurrency=4), clock=lambda: 10.0)
    await _starts(slot, 5)
    assert sorted(delays) == [0.05, 0.1, 0.15, 0.2]  # the first starts at once (no sleep)


async def test_jitter_stays_within_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    # Deterministic: a frozen clock and a recording sleep show the delays the slot asks for.
    delays: list[float] = []

    async def record(seconds: float) -> None:
        delays.append(seconds)

    monkeypatch.setattr("keypick.crawler.ratelimit.asyncio.sleep", record)
    slot = Slot("weibo", Politeness(min_interval=0.01, jitter=0.03), clock=lambda: 100.0, rng=random.Random(7))
    for _ in range(6):
        async with slot.acquire():
            pass
    gaps = [b - a for a, b in itertools.pairwise([0.0, *delays])]
    assert all(0.01 <= gap <= 0.04 for gap in gaps), gaps
    assert len({round(g, 4) for g in gaps}) > 1, "jitter varies the gaps"


async def test_concurrency_limit() -> None:
    slot = Slot("weibo", Politeness(min_interval=0, jitter=0, concurrency=2))
    active = peak = 0

    async def one() -> None:
        nonlocal active, peak
        async with slot.acquire():
            active += 1
            peak = max(peak, active)
            await asyncio.sleep(0.02)
            active -= 1

    await asyncio.gather(*(one() for _ in range(6)))
    assert peak == 2


async def test_daily_budget() -> None:
    slot = Slot("weibo", Politeness(min_interval=0, jitter=0, daily_budget=3))
    await _starts(slot, 3)
    with pytest.raises(BudgetExhausted) as info:
        async with slot.acquire():
            pass
    assert info.value.stop_reason == "budget_exhausted"


async def test_backoff_pushes_every_request_back() -> None:
    slot = Slot("weibo", Politeness(min_interval=0, jitter=0, backoff_base=0.05, backoff_max=1))
    assert slot.backoff(0) == 0.05 and slot.backoff(2) == 0.2
    begin = time.monotonic()
    await _starts(slot, 1)
    assert time.monotonic() - begin >= 0.18
    assert slot.backoff(10) == 1  # capped
    assert slot.backoff(0, retry_after=0.01) == 0.01


def test_limiter_shares_one_slot_per_platform() -> None:
    limiter = Limiter(lambda _p: Politeness())
    assert limiter.slot("weibo") is limiter.slot("weibo")
    assert limiter.slot("weibo") is not limiter.slot("zhihu")
