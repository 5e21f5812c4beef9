"""Where the real captured platform samples live (shared by the parser and client tests)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "src" / "keypick" / "sandbox" / "samples"


def sample_path(platform: str, name: str) -> Path:
    """Return the path of one captured sample, e.g. sample_path("weibo", "hotflow-1.json")."""
    path = SAMPLES_DIR / platform / name
    if not path.is_file():
        raise FileNotFoundError(f"no sample {platform}/{name} in {SAMPLES_DIR}")
    return path


def load_sample(platform: str, name: str) -> Any:
    """Return a JSON sample, freshly parsed (tests may mutate it)."""
    return json.loads(sample_path(platform, name).read_text(encoding="utf-8"))
