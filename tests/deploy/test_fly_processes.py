"""fly.toml's two process groups, run as real processes with its commands, scraped on the metrics port.

Fly.io starts `app` and `worker` from the same image with the [processes] commands and scrapes each machine's
[metrics] port. This test does the same on loopback: the commands are read from fly.toml, both processes share
the real PostgreSQL and crawl the sandbox, and every metric family the deployment guide promises is read from
the metrics ports (not from the API's /metrics route), with the values this crawl must have produced.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import ServerThread, free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
KEY = "fly-test-key"
# The exporter refreshes task gauges every 15 s (src/keypick/api/metrics_server.py): wait a little longer.
GAUGE_WAIT = 25.0

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def _scrape(port: int) -> Samples:
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}  # fmt: skip


def _value(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


def _wait_for(port: int, ok: Callable[[Samples], bool], what: str, timeout: float = GAUGE_WAIT) -> Samples:
    deadline = time.monotonic() + timeout
    while True:
        try:
            samples = _scrape(port)
            if ok(samples):
                return samples
        except httpx.TransportError:
            samples = {}
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not seen on :{port}/metrics within {timeout} s")
        time.sleep(0.5)


@contextmanager
def _process(command: str, env: dict[str, str], cwd: Path) -> Iterator[subprocess.Popen[bytes]]:
    words = shlex.split(command)
    # The image puts /opt/keypick/bin on PATH; here the same console script lives in the test's venv.
    proc = subprocess.Popen([str(BIN / words[0]), *words[1:]], env=env, cwd=cwd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()


def _fly_env(fly: dict[str, Any], *, database_url: str, sandbox_url: str, data_dir: Path) -> dict[str, str]:
    """fly.toml's [env] with what a test must change: loopback ports, a temp data dir, the sandbox, secrets."""
    env = {**os.environ, **fly["env"]}
    fast = {"MIN_INTERVAL": "0", "JITTER": "0", "BACKOFF_BASE": "0.05", "BACKOFF_MAX": "0.2", "MAX_RETRIES": "2"}
    env.update({f"KEYPICK_WEIBO__{knob}": value for knob, value in fast.items()})
    env.update(
        # development binds the API and the exporter to loopback (production would bind 0.0.0.0).
        ENVIRONMENT="development",
        HOST="127.0.0.1",
        KEYPICK_DATA_DIR=str(data_dir),
        DATABASE_URL=database_url,
        KEYPICK_SANDBOX_URL=sandbox_url,
        KEYPICK_API_KEYS=KEY,
        KEYPICK_SECRET_KEY="fly-process-test-secret",
    )
    return env


def _alive(proc: subprocess.Popen[bytes], name: str) -> None:
    if proc.poll() is not None:
        stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise AssertionError(f"{name} exited with {proc.returncode}:\n{stderr[-3000:]}")


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_app_and_worker_groups_serve_every_metric_family(
    database_url: str, sandbox: ServerThread, tmp_path: Path
) -> None:
    fly = tomllib.loads((ROOT / "fly.toml").read_text())
    assert fly["metrics"]["path"] == "/metrics"
    env = _fly_env(fly, database_url=database_url, sandbox_url=sandbox.url, data_dir=tmp_path / "data")
    api_port, api_metrics, worker_metrics = free_port(), free_port(), free_port()
    headers = {"X-API-Key": KEY}

    with _process(fly["processes"]["app"], {**env, "PORT": str(api_port), "KEYPICK_METRICS_PORT": str(api_metrics)},
                  tmp_path) as app:  # fmt: skip
        base = f"http://127.0.0.1:{api_port}"
        deadline = time.monotonic() + 60
        while True:
            _alive(app, "the app process")
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the app process did not answer /health"
            time.sleep(0.2)

        crawl = {"platform": "weibo", "keywords": ["咖啡"], "max_results": 12}
        first = httpx.post(f"{base}/api/crawl/", json=crawl, headers=headers).json()["task_id"]
        # The app group runs no workers (--workers 0): the task waits in the queue until a worker exists.
        queued = _wait_for(api_metrics, lambda s: _value(s, "keypick_queue_depth") == 1, "queue depth 1")
        assert _value(queued, "keypick_tasks", status="pending") == 1

        with _process(fly["processes"]["worker"], {**env, "KEYPICK_METRICS_PORT": str(worker_metrics)},
                      tmp_path) as worker:  # fmt: skip

            def wait_done(task_id: str) -> str:
                deadline = time.monotonic() + 60
                while True:
                    _alive(worker, "the worker process")
                    status: str = httpx.get(f"{base}/api/crawl/status/{task_id}", headers=headers).json()["status"]
                    if status not in ("pending", "running") or time.monotonic() > deadline:
                        return status
                    time.sleep(0.2)

            assert wait_done(first) == "completed"
            httpx.post(f"{sandbox.url}/_sandbox/faults", json=["http_432"])
            blocked = httpx.post(f"{base}/api/crawl/", json={**crawl, "keywords": ["抹茶"]}, headers=headers)
            assert wait_done(blocked.json()["task_id"]) == "failed"

            def ended(s: Samples) -> bool:
                return (_value(s, "keypick_tasks", status="completed"), _value(s, "keypick_tasks", status="failed")) \
                    == (1, 1)  # fmt: skip

            worker_samples = _wait_for(worker_metrics, ended, "the worker's task gauges")
            _alive(worker, "the worker process")
        app_samples = _wait_for(api_metrics, ended, "the app's task gauges")
        _alive(app, "the app process")

    # The worker crawled: its exporter has the platform outcomes (including the risk answer) and ingested items.
    assert _value(worker_samples, "keypick_items_ingested_total", platform="weibo", kind="post") == 12
    ok = _value(worker_samples, "keypick_platform_requests_total", platform="weibo", outcome="ok")
    assert ok is not None and ok >= 2, ok
    assert _value(worker_samples, "keypick_platform_requests_total", platform="weibo", outcome="risk_control") == 1
    assert _value(worker_samples, "keypick_queue_depth") == 0
    # The app served the API: requests by route template, and the same task gauges read from the shared database.
    assert (_value(app_samples, "keypick_http_requests_total", method="POST", route="/api/crawl/", status="202")
            == 2)  # fmt: skip
    polled = _value(app_samples, "keypick_http_requests_total", method="GET", route="/api/crawl/status/{task_id}",
                    status="200")  # fmt: skip
    assert polled is not None and polled >= 2
    assert _value(app_samples, "keypick_http_request_seconds_count", route="/api/crawl/") == 2
    assert _value(app_samples, "keypick_queue_depth") == 0
    assert _value(app_samples, "keypick_tasks", status="running") == 0
    # The app process never fetched from a platform.
    assert _value(app_samples, "keypick_platform_requests_total", platform="weibo", outcome="ok") is None
