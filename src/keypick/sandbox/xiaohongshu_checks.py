"""The checks of the Xiaohongshu replay: the xhshow signature over the exact bytes sent, and the request body.

X-S is decoded with xhshow and must be computed over exactly the bytes sent (the path with the raw
query, or the raw JSON body) and the a1 sent; X-T is a ms time within 5 minutes.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Mapping
from datetime import UTC, datetime

from starlette.requests import Request
from xhshow import Xhshow

SKEW_MS = 5 * 60 * 1000
_SIGNER = Xhshow()


def signature_problem(headers: Mapping[str, str], signed: str, a1: str, now_ms: int) -> str | None:
    """Return why the X-S/X-T/x-S-Common headers do not sign `signed` (path + query or body) for `a1`; None if fine."""
    xs, xt, common = headers.get("x-s", ""), headers.get("x-t", ""), headers.get("x-s-common", "")
    if not (xs and xt and common):
        return "X-S, X-T and x-S-Common are required"
    if not xt.isdigit() or abs(int(xt) - now_ms) > SKEW_MS:
        return "X-T must be the signing time in ms, within 5 minutes"
    if not xs.startswith("XYS_") or not re.fullmatch(r"[A-Za-z0-9+/=]{100,}", common):
        return "X-S must be XYS_… and x-S-Common base64"
    try:
        fields = _SIGNER.decode_xs(xs)
        payload = list(_SIGNER.decode_x3(str(fields["x3"])))
    except (ValueError, KeyError, TypeError, IndexError):
        return "X-S does not decode"
    # The x3 layout of xhshow 0.2.0 (mns0301): seed at 4, ms time at 8, md5 ^ seed at 36, a1 at 45.
    if len(payload) != 144 or int.from_bytes(bytes(payload[8:16]), "little") != int(xt):
        return "X-S and X-T disagree"
    digest = hashlib.md5(signed.encode("utf-8")).digest()[:8]
    if [b ^ payload[4] for b in payload[36:44]] != list(digest):
        return "X-S was not computed over the bytes sent"
    if bytes(payload[45:97]).rstrip(b"\0").decode("utf-8", "replace") != a1[:52]:
        return "X-S was signed for another a1"
    return None


def body_problem(request: Request, body: bytes) -> str | None:
    """Return why a POST body is not the compact JSON object that was signed; None if it is."""
    if "application/json" not in request.headers.get("content-type", ""):
        return "Content-Type must be application/json"
    try:
        params = json.loads(body)
    except ValueError:
        return "the body is not JSON"
    compact = json.dumps(params, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return None if isinstance(params, dict) and compact == body else "the body must be the compact JSON that was signed"


def plausible_search_id(value: object) -> bool:
    """True when a search_id is base36 of (ms timestamp << 64) + random, with a timestamp from 2020 to now."""
    try:
        ms = int(str(value), 36) >> 64
    except ValueError:
        return False
    return datetime(2020, 1, 1, tzinfo=UTC).timestamp() * 1000 < ms < (time.time() + 86400) * 1000
