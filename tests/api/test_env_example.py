""".env.example against the settings trees: every setting documented, nothing stale, defaults told truly."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel
from pydantic_settings import BaseSettings

from keypick.config import Politeness, Settings
from keypick.enums import Platform
from keypick.reports.config import ReportSettings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / ".env.example"
#: `NAME=value` lines, also commented ones (`# NAME=value`: documented, left unset on purpose).
ASSIGNMENT = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=(.*)$")
TREES: tuple[type[BaseSettings], ...] = (Settings, ReportSettings)


def _documented() -> dict[str, str]:
    names: dict[str, str] = {}
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if match := ASSIGNMENT.match(line.strip()):
            names[match.group(1)] = match.group(2)
    return names


def _env_names(tree: type[BaseSettings], name: str) -> list[str]:
    """The variables one field is read from: its aliases, else prefix + NAME."""
    field = tree.model_fields[name]
    choices = getattr(field.validation_alias, "choices", None)
    if choices:
        return [str(c) for c in choices]
    return [f"{tree.model_config.get('env_prefix', '')}{name}".upper()]


def _is_group(tree: type[BaseSettings], name: str) -> bool:
    annotation = tree.model_fields[name].annotation
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def test_every_setting_is_documented() -> None:
    documented = _documented()
    missing = [
        f"{tree.__name__}.{name} ({' or '.join(_env_names(tree, name))})"
        for tree in TREES
        for name in tree.model_fields
        if not _is_group(tree, name) and not any(env in documented for env in _env_names(tree, name))
    ]
    assert not missing, f"not documented in .env.example: {missing}"


def test_every_politeness_knob_and_platform_is_documented() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert "KEYPICK_<PLATFORM>__<KNOB>" in text
    for knob, field in Politeness.model_fields.items():
        line = next((ln for ln in text.splitlines() if re.match(rf"^#\s+{knob.upper()}\s", ln)), None)
        assert line is not None, f"politeness knob {knob.upper()} is not described"
        assert f"default {field.default}" in line or f"default {field.default:g}" in line, (line, field.default)
    for platform in Platform:
        assert platform.value.upper() in text
        assert isinstance(getattr(Settings(), platform.value), Politeness)


def test_nothing_stale_is_documented() -> None:
    known = {env for tree in TREES for name in tree.model_fields for env in _env_names(tree, name)}
    knobs = {k.upper() for k in Politeness.model_fields}
    platforms = {p.value.upper() for p in Platform}
    stale = []
    for name in _documented():
        prefix, _, knob = name.removeprefix("KEYPICK_").partition("__")
        if name in known or (name.startswith("KEYPICK_") and prefix in platforms and knob in knobs):
            continue
        stale.append(name)
    assert not stale, f".env.example names settings that do not exist: {stale}"


def test_the_example_as_shipped_changes_nothing() -> None:
    # Copying .env.example to .env must give the documented defaults: the file never lies about them.
    for tree in TREES:
        from_example = tree(_env_file=EXAMPLE)  # type: ignore[call-arg]
        defaults = tree(_env_file=None)  # type: ignore[call-arg]
        assert from_example.model_dump() == defaults.model_dump(), tree.__name__
