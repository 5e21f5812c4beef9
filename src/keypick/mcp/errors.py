"""Turning KeyPick and validation errors into MCP tool errors the model can read and act on."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import ValidationError as PydanticValidationError

from keypick.exceptions import KeyPickError

P = ParamSpec("P")
R = TypeVar("R")


def describe(exc: PydanticValidationError) -> str:
    """Return "field: message; field: message" for each error, without the input values or pydantic's links."""
    parts = []
    for error in exc.errors():
        field = ".".join(str(p) for p in error["loc"]) or "arguments"
        parts.append(f"{field}: {str(error['msg']).removeprefix('Value error, ')}")
    return "; ".join(parts)


def tool_errors(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Wrap a tool so KeyPick and validation errors become ToolErrors with a short message (others stay crashes)."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await fn(*args, **kwargs)
        except KeyPickError as exc:
            raise ToolError(exc.message) from exc
        except PydanticValidationError as exc:
            raise ToolError(describe(exc)) from exc

    return wrapper
