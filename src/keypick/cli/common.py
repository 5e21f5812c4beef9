"""Helpers shared by the CLI commands."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

import typer
from rich.console import Console

from keypick import logs, migrate
from keypick.api.runtime import Runtime
from keypick.config import Settings, load_settings
from keypick.exceptions import KeyPickError

T = TypeVar("T")
console = Console()
err_console = Console(stderr=True)


def settings(**overrides: Any) -> Settings:
    """Load settings, exiting with a clear message when they are invalid."""
    try:
        loaded = load_settings(**{k: v for k, v in overrides.items() if v is not None})
    except Exception as exc:
        fail(f"invalid settings: {exc}")
    logs.setup(loaded.log_level)
    return loaded


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print an error to stderr and exit non-zero."""
    err_console.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code)


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine, turning KeyPick errors into a clean CLI error."""
    try:
        return asyncio.run(coro)
    except KeyPickError as exc:
        fail(exc.message)
        raise  # unreachable: fail() raises


async def ready_runtime(cfg: Settings) -> Runtime:
    """Build the runtime and bring the database schema up to date."""
    runtime = Runtime.build(cfg)
    await migrate.upgrade(runtime.engine)
    return runtime
