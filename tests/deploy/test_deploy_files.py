"""fly.toml, the Dockerfile, .dockerignore and docker-compose.yml parse, hold the required keys, and run what exists."""

from __future__ import annotations

import fnmatch
import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import ServerThread, free_port
from tests.deploy.commands import ROOT, keypick_runs, wrangler_environments, wrangler_problem

BIN = Path(sys.executable).parent


def test_fly_toml() -> None:
    root = tomllib.loads((ROOT / "fly.toml").read_text())
    assert (ROOT / "fly.toml").read_text() == (ROOT / "deploy/fly/fly.toml").read_text(), "root copy = template"
    assert root["app"] == "keypick" and root["primary_region"] == "sin"
    assert set(root["processes"]) == {"app", "worker"}
    assert root["processes"]["app"].startswith("keypick serve") and "--workers 0" in root["processes"]["app"]
    assert root["processes"]["worker"].startswith("keypick worker")
    for command in [*root["processes"].values(), root["deploy"]["release_command"]]:
        assert keypick_runs(command), command
    assert root["env"]["PORT"] == "8080" and root["env"]["KEYPICK_METRICS_PORT"] == "9091"
    assert root["env"]["ENVIRONMENT"] == "production" and root["env"]["KEYPICK_DATA_DIR"] == "/data"
    [mount] = root["mounts"]
    assert (mount["source"], mount["destination"], mount["processes"]) == ("keypick_data", "/data", ["app"])
    service = root["http_service"]
    assert service["internal_port"] == 8080 and service["processes"] == ["app"]
    assert service["auto_stop_machines"] == "stop" and service["auto_start_machines"] is True
    assert 0 < service["concurrency"]["soft_limit"] < service["concurrency"]["hard_limit"]
    [check] = service["checks"]
    assert (check["method"], check["path"]) == ("GET", "/health")
    assert root["metrics"] == {"port": 9091, "path": "/metrics"}
    worker_check = root["checks"]["worker_metrics"]
    assert (worker_check["port"], worker_check["path"], worker_check["processes"]) == (9091, "/metrics", ["worker"])
    assert root["experimental"]["auto_rollback"] is True
    assert {vm["processes"][0] for vm in root["vm"]} == {"app", "worker"}
    assert (ROOT / root["build"]["dockerfile"]).is_file()
    assert root["build"]["build-target"] in _stages()


def _stages() -> dict[str, str]:
    """Each Dockerfile stage's name and text."""
    text = (ROOT / "Dockerfile").read_text()
    parts = re.split(r"^FROM ", text, flags=re.M)[1:]
    return {re.match(r"\S+ AS (\S+)", p).group(1): p for p in parts}  # type: ignore[union-attr]


def _last(stage: str, instruction: str, stages: dict[str, str]) -> str:
    """The last `instruction` line of a stage, following FROM <stage> parents."""
    text = stages[stage]
    found = re.findall(rf"^{instruction} (.+)$", text, re.M)
    if found:
        return str(found[-1])
    parent = text.split()[0]
    assert parent in stages, f"no {instruction} in {stage}"
    return _last(parent, instruction, stages)


def test_dockerfile_stages_user_and_command() -> None:
    stages = _stages()
    assert {"builder", "runtime", "browser"} <= set(stages)
    for target in ("runtime", "browser"):
        assert _last(target, "USER", stages) == "keypick", f"{target} runs as the non-root user"
        assert "HEALTHCHECK" in stages["runtime"]
        command = " ".join(yaml.safe_load(_last(target, "CMD", stages)))
        assert keypick_runs(command), command
    assert stages["runtime"].split()[0].startswith("python:"), "runtime starts from slim Python, not the builder"
    assert re.search(r"apt-get install .*chromium", stages["browser"])
    assert "KEYPICK_BROWSER_EXECUTABLE=/usr/bin/chromium" in stages["browser"]
    text = (ROOT / "Dockerfile").read_text()
    ignored = [line for line in (ROOT / ".dockerignore").read_text().splitlines() if line and line[0] != "#"]
    for copied in re.findall(r"^COPY (?!--from)(.+) \S+$", text, re.M):
        for source in copied.split():
            assert (ROOT / source).exists(), source
            assert not any(fnmatch.fnmatch(source, pattern) for pattern in ignored), f".dockerignore drops {source}"


def _healthcheck() -> str:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    match = re.search(r"^HEALTHCHECK .*?CMD (.+)$", text, re.M)
    assert match
    return match.group(1)


def test_dockerfile_healthcheck_passes_on_a_live_app_and_fails_without_one(live_app: ServerThread) -> None:
    # The shell form runs under /bin/sh in the image, with python on PATH and PORT from the environment.
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "PORT": str(live_app.port)}
    assert subprocess.run(["/bin/sh", "-c", _healthcheck()], env=env, timeout=10).returncode == 0
    env["PORT"] = str(free_port())
    result = subprocess.run(["/bin/sh", "-c", _healthcheck()], env=env, capture_output=True, timeout=10)
    assert result.returncode != 0


def test_compose_file() -> None:
    path = ROOT / "docker-compose.yml"
    schema = subprocess.run([BIN / "check-jsonschema", "--builtin-schema", "vendor.compose-spec", str(path)],
                            capture_output=True, text=True)  # fmt: skip
    assert schema.returncode == 0, schema.stdout + schema.stderr
    compose: dict[str, Any] = yaml.safe_load(path.read_text())
    services = compose["services"]
    assert {"api", "worker", "postgres", "redis", "gateway"} <= set(services)
    stages = _stages()
    for name in ("api", "worker"):
        assert keypick_runs(shlex.join(services[name]["command"]))
        assert services[name]["build"]["target"] in stages
        environment = services[name]["environment"]
        assert re.fullmatch(r"postgresql://\w+:\w+@postgres:5432/\w+", environment["DATABASE_URL"])
        assert environment["REDIS_URL"].startswith("redis://redis:6379")
    worker = services["worker"]
    assert str(worker["environment"]["KEYPICK_METRICS_PORT"]) in " ".join(worker["healthcheck"]["test"])
    assert services["postgres"]["healthcheck"]
    gateway = services["gateway"]
    assert gateway["profiles"] == ["gateway"]
    assert "./deploy/cloudflare:/gateway" in gateway["volumes"]
    script = gateway["command"][-1]
    assert "npm ci" in script and f"BACKEND_URL:http://api:{services['api']['environment']['PORT']}" in script
    words = shlex.split(script.split("exec npx wrangler ", 1)[1])
    assert words[words.index("--env") + 1] in wrangler_environments()
    assert wrangler_problem(words) is None


def test_readme_commands_exist() -> None:
    text = (ROOT / "README.md").read_text()
    block = re.search(r"## Quick start.*?```bash\n(.*?)```", text, re.S)
    assert block
    first, second = [line for line in block.group(1).splitlines() if line.strip()]
    for command in (first, second):
        script = next(w for w in shlex.split(command) if w.startswith("./scripts/"))
        assert (ROOT / script).is_file()
    assert second in (ROOT / ".ci/run").read_text(), ".ci/run runs the README's test command verbatim"
