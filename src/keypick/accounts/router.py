"""/api/cookies: your own platform accounts (cookie values are never returned)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Response

from keypick.accounts import service as account_service
from keypick.accounts.schemas import LOGIN_URLS, CookieSet
from keypick.api.runtime import Runtime, get_runtime
from keypick.bounds import INT64_MAX
from keypick.db import utcnow
from keypick.enums import resolve_platform
from keypick.exceptions import PlatformError, ValidationError

router = APIRouter(prefix="/api/cookies", tags=["accounts"])


def _platform(value: str) -> str:
    try:
        return resolve_platform(value).value
    except ValueError as exc:
        raise ValidationError("platform", str(exc)) from None


@router.get("/", operation_id="list_accounts", summary="Accounts of every platform (no cookie values).")
async def list_all(runtime: Runtime = Depends(get_runtime)) -> dict[str, Any]:
    """Return every account with status, health and cooldown, and a count per platform."""
    async with runtime.sessions() as session:
        rows = await account_service.list_accounts(session)
    now = utcnow()
    summary: dict[str, dict[str, int]] = {}
    for row in rows:
        entry = summary.setdefault(row.platform, {"accounts": 0, "healthy": 0})
        entry["accounts"] += 1
        entry["healthy"] += int(account_service.healthy(row, now))
    return {"accounts": [account_service.public(r, cipher=runtime.cipher()) for r in rows], "platforms": summary}


@router.get("/platforms/urls", operation_id="login_urls", summary="Where to log in, and which cookies matter.")
async def urls() -> dict[str, Any]:
    """Return the login page and the cookie names KeyPick needs per platform."""
    return {"platforms": LOGIN_URLS}


@router.post("/set", status_code=201, operation_id="set_cookie", summary="Store an account's cookies (encrypted).")
async def set_cookie(body: CookieSet, response: Response, runtime: Runtime = Depends(get_runtime)) -> dict[str, Any]:
    """Store a cookie string for a platform; the same cookie twice refreshes the same account."""
    async with runtime.sessions() as session:
        row, created = await account_service.add(
            session, platform=body.platform, cookie=body.cookie_string, cipher=runtime.cipher(),
            login_type=body.login_type, label=body.label, source="api",
        )  # fmt: skip
    if not created:
        response.status_code = 200
    return {"created": created, "account": account_service.public(row, cipher=runtime.cipher())}


@router.post("/refresh", operation_id="refresh_cookies", summary="Import cookies from KEYPICK_COOKIES_* env vars.")
async def refresh(runtime: Runtime = Depends(get_runtime)) -> dict[str, Any]:
    """Store the environment's cookies as accounts (idempotent)."""
    return {"imported": await runtime.import_env_cookies()}


@router.get("/{platform}", operation_id="get_accounts", summary="Accounts of one platform (no cookie values).")
async def get_platform(platform: str, runtime: Runtime = Depends(get_runtime)) -> dict[str, Any]:
    """Return the platform's accounts."""
    name = _platform(platform)
    async with runtime.sessions() as session:
        rows = await account_service.list_accounts(session, platform=name)
    return {"platform": name, "accounts": [account_service.public(r, cipher=runtime.cipher()) for r in rows]}


@router.delete("/{platform}", operation_id="delete_accounts", summary="Remove a platform's accounts (or one).")
async def remove(
    platform: str,
    runtime: Runtime = Depends(get_runtime),
    account_id: int | None = Query(None, ge=1, le=INT64_MAX, description="Only this account."),
) -> dict[str, Any]:
    """Delete every account of the platform, or the one given by account_id."""
    name = _platform(platform)
    async with runtime.sessions() as session:
        deleted = await account_service.remove(session, platform=name, account_id=account_id)
    return {"platform": name, "deleted": deleted}


@router.post("/{platform}/check", operation_id="check_accounts", summary="Run the login check of each account.")
async def check(platform: str, runtime: Runtime = Depends(get_runtime)) -> dict[str, Any]:
    """Ask the platform's login-check endpoint about every account: valid, expired or unknown."""
    name = _platform(platform)
    return {"platform": name, "accounts": await check_accounts(runtime, name)}


async def check_accounts(runtime: Runtime, platform: str) -> list[dict[str, Any]]:
    """Check each account of the platform and store the result."""
    async with runtime.sessions() as session:
        rows = await account_service.list_accounts(session, platform=platform)
    results = []
    for row in rows:
        adapter = runtime.adapter(platform, runtime.cipher().decrypt(row.cookie_encrypted))
        detail = None
        try:
            valid = await adapter.check_login()
        except PlatformError as exc:
            valid, detail = (False if exc.code == "login_required" else None), f"{exc.code}: {exc.message}"
        finally:
            await adapter.aclose()
        async with runtime.sessions() as session:
            row = await account_service.record_check(session, account_id=row.id, valid=valid)
        results.append(account_service.public(row, cipher=runtime.cipher()) | {"detail": detail})
    return results
