"""`keypick parse PLATFORM KIND FILE`: one raw platform response → normalized JSON lines."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from keypick.cli.common import fail
from keypick.enums import resolve_platform
from keypick.exceptions import ParseError, PlatformError
from keypick.platforms import registry


def parse(
    platform: Annotated[str, typer.Argument(help="Platform name or short name.")],
    kind: Annotated[str, typer.Argument(help="search, detail, comments, creator or creator_posts.")],
    file: Annotated[Path, typer.Argument(help="A saved response body (JSON or HTML); - for stdin.")],
) -> None:
    """Print the normalized records of one saved platform response, one JSON object per line."""
    try:
        plat = resolve_platform(platform)
    except ValueError as exc:
        fail(str(exc))
    if str(file) == "-":
        text = sys.stdin.read()
    elif not file.is_file():
        fail(f"{file} is not a file")
    else:
        text = file.read_text(encoding="utf-8")
    payload: Any
    try:
        payload = json.loads(text)
    except json.JSONDecodeError:
        payload = text  # HTML pages (detail pages, tieba) are parsed as text
    try:
        records = registry.parse_raw(plat.value, kind, payload)
    except ParseError as exc:
        fail(f"{file}: not a {plat.value} {kind} response: {exc.message}")
    except PlatformError as exc:
        fail(f"{file}: the response is a platform error ({exc.code}): {exc.message}")
    for record in records:
        sys.stdout.write(json.dumps(record.model_dump(mode="json"), ensure_ascii=False) + "\n")
