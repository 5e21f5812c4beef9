"""The sandbox as a real HTTP server: `run_sandbox` under uvicorn on a loopback port."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from .conftest import HOTFLOW, SEARCH, hotflow_params, posts_of, search_params

LAUNCH = (
    "import sys; from keypick.sandbox.main import run_sandbox; "
    "run_sandbox('127.0.0.1', int(sys.argv[1]), ['timeout@path=/comments/hotflow', 'latency:20'], 2, "
    "log_level='warning')"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def server_url() -> Iterator[str]:
    """Start `run_sandbox` in a child process; stop it with SIGTERM afterwards."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-c", LAUNCH, str(port)], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{url}/_sandbox/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"sandbox did not start: {proc.stderr.read() if proc.stderr else b''!r}")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)  # a request held by `timeout` must not hold up shutdown
        finally:
            if proc.stderr:
                proc.stderr.close()


@pytest.mark.slow
async def test_real_http_search_detail_and_a_client_timeout(server_url: str) -> None:
    async with httpx.AsyncClient(base_url=server_url, timeout=5) as client:
        first = await client.get(SEARCH, params=search_params("咖啡"))
        assert first.status_code == 200 and first.json()["data"]["cardlistInfo"]["page"] == 2
        again = await client.get(SEARCH, params=search_params("咖啡"))
        assert again.content == first.content
        assert (await client.get(SEARCH, params=search_params("咖啡", 3))).json()["ok"] == 0  # pages=2
        post = posts_of(first.json())[0]
        detail = await client.get(f"/m.weibo.cn/detail/{post['id']}")
        assert "$render_data" in detail.text
        with pytest.raises(httpx.ReadTimeout):
            await client.get(HOTFLOW, params=hotflow_params(post["id"]), timeout=0.5)
        log = (await client.get("/_sandbox/requests")).json()["requests"]
        assert log[-1]["path"] == HOTFLOW and log[-1]["status"] in (None, 504)
        assert log[-1]["faults"] == ["timeout@path=/comments/hotflow", "latency:20"]
