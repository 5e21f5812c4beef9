"""deploy/scripts: shellcheck-clean, only known commands, and monitor.sh run against a live KeyPick."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import ServerThread
from tests.deploy.commands import ROOT, flyctl_problem, invocations, keypick_runs, wrangler_problem
from tests.deploy.conftest import API_KEY

BIN = Path(sys.executable).parent
SCRIPTS = sorted((ROOT / "deploy/scripts").glob("*.sh"))


def _env(**extra: str) -> dict[str, str]:
    # No flyctl or wrangler on this PATH: the scripts must say so instead of failing obscurely.
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}/usr/bin{os.pathsep}/bin", **extra}


def test_the_three_scripts_exist() -> None:
    assert [p.name for p in SCRIPTS] == ["deploy.sh", "monitor.sh", "rollback.sh"]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_shellcheck_clean_and_executable(script: Path) -> None:
    assert script.stat().st_mode & 0o111, f"{script.name} is executable"
    result = subprocess.run([BIN / "shellcheck", "--severity=style", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_scripts_call_only_existing_commands(script: Path) -> None:
    text = script.read_text()
    for words in invocations(text, "flyctl"):
        assert flyctl_problem(words) is None, flyctl_problem(words)
    for words in invocations(text, "wrangler"):
        assert wrangler_problem(words) is None, wrangler_problem(words)
    for words in invocations(text, "keypick"):
        assert keypick_runs(" ".join(["keypick", *words])), words
    assert "deploy/cloudflare" not in text or (ROOT / "deploy/cloudflare/wrangler.toml").is_file()


def test_deploy_script_refuses_unknown_options_and_missing_tools() -> None:
    deploy = str(ROOT / "deploy/scripts/deploy.sh")
    bad = subprocess.run([deploy, "--everything"], env=_env(), capture_output=True, text=True, timeout=30)
    assert bad.returncode != 0 and "unknown option --everything" in bad.stderr
    no_fly = subprocess.run([deploy, "--fly-only"], env=_env(), capture_output=True, text=True, timeout=30)
    assert no_fly.returncode != 0 and "flyctl is not installed" in no_fly.stderr


def test_rollback_script_refuses_unknown_targets() -> None:
    result = subprocess.run([str(ROOT / "deploy/scripts/rollback.sh"), "everything"], env=_env(),
                            capture_output=True, text=True, timeout=30)  # fmt: skip
    assert result.returncode != 0 and "use fly, cloudflare or all" in result.stderr


def test_monitor_reports_health_tasks_and_metrics_of_a_live_backend(live_app: ServerThread) -> None:
    created = httpx.post(f"{live_app.url}/api/crawl/", headers={"X-API-Key": API_KEY},
                         json={"platform": "weibo", "keywords": ["咖啡"]})  # fmt: skip
    task_id = created.json()["task_id"]
    result = subprocess.run([str(ROOT / "deploy/scripts/monitor.sh")], capture_output=True, text=True, timeout=60,
                            env=_env(BACKEND_URL=live_app.url, KEYPICK_API_KEY=API_KEY))  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("backend /health") and " 200 " in line for line in lines), result.stdout
    assert any(line.startswith("backend /ready") and " 200 " in line for line in lines), result.stdout
    # No workers in this app: the task waits, and both the metrics and the task list say so.
    assert '  keypick_tasks{status="pending"} 1.0' in lines, result.stdout
    assert "  keypick_queue_depth 1.0" in lines, result.stdout
    assert any(line.split()[:3] == [task_id, "pending", "weibo"] for line in lines), result.stdout
