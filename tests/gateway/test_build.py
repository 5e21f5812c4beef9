"""The Worker's own checks (tsc + vitest unit tests) and the production build, run by the project's test command."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.gateway.conftest import GATEWAY_DIR, WRANGLER, comment_out_queues, node_env, require_node_toolchain

pytestmark = pytest.mark.slow  # starts wrangler (workerd) processes


def _run(command: list[str], tmp: Path, cwd: Path = GATEWAY_DIR) -> subprocess.CompletedProcess[str]:
    env = node_env(tmp) | {"npm_config_update_notifier": "false", "npm_config_fund": "false"}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_typecheck_and_unit_tests(tmp_path: Path) -> None:
    require_node_toolchain()
    result = _run(["npm", "test"], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Test Files" in result.stdout and "failed" not in result.stdout


def test_production_build_dry_run(tmp_path: Path) -> None:
    require_node_toolchain()
    out = tmp_path / "dist"
    result = _run([str(WRANGLER), "deploy", "--dry-run", "--env", "production", "--outdir", str(out)], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (out / "index.js").stat().st_size > 10_000
    bindings = ("env.CACHE (__KV_CACHE_ID_PRODUCTION__)", "env.CRAWLER_QUEUE (keypick-crawler-queue)",
                "env.RATE_LIMITER", "env.AUTH_FAILURES", 'env.BACKEND_URL ("https://keypick.fly.dev")')  # fmt: skip
    for binding in bindings:
        assert binding in result.stdout, result.stdout


def test_free_plan_build_without_queues(tmp_path: Path) -> None:
    require_node_toolchain()
    text = comment_out_queues((GATEWAY_DIR / "wrangler.toml").read_text())
    config = tmp_path / "wrangler.toml"
    config.write_text(text.replace('main = "src/index.ts"', f'main = "{GATEWAY_DIR / "src/index.ts"}"', 1))
    out = tmp_path / "dist"
    command = ["deploy", "--dry-run", "--config", str(config), "--env", "production", "--outdir", str(out)]
    result = _run([str(WRANGLER), *command], tmp_path, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "CRAWLER_QUEUE" not in result.stdout and "env.CACHE" in result.stdout
