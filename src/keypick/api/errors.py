"""One place that turns every error into `{error: {code, message, details}}` with the right status."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from keypick.exceptions import KeyPickError

log = logging.getLogger(__name__)


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the JSON error envelope."""
    return {"error": {"code": code, "message": message, "details": details or {}}}


def _field(loc: tuple[Any, ...]) -> str:
    # ("body", "keywords", 0) → "keywords[0]"; the "body"/"query" prefix says nothing useful.
    parts = [p for p in loc if p not in ("body", "query", "path", "header")]
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or ".".join(map(str, loc))


def _clean_reason(msg: str) -> str:
    return msg.removeprefix("Value error, ")


def _reason(error: Any, request: Request) -> str:
    """The error's message, rewritten where pydantic's wording would leave a caller guessing."""
    kind, loc = error.get("type"), tuple(error.get("loc", ()))
    if kind == "json_invalid":
        where = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
        detail = (error.get("ctx") or {}).get("error", "")
        return f"the body is not valid JSON ({detail}{f' at character {where}' if where is not None else ''})"
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if loc == ("body",) and kind in ("model_attributes_type", "dict_type") and content_type != "application/json":
        return f"send a JSON object with Content-Type: application/json (got {content_type or 'no content type'})"
    return _clean_reason(str(error.get("msg", "")))


def install(app: FastAPI) -> None:
    """Register the exception handlers."""

    @app.exception_handler(KeyPickError)
    async def _keypick(_: Request, exc: KeyPickError) -> JSONResponse:
        if exc.status_code >= 500:
            log.error("%s: %s", exc.code, exc.message)
        return JSONResponse(error_body(exc.code, exc.message, exc.details), status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": "body" if e.get("type") == "json_invalid" else _field(tuple(e.get("loc", ()))),
             "message": _reason(e, request), "type": e.get("type")}
            for e in exc.errors()
        ]  # fmt: skip
        message = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return JSONResponse(error_body("validation_error", message, {"errors": errors}), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}.get(
            exc.status_code, "http_error"
        )
        return JSONResponse(
            error_body(code, str(exc.detail)), status_code=exc.status_code, headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        # Not logged here: Starlette re-raises the exception after this answer is sent, and the server
        # (uvicorn: "Exception in ASGI application") logs it with its traceback. Logging here too doubled it.
        return JSONResponse(error_body("internal_error", "internal server error"), status_code=500)
