"""API authentication: X-API-Key, Authorization: Bearer, and X-Internal-Key for the gateway.

Keys are compared in constant time against every configured key, so timing
tells nothing about which prefix matched.
"""

from __future__ import annotations

import base64
import hmac
import re

from fastapi import HTTPException, Request

from keypick.config import Settings


def _matches(candidate: str, keys: tuple[str, ...]) -> bool:
    found = False
    for key in keys:
        # No early exit: every key is compared.
        found |= hmac.compare_digest(candidate.encode(), key.encode())
    return found


_PREFIX = re.compile(r"^(?:(?:bearer|basic)\s+)+", re.IGNORECASE)


def _strip_prefixes(value: str) -> str:
    # Dify may send "Basic <key>" (its default), "<key>" (custom) or "Bearer Bearer <key>" (dify#35974).
    return _PREFIX.sub("", value.strip()).strip()


def candidates(request: Request) -> list[str]:
    """Return every key the request may carry: X-API-Key, Authorization (any prefix), ?key=."""
    found: list[str] = []
    header = request.headers.get("x-api-key")
    if header:
        found.append(_strip_prefixes(header))
    auth = request.headers.get("authorization", "")
    if auth.strip():
        raw = _strip_prefixes(auth)
        found.append(raw)
        # A real Basic credential is base64("user:password"); either half may hold the key.
        try:
            user, _, password = base64.b64decode(raw, validate=True).decode("utf-8").partition(":")
            found += [part for part in (user, password) if part]
        except (ValueError, UnicodeDecodeError):
            pass
    query = request.query_params.get("key")
    if query:
        found.append(query.strip())
    return [c for c in found if c]


def check(request: Request, settings: Settings) -> str:
    """Return who is calling ("internal", "key", "open"); raise 401 if not allowed."""
    internal = request.headers.get("x-internal-key")
    secret = settings.internal_key.get_secret_value()
    if internal and secret and _matches(internal, (secret,)):
        return "internal"
    if settings.open_access:
        return "open"
    # Check every candidate (no early exit), so timing does not tell which form matched.
    ok = False
    for key in candidates(request):
        ok |= _matches(key, settings.api_keys)
    if ok:
        return "key"
    raise HTTPException(
        status_code=401,
        detail="missing or invalid API key: send X-API-Key: <key>, Authorization: Bearer <key>, or ?key=<key>",
        headers={"WWW-Authenticate": "Bearer"},
    )
