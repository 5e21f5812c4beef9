"""Helpers shared by the CLI commands."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from keypick import logs, migrate
from keypick.api.runtime import Runtime
from keypick.config import Settings, load_settings
from keypick.exceptions import KeyPickError
from keypick.search import tokenize

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
    # Text, not markup: messages quote user input, which may contain [brackets].
    err_console.print(Text.assemble(("error: ", "bold red"), message), soft_wrap=True, highlight=False)
    raise typer.Exit(code)


def check_out(path: Path, formats: Sequence[str], *, option: str = "--out") -> str:
    """Return the format named by the output file's suffix; exit 2 if it is unknown or the file cannot be written."""
    # Checked before any work: a crawl of minutes must not end in a traceback because of a typo in a path.
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in formats:
        fail(f"{option} {path}: unsupported file type {path.suffix or '(none)'}; "
             f"use one of: {', '.join('.' + f for f in formats)}")  # fmt: skip
    parent = path.parent
    if path.is_dir():
        fail(f"{option} {path}: is a directory; give a file name")
    if not parent.is_dir():
        fail(f"{option} {path}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        fail(f"{option} {path}: not writable (permission denied)")
    return fmt


_OPEN: list[Runtime] = []


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine, turning KeyPick errors into a clean CLI error; runtimes it opened are always closed."""

    async def guarded() -> T:
        try:
            return await coro
        finally:
            while _OPEN:
                await _OPEN.pop().aclose()

    try:
        return asyncio.run(guarded())
    except KeyPickError as exc:
        fail(exc.message)
        raise  # unreachable: fail() raises


async def ready_runtime(cfg: Settings) -> Runtime:
    """Build the runtime and bring the database schema up to date."""
    runtime = Runtime.build(cfg)
    _OPEN.append(runtime)
    await migrate.upgrade(runtime.engine, pg_search_index=cfg.pg_search_index)
    await asyncio.to_thread(tokenize.warm)
    return runtime


def print_ledger(units: list[Any], *, title: str) -> None:
    """Print the coverage ledger of a task's units; errors go below the table so nothing is truncated."""
    table = Table(title=title)
    table.add_column("keyword", overflow="fold")
    for col in ("pages", "seen", "new", "dupes", "filtered", "comments"):
        table.add_column(col, justify="right", no_wrap=True)
    table.add_column("stop_reason", no_wrap=True)
    natural = ("end_of_results", "max_results", "time_window_passed")
    for u in units:
        reason = u.stop_reason or "-"
        style = "green" if reason in natural else ("yellow" if reason == "-" else "red")
        table.add_row(u.keyword, str(u.pages_fetched), str(u.items_seen), str(u.new_items), str(u.duplicates),
                      str(u.filtered), str(u.comments), f"[{style}]{reason}[/]")  # fmt: skip
    console.print(table)
    for u in units:
        if u.error:
            console.print(f"[red]{u.keyword}: {u.error}[/]", soft_wrap=True)
