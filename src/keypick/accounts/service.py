"""Accounts: add, list, remove, check out the least recently used healthy one, cool down."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from keypick.accounts.crypto import CookieCipher
from keypick.accounts.models import AccountRow
from keypick.db import utcnow
from keypick.exceptions import NotFound, ValidationError

STATUSES = ("valid", "expired", "unknown")


def cookie_names(cookie: str) -> list[str]:
    """Return the names in a "k=v; k2=v2" cookie string (names only: values are secret)."""
    return [
        part.split("=", 1)[0].strip() for part in cookie.split(";") if "=" in part and part.split("=", 1)[0].strip()
    ]


def normalize_cookie(cookie: str) -> str:
    """Return the cookie string trimmed, one line; ValidationError when it holds no k=v pair."""
    text = " ".join(cookie.replace("\r", " ").replace("\n", " ").split()).strip().removeprefix("Cookie:").strip()
    if not cookie_names(text):
        raise ValidationError("cookie_string", "expected name=value pairs separated by ';' (as the browser sends them)")
    return text


async def add(
    session: AsyncSession,
    *,
    platform: str,
    cookie: str,
    cipher: CookieCipher,
    login_type: str = "cookie",
    label: str | None = None,
    source: str = "api",
) -> tuple[AccountRow, bool]:
    """Store an account (or refresh the same cookie's row); return (row, created)."""
    cookie = normalize_cookie(cookie)
    fingerprint = hashlib.sha256(f"{platform}\0{cookie}".encode()).hexdigest()
    now = utcnow()
    row = await session.scalar(
        select(AccountRow).where(AccountRow.platform == platform, AccountRow.fingerprint == fingerprint)
    )
    created = row is None
    if row is None:
        count = len(await list_accounts(session, platform=platform))
        row = AccountRow(
            platform=platform, label=label or f"{platform}-{count + 1}", login_type=login_type, source=source,
            fingerprint=fingerprint, cookie_encrypted=cipher.encrypt(cookie), status="unknown", uses=0,
            failures=0, created_at=now, updated_at=now,
        )  # fmt: skip
        session.add(row)
    else:
        row.label, row.login_type, row.updated_at = label or row.label, login_type, now
        row.status, row.cooldown_until, row.cooldown_reason = "unknown", None, None
    await session.commit()
    return row, created


async def list_accounts(session: AsyncSession, *, platform: str | None = None) -> list[AccountRow]:
    """Return accounts, by platform then id."""
    where = [AccountRow.platform == platform] if platform else []
    rows = await session.scalars(select(AccountRow).where(*where).order_by(AccountRow.platform, AccountRow.id))
    return list(rows)


async def get(session: AsyncSession, *, account_id: int) -> AccountRow:
    """Return one account or raise NotFound."""
    row = await session.get(AccountRow, account_id)
    if row is None:
        raise NotFound(f"account {account_id} does not exist", details={"account_id": account_id})
    return row


async def remove(session: AsyncSession, *, platform: str, account_id: int | None = None) -> int:
    """Delete one account, or every account of a platform; return how many were deleted."""
    where = [AccountRow.platform == platform]
    if account_id is not None:
        where.append(AccountRow.id == account_id)
    result = await session.execute(delete(AccountRow).where(*where))
    await session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def healthy(row: AccountRow, now: datetime) -> bool:
    """True when the account may be used now."""
    return row.status != "expired" and (row.cooldown_until is None or row.cooldown_until <= now)


async def checkout(
    session: AsyncSession, *, platform: str, cipher: CookieCipher, exclude: set[int]
) -> tuple[AccountRow, str] | None:
    """Take the least recently used healthy account of the platform; None when there is none."""
    now = utcnow()
    rows = [r for r in await list_accounts(session, platform=platform) if r.id not in exclude and healthy(r, now)]
    if not rows:
        return None
    row = min(rows, key=lambda r: (r.last_used_at is not None, r.last_used_at or now, r.id))
    row.uses += 1
    row.last_used_at = now
    await session.commit()
    return row, cipher.decrypt(row.cookie_encrypted)


async def cool_down(session: AsyncSession, *, account_id: int, seconds: float, reason: str) -> None:
    """Rest an account after a risk-control or verification answer; an expired login marks it expired."""
    row = await get(session, account_id=account_id)
    now = utcnow()
    row.failures += 1
    row.cooldown_reason = reason
    row.updated_at = now
    if reason == "login_required":
        row.status, row.last_checked_at = "expired", now
    else:
        row.cooldown_until = now + timedelta(seconds=seconds)
    await session.commit()


async def record_check(session: AsyncSession, *, account_id: int, valid: bool | None) -> AccountRow:
    """Store a login-check result: valid, expired or unknown, with the time."""
    row = await get(session, account_id=account_id)
    row.status = {True: "valid", False: "expired", None: "unknown"}[valid]
    row.last_checked_at = row.updated_at = utcnow()
    await session.commit()
    return row


def public(row: AccountRow, *, cipher: CookieCipher | None = None) -> dict[str, Any]:
    """Return what the API may show of an account: never the cookie value."""
    now = utcnow()
    names: list[str] = []
    if cipher is not None:
        try:
            names = cookie_names(cipher.decrypt(row.cookie_encrypted))
        except Exception:
            names = []
    return {
        "id": row.id, "platform": row.platform, "label": row.label, "login_type": row.login_type,
        "source": row.source, "status": row.status, "healthy": healthy(row, now),
        "last_checked_at": row.last_checked_at, "cooldown_until": row.cooldown_until,
        "cooldown_reason": row.cooldown_reason, "uses": row.uses, "failures": row.failures,
        "last_used_at": row.last_used_at, "created_at": row.created_at, "cookie_names": names,
    }  # fmt: skip
