"""API authentication: X-API-Key, Authorization: Bearer, and X-Internal-Key for the gateway.

Keys are compared in constant time against every configured key, so timing
tells nothing about which prefix matched.
"""

from __future__ import annotations

import hmac

from fastapi import HTTPException, Request

from keypick.config import Settings


def _matches(candidate: str, keys: tuple[str, ...]) -> bool:
    found = False
    for key in keys:
        # No early exit: every key is compared.
        found |= hmac.compare_digest(candidate.encode(), key.encode())
    return found


def presented_key(request: Request) -> str | None:
    """Return the API key the request carries, if any."""
    header = request.headers.get("x-api-key")
    if header:
        return header.strip()
    auth = request.headers.get("authorization", "").strip()
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return None


def check(request: Request, settings: Settings) -> str:
    """Return who is calling ("internal", "key", "open"); raise 401 if not allowed."""
    internal = request.headers.get("x-internal-key")
    secret = settings.internal_key.get_secret_value()
    if internal and secret and _matches(internal, (secret,)):
        return "internal"
    if settings.open_access:
        return "open"
    key = presented_key(request)
    if key and _matches(key, settings.api_keys):
        return "key"
    raise HTTPException(
        status_code=401,
        detail="missing or invalid API key: send X-API-Key: <key> or Authorization: Bearer <key>",
        headers={"WWW-Authenticate": "Bearer"},
    )
