"""Real captured platform responses shipped as package data (see samples/SOURCES.md)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SAMPLES_DIR = Path(__file__).parent / "samples"


@cache
def load_json(platform: str, name: str) -> Any:
    """Return the parsed sample `samples/<platform>/<name>`; cached, so treat it as read-only."""
    return json.loads(load_text(platform, name))


@cache
def load_text(platform: str, name: str) -> str:
    """Return the text of the sample `samples/<platform>/<name>`; raise FileNotFoundError if absent."""
    return (SAMPLES_DIR / platform / name).read_text(encoding="utf-8")


def walk_dicts(node: Any) -> list[dict[str, Any]]:
    """Return every dict nested anywhere in `node`, depth first, in document order."""
    found: list[dict[str, Any]] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            found.append(current)
            stack.extend(reversed(list(current.values())))
        elif isinstance(current, list):
            stack.extend(reversed(current))
    return found
