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


def tool_errors(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Wrap a tool so KeyPick and validation errors become ToolErrors with a short message (others stay crashes)."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await fn(*args, **kwargs)
        except KeyPickError as exc:
            raise ToolError(exc.message) from exc
        except PydanticValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "arguments"
            raise ToolError(f"{field}: {str(first['msg']).removeprefix('Value error, ')}") from exc

    return wrapper
