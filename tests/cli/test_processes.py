"""The process commands for real: `keypick sandbox --port --fault`, an API process with `keypick worker`
processes doing the crawling (the split deployment), and `keypick doctor` against the real Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from keypick.cli.main import app
from tests.conftest import free_port

pytestmark = pytest.mark.slow
REDIS_URL = os.environ.get("KEYPICK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KEYPICK_", "DATABASE_URL", "ENVIRONMENT", "HOST", "PORT", "REDIS_URL"))
    }
    return keep | {"KEYPICK_DATA_DIR": str(tmp_path / "data")} | values  # fmt: skip


def _wait(url: str, proc: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"{what} exited with {proc.returncode}"
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError(f"{what} did not start")


class Processes:
    """Started `python -m keypick ...` processes, stopped at the end of the test."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self, *args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = (self.tmp_path / f"{args[0]}-{len(self.running)}.log").open("wb")
        proc = subprocess.Popen([sys.executable, "-m", "keypick", *args], env=env, cwd=self.tmp_path,
                                stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
        self.running.append(proc)
        return proc


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    started = Processes(tmp_path)
    yield started
    for proc in started.running:
        proc.terminate()
    for proc in started.running:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def test_sandbox_command_serves_with_faults(processes: Processes, tmp_path: Path) -> None:
    port = free_port()
    proc = processes.start("sandbox", "--port", str(port), "--fault", "http_432@after=1", "--pages", "2",
                           env=_env(tmp_path))  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    _wait(f"{url}/_sandbox/faults", proc, "sandbox")
    faults = httpx.get(f"{url}/_sandbox/faults").json()["faults"]
    assert faults == [{"fault": "http_432@after=1", "seen": 0, "injected": 0}]
    search = f"{url}/m.weibo.cn/api/container/getIndex"
    params = {"containerid": "100103type=1&q=咖啡", "page_type": "searchall", "page": "1"}
    headers = {"User-Agent": "Mozilla/5.0 test"}
    assert httpx.get(search, params=params, headers=headers).json()["ok"] == 1
    assert httpx.get(search, params=params, headers=headers).status_code == 432


def test_api_process_and_worker_processes_share_the_database(
    processes: Processes, tmp_path: Path, sandbox: Any, database_url: str
) -> None:
    port = free_port()
    env = _env(tmp_path, DATABASE_URL=database_url, KEYPICK_SANDBOX_URL=sandbox.url, PORT=str(port),
               KEYPICK_API_KEYS="k", KEYPICK_WEIBO__MIN_INTERVAL="0", KEYPICK_WEIBO__JITTER="0")  # fmt: skip
    api = processes.start("serve", "--workers", "0", env=env)
    url = f"http://127.0.0.1:{port}"
    _wait(f"{url}/health", api, "serve")
    headers = {"X-API-Key": "k"}
    created = httpx.post(f"{url}/api/crawl/", headers=headers,
                         json={"platform": "weibo", "keywords": ["咖啡", "抹茶"], "max_results": 15})  # fmt: skip
    task_id = created.json()["task_id"]
    time.sleep(1.0)
    assert httpx.get(f"{url}/api/crawl/status/{task_id}", headers=headers).json()["status"] == "pending"
    for _ in range(2):  # two worker processes: one task is claimed by exactly one of them
        processes.start("worker", "--concurrency", "1", env=env)
    deadline = time.monotonic() + 90
    status: dict[str, Any] = {}
    while time.monotonic() < deadline:
        status = httpx.get(f"{url}/api/crawl/status/{task_id}", headers=headers).json()
        if status["status"] not in ("pending", "running"):
            break
        time.sleep(0.2)
    assert status["status"] == "completed", status
    assert status["counts"]["posts"] == 30 and [u["new_items"] for u in status["units"]] == [15, 15]


runner = CliRunner()


def test_doctor_checks_the_real_redis(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KEYPICK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    found = runner.invoke(app, ["doctor"])
    redis_line = next(line for line in found.output.splitlines() if "redis" in line)
    if "reachable" not in redis_line and os.environ.get("KEYPICK_REQUIRE_SERVICES") != "1":
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    assert "ok" in redis_line and "reachable" in redis_line, found.output
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    broken = runner.invoke(app, ["doctor"])
    assert broken.exit_code == 1
    assert any("redis" in line and "fail" in line for line in broken.output.splitlines()), broken.output


def test_cancel_reaches_a_task_running_in_another_process(
    processes: Processes, tmp_path: Path, sandbox: Any, database_url: str
) -> None:
    httpx.post(f"{sandbox.url}/_sandbox/faults", json=["latency:250"])
    port = free_port()
    env = _env(tmp_path, DATABASE_URL=database_url, KEYPICK_SANDBOX_URL=sandbox.url, PORT=str(port),
               KEYPICK_API_KEYS="k", KEYPICK_WEIBO__MIN_INTERVAL="0", KEYPICK_WEIBO__JITTER="0",
               KEYPICK_TASK_LEASE_SECONDS="1.5")  # fmt: skip
    api = processes.start("serve", "--workers", "0", env=env)
    url, headers = f"http://127.0.0.1:{port}", {"X-API-Key": "k"}
    _wait(f"{url}/health", api, "serve")
    processes.start("worker", "--concurrency", "1", env=env)
    created = httpx.post(f"{url}/api/crawl/", headers=headers,
                         json={"platform": "weibo", "keywords": ["咖啡"], "max_results": 1000})  # fmt: skip
    task_id = created.json()["task_id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = httpx.get(f"{url}/api/crawl/status/{task_id}", headers=headers).json()
        if status["counts"]["posts"] > 0:
            break
        time.sleep(0.1)
    cancel = httpx.delete(f"{url}/api/crawl/task/{task_id}", headers=headers)
    assert cancel.status_code == 200 and cancel.json()["cancel_requested"] is True
    while time.monotonic() < deadline:
        status = httpx.get(f"{url}/api/crawl/status/{task_id}", headers=headers).json()
        if status["status"] not in ("pending", "running"):
            break
        time.sleep(0.1)
    # The worker process saw the request at its next heartbeat; what it had committed stays.
    assert status["status"] == "cancelled" and status["units"][0]["stop_reason"] == "cancelled", status
    assert 0 < status["counts"]["posts"] < 52
