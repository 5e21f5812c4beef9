"""Per-platform politeness: minimum interval, jitter, concurrency and a daily budget.

One `Slot` per platform is shared by every task in the process, so two tasks on
the same platform never double the request rate. Adapters never sleep; this does.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from keypick.config import Politeness
from keypick.exceptions import BudgetExhausted


class Slot:
    """Gate for one platform's requests."""

    def __init__(
        self,
        platform: str,
        politeness: Politeness,
        *,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self.platform = platform
        self.politeness = politeness
        self._clock = clock
        self._rng = rng or random.Random()
        self._sem = asyncio.Semaphore(politeness.concurrency)
        self._lock = asyncio.Lock()
        self._next_start = 0.0
        self._day = ""
        self.used_today = 0
        self.penalty_until = 0.0

    def _charge_budget(self) -> None:
        today = datetime.now(UTC).strftime("%Y-%m-%d")
        if today != self._day:
            self._day, self.used_today = today, 0
        budget = self.politeness.daily_budget
        if budget and self.used_today >= budget:
            raise BudgetExhausted(
                f"daily request budget of {budget} for {self.platform} is used up",
                platform=self.platform,
            )
        self.used_today += 1

    async def _wait_turn(self) -> None:
        # Reserve the next start time under the lock, sleep outside it, so the
        # spacing holds even with concurrency > 1.
        async with self._lock:
            now = self._clock()
            start = max(now, self._next_start, self.penalty_until)
            jitter = self._rng.uniform(0, self.politeness.jitter) if self.politeness.jitter else 0.0
            self._next_start = start + self.politeness.min_interval + jitter
        delay = start - now
        if delay > 0:
            await asyncio.sleep(delay)

    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[None]:
        """Wait until a request may start; hold a concurrency slot while it runs."""
        async with self._sem:
            self._charge_budget()
            await self._wait_turn()
            yield

    def backoff(self, attempt: int, retry_after: float | None = None) -> float:
        """Push every request of this platform back; return the delay chosen."""
        p = self.politeness
        delay = retry_after if retry_after is not None else min(p.backoff_max, p.backoff_base * (2**attempt))
        self.penalty_until = max(self.penalty_until, self._clock() + delay)
        return delay


class Limiter:
    """The process-wide registry of slots, one per platform."""

    def __init__(self, politeness_of: Callable[[str], Politeness]) -> None:
        self._politeness_of = politeness_of
        self._slots: dict[str, Slot] = {}

    def slot(self, platform: str) -> Slot:
        """Return (creating once) the slot of a platform."""
        if platform not in self._slots:
            self._slots[platform] = Slot(platform, self._politeness_of(platform))
        return self._slots[platform]
