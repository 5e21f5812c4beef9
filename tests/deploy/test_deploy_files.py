"""Deployment files parse, hold the required keys, and run commands that exist in this repository."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from keypick.cli.main import app as cli

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _cli_commands() -> set[str]:
    names = {c.name or (c.callback.__name__ if c.callback else "") for c in cli.registered_commands}
    return names | {g.name for g in cli.registered_groups if g.name}


def _keypick_command_exists(command: str) -> bool:
    words = shlex.split(command)
    return words[0] == "keypick" and words[1] in _cli_commands()


def test_fly_toml() -> None:
    root = tomllib.loads((ROOT / "fly.toml").read_text())
    assert root == tomllib.loads((ROOT / "deploy/fly/fly.toml").read_text()), "root fly.toml follows the template"
    assert root["app"] == "keypick" and root["primary_region"] == "sin"
    assert set(root["processes"]) == {"app", "worker"}
    assert all(_keypick_command_exists(cmd) for cmd in root["processes"].values())
    assert root["env"]["PORT"] == "8080" and root["env"]["KEYPICK_METRICS_PORT"] == "9091"
    mount = root["mounts"][0]
    assert (mount["source"], mount["destination"]) == ("keypick_data", "/data")
    service = root["http_service"]
    assert service["internal_port"] == 8080 and service["auto_stop_machines"] and service["auto_start_machines"]
    assert service["concurrency"]["hard_limit"] > service["concurrency"]["soft_limit"]
    assert service["checks"][0]["path"] == "/health"
    assert root["metrics"] == {"port": 9091, "path": "/metrics"}
    assert root["experimental"]["auto_rollback"] is True
    assert (ROOT / root["build"]["dockerfile"]).is_file()


def test_dockerfile() -> None:
    text = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM \S+ AS (\S+)", text, re.M)
    assert {"builder", "runtime", "browser"} <= set(stages)
    runtime = text.split("AS runtime", 1)[1].split("AS browser", 1)[0]
    assert re.search(r"^USER keypick", runtime, re.M), "the runtime runs as a non-root user"
    assert "HEALTHCHECK" in runtime and "/health" in runtime
    assert 'CMD ["keypick", "serve"]' in runtime
    assert "chromium" in text.split("AS browser", 1)[1]
    for copied in re.findall(r"^COPY (?!--from)(\S+)", text, re.M):
        assert (ROOT / copied).exists(), copied


def test_compose() -> None:
    compose: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"api", "worker", "postgres", "redis", "gateway"} <= set(services)
    assert services["gateway"]["profiles"] == ["gateway"]
    for name in ("api", "worker"):
        assert _keypick_command_exists(" ".join(services[name]["command"]))
        assert services[name]["build"]["target"] in ("runtime", "browser")
    assert "./deploy/cloudflare:/gateway" in services["gateway"]["volumes"]


def test_workflows_are_valid_and_run_existing_things() -> None:
    files = sorted((ROOT / ".github/workflows").glob("*.yml"))
    assert {f.name for f in files} == {"ci.yml", "fly-deploy.yml", "cloudflare-deploy.yml"}
    result = subprocess.run([BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *map(str, files)],
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    ci = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text())
    steps = [s.get("run", "") for s in ci["jobs"]["test"]["steps"]]
    readme_test = _readme_commands()[1]
    assert any(readme_test.split()[-1] in step for step in steps), "ci.yml runs the README's test command"
    fly = (ROOT / ".github/workflows/fly-deploy.yml").read_text()
    assert "FLY_API_TOKEN" in fly and "--config fly.toml" in fly
    cloudflare = yaml.safe_load((ROOT / ".github/workflows/cloudflare-deploy.yml").read_text())
    workdir = cloudflare["jobs"]["deploy"]["defaults"]["run"]["working-directory"]
    assert (ROOT / workdir).is_dir() and (ROOT / workdir / "package-lock.json").is_file()
    text = (ROOT / ".github/workflows/cloudflare-deploy.yml").read_text()
    assert "CLOUDFLARE_API_TOKEN" in text and "CLOUDFLARE_ACCOUNT_ID" in text
    assert "__KV_CACHE_ID_PRODUCTION__" in (ROOT / workdir / "wrangler.toml").read_text()


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    block = re.search(r"## Quick start.*?```bash\n(.*?)```", text, re.S)
    assert block
    return [line for line in block.group(1).splitlines() if line.strip()]


@pytest.mark.parametrize("script", sorted(p.name for p in (ROOT / "deploy/scripts").glob("*.sh")))
def test_deploy_scripts_are_shellcheck_clean(script: str) -> None:
    path = ROOT / "deploy/scripts" / script
    assert path.stat().st_mode & 0o111, f"{script} is executable"
    result = subprocess.run([BIN / "shellcheck", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_readme_commands_exist() -> None:
    first, second = _readme_commands()
    for command in (first, second):
        script = next(w for w in shlex.split(command) if w.startswith("./scripts/"))
        assert (ROOT / script).is_file()
    ci = (ROOT / ".ci/run").read_text()
    assert second in ci, ".ci/run runs the README's test command verbatim"


@pytest.mark.parametrize("guide", ["DEPLOY_GUIDE.md", "docs/deployment.md"])
def test_deploy_guides_name_only_things_that_exist(guide: str) -> None:
    text = (ROOT / guide).read_text()
    paths = set(re.findall(r"(?<![\w/.-])((?:deploy|docs|scripts|\.github/workflows|src)/[\w./-]+\w)", text))
    paths |= {p for p in re.findall(r"`([\w.-]+\.(?:toml|yml|md))`", text)}
    assert paths, "the guide names files"
    for path in sorted(paths):
        assert (ROOT / path).exists(), f"{guide} names {path}, which does not exist"
    for command in re.findall(r"\bkeypick (\w+)", text):
        if command in ("serve", "worker", "doctor", "crawl", "accounts", "tasks", "db", "sandbox", "mcp"):
            assert command in _cli_commands(), f"{guide}: keypick {command} is not a command"
    wrangler = (ROOT / "deploy/cloudflare/wrangler.toml").read_text()
    for name in ("keypick-crawler-queue", "keypick-crawler-dlq", "CACHE", "__KV_CACHE_ID_PRODUCTION__"):
        if name in text:
            assert name in wrangler, f"{guide} names {name}; wrangler.toml does not"
    for secret in ("KEYPICK_API_KEYS", "INTERNAL_KEY", "KEYPICK_SECRET_KEY", "DATABASE_URL", "KEYPICK_PUBLIC_URL"):
        assert secret in (ROOT / ".env.example").read_text()
