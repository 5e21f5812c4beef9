"""Find the keypick, wrangler and flyctl commands that deployment files and guides run, and check they exist."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import tomllib
from pathlib import Path

from typer.testing import CliRunner

from keypick.cli.main import app as cli

ROOT = Path(__file__).resolve().parents[2]
GATEWAY = ROOT / "deploy/cloudflare"

# flyctl is not installable offline, so its commands are checked against this table, written from flyctl's
# command reference (fly <cmd> --help, as published in superfly/docs flyctl/cmd/*.md). A command or flag that
# is not here must be checked there and added, never guessed.
FLYCTL: dict[str, set[str]] = {
    "auth login": set(),
    "auth whoami": set(),
    "apps create": {"--org"},
    "launch": {"--copy-config", "--no-deploy", "--name", "--region", "--org"},
    "volumes create": {"--app", "--region", "--size", "--yes"},
    "volumes list": {"--app"},
    "secrets set": {"--app", "--stage"},
    "secrets list": {"--app"},
    "deploy": {"--app", "--config", "--remote-only", "--image"},
    "status": {"--app"},
    "logs": {"--app", "--no-tail"},
    "releases": {"--app", "--json", "--image"},
    "scale count": {"--app"},
    "certs add": {"--app"},
    "tokens create deploy": {"--app"},
}

_END = re.compile(r"[|;&)`\n#<>]|\$\(")


def keypick_runs(command: str) -> bool:
    """True when `keypick <args>` names an existing (sub)command with options it accepts."""
    words = shlex.split(command)
    assert words[0] == "keypick", command
    return CliRunner().invoke(cli, [*words[1:], "--help"]).exit_code == 0


def invocations(text: str, tool: str) -> list[list[str]]:
    """The argument lists after each `tool` (or `npx tool`) in shell-like text; variables kept as written."""
    found = []
    for match in re.finditer(rf"(['`]?)(?<![\w/.-])(?:npx )?{re.escape(tool)} ([^\n]*)", text):
        rest = match.group(2)
        if match.group(1):  # quoted inside a message or Markdown: the command ends at the closing quote
            rest = rest.split(match.group(1), 1)[0]
        rest = _END.split(rest.replace("\\", " "), maxsplit=1)[0]
        try:
            words = shlex.split(rest)
        except ValueError:
            words = rest.split()
        if words and re.fullmatch(r"[a-z][\w-]*", words[0]):
            found.append(words)
    return found


def _leading(words: list[str]) -> list[str]:
    """The command words and positionals: everything before the first flag (the style of every file here)."""
    flags = [i for i, w in enumerate(words) if w.startswith("-")]
    return words[: flags[0]] if flags else words


def flyctl_problem(words: list[str]) -> str | None:
    """Why an flyctl invocation is not a known command with known flags (None when it is)."""
    positional = _leading(words)
    for length in (3, 2, 1):
        name = " ".join(positional[:length])
        if name in FLYCTL and words[: len(name.split())] == name.split():
            unknown = {w.split("=")[0] for w in words if w.startswith("--")} - FLYCTL[name]
            return f"flyctl {name}: unknown flags {sorted(unknown)}" if unknown else None
    return f"flyctl {' '.join(words)}: not a known flyctl command"


def wrangler_environments() -> set[str]:
    """The environments of the gateway's wrangler.toml."""
    return set(tomllib.loads((GATEWAY / "wrangler.toml").read_text())["env"])


# `wrangler <path> --help` output by resolved command path: each help costs a second or two of Node start-up.
_HELP: dict[tuple[str, ...], tuple[list[str], str]] = {}


def _wrangler_help(args: list[str]) -> tuple[list[str], str] | str:
    """(usage words, help text) of the command `args` resolves to, or wrangler's error."""
    for path, (usage, text) in sorted(_HELP.items(), key=lambda item: -len(item[0])):
        if tuple(args[: len(path)]) == path and len(args) - len(path) <= len(usage) - len(path):
            return usage, text
    binary = GATEWAY / "node_modules/.bin/wrangler"
    assert binary.exists(), "run `npm ci` in deploy/cloudflare (the CI does) so the locked wrangler is there"
    env = {**os.environ, "WRANGLER_SEND_METRICS": "false", "CI": "1"}
    result = subprocess.run([binary, *args, "--help"], cwd=GATEWAY, capture_output=True, text=True, env=env,
                            timeout=60)  # fmt: skip
    if result.returncode != 0:
        return result.stderr.strip()[-300:]
    usage = result.stdout.splitlines()[0].split()[1:]
    _HELP[tuple(w for w in usage if not w.startswith(("<", "[")))] = (usage, result.stdout)
    return usage, result.stdout


def wrangler_problem(words: list[str]) -> str | None:
    """Ask the locked wrangler (`wrangler <words> --help`) whether the command and each flag exist."""
    flags = [w.split("=")[0] for w in words if w.startswith("--")]
    args = _leading(words)
    helped = _wrangler_help(args)
    if isinstance(helped, str):
        return f"wrangler {' '.join(words)}: {helped}"
    usage, text = helped
    path = [w for w in usage if not w.startswith(("<", "["))]
    if args[: len(path)] != path or len(args) - len(path) > len(usage) - len(path):
        return f"wrangler {' '.join(words)}: wrangler resolves it to `wrangler {' '.join(usage)}`"
    missing = [f for f in flags if not re.search(rf"(?<![\w-]){re.escape(f)}(?![\w-])", text)]
    if missing:
        return f"wrangler {' '.join(path)}: no flags {missing}"
    if "--env" in words:
        env_name = words[words.index("--env") + 1]
        if not env_name.startswith("$") and env_name not in wrangler_environments():
            return f"wrangler {' '.join(words)}: wrangler.toml has no environment {env_name}"
    return None
