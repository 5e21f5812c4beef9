"""The sandbox ASGI app: platform replays under /{real host}/..., control under /_sandbox/.

Control endpoints:
    GET    /_sandbox/health      status, platforms served, pages, anchor time, active faults
    GET    /_sandbox/faults      active faults with their counters
    POST   /_sandbox/faults      JSON list of fault strings; replaces the set (400 if one is bad)
    DELETE /_sandbox/faults      no faults
    GET    /_sandbox/requests    log of every request outside /_sandbox/ (misrouted ones too):
                                 method, path, query, params, selected headers, cookie names,
                                 status (null while held), faults applied; the last 10 000
    DELETE /_sandbox/requests    clear the log

A request is handled in this order: no replay for the host/path → 404
{"sandbox_error": ...}; no User-Agent → 403 (as the platforms' CDNs do); then
faults; then the replayed answer.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from keypick.sandbox.faults import FaultBoard, FaultSpec, parse_fault
from keypick.sandbox.platforms import build_replays
from keypick.sandbox.replay import Call, Replay

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")
LOG_SIZE = 10_000
#: Headers worth seeing in the request log (x-s/x-t: Xiaohongshu's signature); cookies are logged by name only.
LOGGED_HEADERS = ("user-agent", "referer", "origin", "x-requested-with", "mweibo-pwa", "accept", "content-type",
                  "x-s", "x-t")  # fmt: skip
_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


@dataclass
class SandboxState:
    """Everything one sandbox app holds: replays by host, faults, request log."""

    replays: dict[str, Replay]
    faults: FaultBoard
    pages: int
    seed: str
    anchor: datetime
    log: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=LOG_SIZE))


def default_anchor(now: datetime | None = None) -> datetime:
    """Return the current hour in China time: generated posts end there, so time windows find them."""
    moment = (now or datetime.now(CHINA)).astimezone(CHINA)
    return moment.replace(minute=0, second=0, microsecond=0)


def create_sandbox_app(
    faults: Sequence[FaultSpec | str] | None = None,
    *,
    pages: int = 5,
    seed: str = "keypick",
    anchor: datetime | None = None,
) -> Starlette:
    """Return the sandbox app; `anchor` (default: this hour, China time) is the newest post time."""
    if pages < 1:
        raise ValueError("pages must be at least 1")
    when = default_anchor() if anchor is None else anchor.astimezone(CHINA)
    replays = build_replays(pages=pages, seed=seed, anchor=when)
    specs = [parse_fault(f) if isinstance(f, str) else f for f in faults or ()]
    state = SandboxState(
        replays={r.host: r for r in replays}, faults=FaultBoard(specs), pages=pages, seed=seed, anchor=when
    )
    app = Starlette(
        routes=[
            Route("/_sandbox/health", _health, methods=["GET"]),
            Route("/_sandbox/faults", _faults, methods=["GET", "POST", "DELETE"]),
            Route("/_sandbox/requests", _requests, methods=["GET", "DELETE"]),
            Route("/{host}/{path:path}", _replay, methods=_METHODS),
            Route("/{path:path}", _nowhere, methods=_METHODS),
        ]
    )
    app.state.sandbox = state
    return app


def _state(request: Request) -> SandboxState:
    state: SandboxState = request.app.state.sandbox
    return state


async def _health(request: Request) -> Response:
    state = _state(request)
    return JSONResponse(
        {
            "status": "ok",
            "platforms": sorted(state.replays),
            "pages": state.pages,
            "seed": state.seed,
            "anchor": state.anchor.isoformat(),
            "faults": [f["fault"] for f in state.faults.describe()],
        }
    )


async def _faults(request: Request) -> Response:
    state = _state(request)
    if request.method == "DELETE":
        state.faults.replace([])
    elif request.method == "POST":
        try:
            texts = json.loads(await request.body())
            if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
                raise ValueError('send a JSON list of fault strings, e.g. ["http_429@times=2"]')
            specs = [parse_fault(t) for t in texts]
        except ValueError as exc:  # json.JSONDecodeError is a ValueError too
            return JSONResponse({"sandbox_error": str(exc)}, status_code=400)
        state.faults.replace(specs)
    return JSONResponse({"faults": state.faults.describe()})


async def _requests(request: Request) -> Response:
    state = _state(request)
    if request.method == "DELETE":
        state.log.clear()
    return JSONResponse({"requests": list(state.log)})


async def _nowhere(request: Request) -> Response:
    entry = _log_entry(request)
    response = _no_replay(f"{request.method} {request.url.path.lstrip('/')}")
    entry["status"] = response.status_code
    return response


def _no_replay(where: str) -> Response:
    return JSONResponse({"sandbox_error": f"no replay for {where}"}, status_code=404)


async def _replay(request: Request) -> Response:
    entry = _log_entry(request)
    response = await _respond(_state(request), request, entry)
    entry["status"] = response.status_code
    return response


def _log_entry(request: Request) -> dict[str, Any]:
    """Append a log entry for a platform-side request; the caller fills in `status` when it is known."""
    cookies = request.headers.get("cookie", "")
    entry: dict[str, Any] = {
        "method": request.method,
        "path": request.url.path,
        "query": request.url.query,
        "params": dict(request.query_params),
        "headers": {name: request.headers[name] for name in LOGGED_HEADERS if name in request.headers},
        "cookies": [part.split("=", 1)[0].strip() for part in cookies.split(";") if part.strip()],
        "status": None,
        "faults": [],
    }
    # Logged before answering, so a test sees a request that is still being held.
    _state(request).log.append(entry)
    return entry


async def _respond(state: SandboxState, request: Request, entry: dict[str, Any]) -> Response:
    host = request.path_params["host"]
    path = "/" + request.path_params["path"]
    replay = state.replays.get(host)
    call = replay.classify(request.method, path, request.query_params) if replay else None
    if replay is None or call is None:
        return _no_replay(f"{request.method} {host}{path}")
    if not request.headers.get("user-agent", "").strip():
        return PlainTextResponse("403 Forbidden", status_code=403)
    decision = state.faults.decide(host=host, path=path, keyword=call.keyword, page=call.page)
    entry["faults"] = decision.names
    if decision.latency_ms:
        await anyio.sleep(decision.latency_ms / 1000)
    if decision.answer is None:
        return replay.answer(request, path, call)
    return await _inject(decision.answer, replay, request, path, call)


async def _inject(fault: FaultSpec, replay: Replay, request: Request, path: str, call: Call) -> Response:
    if fault.kind == "http":
        page = f"<html><body><h1>{fault.status} {_phrase(fault.status)}</h1></body></html>"
        return Response(page, fault.status, media_type="text/html")
    if fault.kind == "timeout":
        await _hold(request, fault.seconds)
        return PlainTextResponse("504 Gateway Timeout", status_code=504)
    if fault.kind == "business_error":
        return replay.business_error(fault)
    if fault.kind == "login_expired":
        return replay.login_expired(request, path)
    if fault.kind == "verification":
        return replay.verification()
    if fault.kind == "empty_page":
        return replay.answer(request, path, call, empty=True)
    if fault.kind == "blocked":
        return Response(b"", 200, media_type="application/json")
    # malformed_json: the real answer cut in half can never parse.
    real = replay.answer(request, path, call)
    body = bytes(real.body)
    kind = real.headers.get("content-type", "")
    media = kind if "html" in kind else "application/json"
    return Response(body[: len(body) // 2], 200, media_type=media)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:  # platform-specific codes such as 432 or 461
        return ""


async def _hold(request: Request, seconds: float) -> None:
    """Wait `seconds`, returning early once the client has gone (so shutdown is not held up)."""
    deadline = anyio.current_time() + seconds
    while (left := deadline - anyio.current_time()) > 0:
        await anyio.sleep(min(left, 0.2))
        if await request.is_disconnected():
            return
