"""`keypick serve` as a real process: production refuses to start without API keys (or to keep cookies
in plain text); development without keys listens on loopback only and says so loudly."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from tests.conftest import free_port

pytestmark = pytest.mark.slow


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KEYPICK_", "DATABASE_URL", "SUPABASE_DB_URL", "ENVIRONMENT", "HOST", "PORT"))
    }
    return keep | {"KEYPICK_DATA_DIR": str(tmp_path / "data"), "KEYPICK_WORKERS": "0"} | values  # fmt: skip


def _serve(env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "keypick", "serve"], env=env, cwd=cwd, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip


def _finish(proc: subprocess.Popen[str], timeout: float = 60) -> tuple[int, str]:
    out, _ = proc.communicate(timeout=timeout)
    return proc.returncode, out


def test_production_without_keys_refuses_to_start(tmp_path: Path) -> None:
    code, out = _finish(_serve(_env(tmp_path, ENVIRONMENT="production", PORT=str(free_port())), tmp_path))
    assert code == 2 and "needs KEYPICK_API_KEYS" in out and "refusing to start" in out


def test_development_beyond_loopback_without_keys_refuses(tmp_path: Path) -> None:
    code, out = _finish(_serve(_env(tmp_path, HOST="0.0.0.0", PORT=str(free_port())), tmp_path))
    assert code == 2 and "exposes an API without keys" in out


def test_production_with_env_cookies_but_no_secret_key_refuses(tmp_path: Path) -> None:
    env = _env(tmp_path, ENVIRONMENT="production", KEYPICK_API_KEYS="k", HOST="127.0.0.1", PORT=str(free_port()),
               KEYPICK_COOKIES_WB="SUB=plain-secret")  # fmt: skip
    code, out = _finish(_serve(env, tmp_path))
    assert code != 0 and "KEYPICK_SECRET_KEY" in out
    assert "plain-secret" not in out


def test_development_without_keys_binds_loopback_and_warns(tmp_path: Path) -> None:
    port = free_port()
    proc = _serve(_env(tmp_path, PORT=str(port)), tmp_path)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert proc.poll() is None, "server exited"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        listening = [c.laddr for c in psutil.Process(proc.pid).net_connections(kind="inet")
                     if c.status == psutil.CONN_LISTEN and c.laddr.port == port]  # fmt: skip
        assert listening and {addr.ip for addr in listening} == {"127.0.0.1"}, listening
        # Open access on loopback: no key needed there.
        assert httpx.get(f"http://127.0.0.1:{port}/api/crawl/tasks", timeout=5).status_code == 200
    finally:
        proc.terminate()
        _, out = _finish(proc)
    assert "NO API KEYS SET" in out and "loopback only" in out
    assert f"on http://127.0.0.1:{port}" in out


@pytest.mark.parametrize("which", ["api", "sandbox"])
def test_a_busy_port_is_one_clear_line(tmp_path: Path, which: str) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        api_port, sandbox_port = (busy, free_port()) if which == "api" else (free_port(), busy)
        proc = subprocess.Popen(
            [sys.executable, "-m", "keypick", "serve", "--sandbox", "--sandbox-port", str(sandbox_port)],
            env=_env(tmp_path, PORT=str(api_port)), cwd=tmp_path, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        code, out = _finish(proc)
    assert code == 2, out
    assert f"cannot listen on 127.0.0.1:{busy}" in out and "Traceback" not in out
    assert ("--sandbox-port" in out) == (which == "sandbox")
