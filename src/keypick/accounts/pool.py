"""What the crawl engine sees of accounts: check one out, report how it fared."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from keypick.accounts import service as account_service
from keypick.accounts.crypto import CookieCipher
from keypick.db import utcnow
from keypick.enums import StopReason
from keypick.exceptions import LoginRequired, PlatformError, RiskControl

#: Answers that are about the account (rest it and try another), not about the request.
ACCOUNT_PROBLEMS = (StopReason.RISK_CONTROL, StopReason.VERIFICATION_REQUIRED, StopReason.LOGIN_REQUIRED)


@dataclass(frozen=True)
class AccountLease:
    """An account checked out for one unit: its id, label and cookie string."""

    account_id: int
    label: str
    cookie: str


class AccountPool:
    """Rotates a platform's healthy accounts, least recently used first."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], cipher: Callable[[], CookieCipher], cooldown: float
    ) -> None:
        self.sessions = sessions
        self._cipher = cipher
        self.cooldown = cooldown

    async def checkout(self, platform: str, *, exclude: set[int]) -> AccountLease | None:
        """Return a healthy account of the platform not in `exclude`, or None."""
        async with self.sessions() as session:
            if not await account_service.list_accounts(session, platform=platform):
                return None
            got = await account_service.checkout(session, platform=platform, cipher=self._cipher(), exclude=exclude)
        if got is None:
            return None
        row, cookie = got
        return AccountLease(account_id=row.id, label=row.label, cookie=cookie)

    async def has_accounts(self, platform: str) -> bool:
        """True when at least one account of the platform is stored (healthy or not)."""
        async with self.sessions() as session:
            return bool(await account_service.list_accounts(session, platform=platform))

    async def unavailable(self, platform: str) -> PlatformError | None:
        """The error to stop with when the platform has accounts but none is usable now; else None."""
        async with self.sessions() as session:
            rows = await account_service.list_accounts(session, platform=platform)
        if not rows:
            return None
        now = utcnow()
        if any(account_service.healthy(r, now) for r in rows):
            return None
        if all(r.status == "expired" for r in rows):
            return LoginRequired(f"every {platform} account has an expired login; add fresh cookies", platform=platform)
        return RiskControl(f"every {platform} account is cooling down after risk-control answers", platform=platform)

    async def report(self, lease: AccountLease, reason: StopReason) -> None:
        """Cool the account down (or mark it expired) after an account-level problem."""
        async with self.sessions() as session:
            await account_service.cool_down(session, account_id=lease.account_id, seconds=self.cooldown, reason=reason)
