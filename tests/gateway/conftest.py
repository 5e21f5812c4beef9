"""The edge gateway under `wrangler dev` (workerd, local KV, Queues and rate limits) in front of the real backend.

Each gateway is a `wrangler dev --local` process group on a free loopback port, run from a temporary copy
of deploy/cloudflare/wrangler.toml (the copy only points `main` at the real src/index.ts, or drops the
queue sections as the free plan does). The backend is KeyPick itself (uvicorn with workers, SQLite in a
temporary directory) crawling the sandbox replay server. Wrangler runs with telemetry, the update check
and the cf.json download off, and without any Cloudflare credentials: it never needs the network.

Without node, npm or deploy/cloudflare/node_modules these tests skip on a laptop and FAIL under
KEYPICK_REQUIRE_SERVICES=1 (CI), like the PostgreSQL tests.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from keypick.api.app import create_app
from keypick.config import Settings
from tests.conftest import ServerThread, free_port

ROOT = Path(__file__).resolve().parents[2]
GATEWAY_DIR = ROOT / "deploy/cloudflare"
WRANGLER = GATEWAY_DIR / "node_modules/.bin/wrangler"
GATEWAY_KEY = "gateway-test-key"
RATE_KEY = "gateway-rate-key"  #: used up by the rate-limit test
OTHER_KEY = "gateway-other-key"
INTERNAL_KEY = "gateway-internal-secret"
#: Known to the backend only: requests through the gateway succeed by X-Internal-Key, never by this.
BACKEND_ONLY_KEY = "backend-only-key"
FAST = {"min_interval": 0.0, "jitter": 0.0, "backoff_base": 0.05, "backoff_max": 0.2, "max_retries": 2}
PLATFORMS = ("xiaohongshu", "douyin", "kuaishou", "bilibili", "weibo", "tieba", "zhihu")


def require_node_toolchain() -> None:
    """Skip (laptop) or fail (KEYPICK_REQUIRE_SERVICES=1) when node, npm or the npm packages are missing."""
    missing = [name for name in ("node", "npm") if shutil.which(name) is None]
    if not WRANGLER.exists():
        missing.append("deploy/cloudflare/node_modules (run: cd deploy/cloudflare && npm ci)")
    if not missing:
        return
    message = "the gateway tests need " + ", ".join(missing)
    if os.environ.get("KEYPICK_REQUIRE_SERVICES") == "1":
        pytest.fail(message + " and KEYPICK_REQUIRE_SERVICES=1", pytrace=False)
    pytest.skip(message)


def node_env(tmp: Path) -> dict[str, str]:
    """The environment of wrangler and npm: no telemetry, no update check, no credentials, state in `tmp`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOUDFLARE_", "CF_", "WRANGLER_"))}
    env.update({
        "WRANGLER_SEND_METRICS": "false",
        "WRANGLER_HIDE_BANNER": "true",  # the banner is what runs the npm update check
        "CLOUDFLARE_CF_FETCH_ENABLED": "false",  # no download of workers.cloudflare.com/cf.json
        "WRANGLER_LOG_PATH": str(tmp / "wrangler-logs"),
        "XDG_CONFIG_HOME": str(tmp / "config"),  # never a login from the machine's wrangler config
        "CI": "1",
        "NO_COLOR": "1",
    })  # fmt: skip
    return env


def wrangler_config(tmp: Path, *, queues: bool = True) -> Path:
    """A copy of wrangler.toml whose `main` is the real entry point; without queues, as on the free plan."""
    text = (GATEWAY_DIR / "wrangler.toml").read_text()
    text = re.sub(r'^main = ".*"$', f'main = "{GATEWAY_DIR / "src/index.ts"}"', text, count=1, flags=re.M)
    if not queues:
        text = comment_out_queues(text)
    path = tmp / "wrangler.toml"
    path.write_text(text)
    return path


def comment_out_queues(text: str) -> str:
    """Comment out every [[env.*.queues.*]] section, as DEPLOY_GUIDE.md tells free-plan users to."""
    out: list[str] = []
    inside = False
    for line in text.splitlines():
        if line.startswith("["):
            inside = ".queues." in line
        out.append(f"# {line}" if inside and line.strip() else line)
    return "\n".join(out) + "\n"


class Gateway:
    """One `wrangler dev --local` process group; its log is kept and shown when it fails to start."""

    def __init__(self, config: Path, tmp: Path, variables: dict[str, str], env: str = "development") -> None:
        self.port = free_port()
        self.tmp = tmp
        self.log_path = tmp / "wrangler.log"
        command = [str(WRANGLER), "dev", "--config", str(config), "--env", env, "--local", "--ip", "127.0.0.1",
                   "--port", str(self.port), "--inspector-port", "0", "--persist-to", str(tmp / "state"),
                   "--show-interactive-dev-session=false",
                   "--test-scheduled"]  # fmt: skip  # GET /__scheduled runs the cron handler
        for name, value in variables.items():
            command += ["--var", f"{name}:{value}"]
        self.command = command

    @property
    def url(self) -> str:
        """Base URL of the gateway."""
        return f"http://127.0.0.1:{self.port}"

    def logs(self) -> str:
        """Everything wrangler and workerd printed so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def start(self, timeout: float = 90) -> Gateway:
        """Start wrangler and wait until the Worker answers /health at the edge."""
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(self.command, cwd=self.tmp, env=node_env(self.tmp), stdout=log,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        start_new_session=True)  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"wrangler dev exited with {self.process.returncode}:\n{self.logs()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"wrangler dev did not answer /health within {timeout:.0f} s:\n{self.logs()}")

    def stop(self) -> None:
        """Stop the whole process group (wrangler, esbuild, workerd): TERM, then KILL."""
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        # workerd may outlive wrangler by a moment; it is in the same group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)


def backend_settings(data_dir: Path, sandbox_url: str) -> Settings:
    """Settings of the real backend: SQLite in `data_dir`, the sandbox as every platform, fast politeness."""
    values: dict[str, Any] = {"data_dir": data_dir, "task_lease_seconds": 15.0, "sandbox_url": sandbox_url,
                              "internal_key": INTERNAL_KEY, "api_keys_raw": BACKEND_ONLY_KEY,
                              "database_url": "", "redis_url": ""}  # fmt: skip
    values.update({p: FAST for p in PLATFORMS})
    # No .env from wherever pytest was started.
    return Settings(_env_file=None, **values)


class Stack:
    """A running backend and a gateway in front of it."""

    def __init__(self, backend: ServerThread, gateway: Gateway) -> None:
        self.backend = backend
        self.gateway = gateway
        self.http = httpx.Client(base_url=gateway.url, timeout=30)

    def get(self, path: str, key: str | None = GATEWAY_KEY, **kwargs: Any) -> httpx.Response:
        """GET through the gateway with the test key (or none)."""
        headers = {"X-API-Key": key} if key else {}
        return self.http.get(path, headers=headers | kwargs.pop("headers", {}), **kwargs)

    def post(self, path: str, key: str | None = GATEWAY_KEY, **kwargs: Any) -> httpx.Response:
        """POST through the gateway with the test key (or none)."""
        headers = {"X-API-Key": key} if key else {}
        return self.http.post(path, headers=headers | kwargs.pop("headers", {}), **kwargs)

    def wait_status(self, task_id: str, timeout: float = 90, interval: float = 0.25) -> dict[str, Any]:
        """Poll the status through the gateway until the task has ended; the last status document."""
        deadline = time.monotonic() + timeout
        while True:
            response = self.get(f"/api/crawl/status/{task_id}")
            assert response.status_code == 200, response.text
            body: dict[str, Any] = response.json()
            if body["status"] not in ("pending", "running") or time.monotonic() > deadline:
                return body
            time.sleep(interval)


def gateway_vars(backend_url: str, **extra: str) -> dict[str, str]:
    """The variables and secrets a gateway is started with (.dev.vars / wrangler secret put in real use)."""
    return {"BACKEND_URL": backend_url, "KEYPICK_API_KEYS": f"{GATEWAY_KEY},{RATE_KEY},{OTHER_KEY}",
            "INTERNAL_KEY": INTERNAL_KEY} | extra  # fmt: skip


def start_stack(sandbox_url: str, *, queues: bool = True, backend_path: str = "", **extra: str) -> Iterator[Stack]:
    """Start the backend, then the gateway; stop both (and show the gateway's log if a test failed)."""
    require_node_toolchain()
    with tempfile.TemporaryDirectory(prefix="keypick-gateway-") as name:
        tmp = Path(name)
        app = create_app(backend_settings(tmp / "data", sandbox_url), workers=2)
        with ServerThread(app) as backend:
            gateway = Gateway(wrangler_config(tmp, queues=queues), tmp,
                              gateway_vars(backend.url + backend_path, **extra))  # fmt: skip
            gateway.start()
            stack = Stack(backend, gateway)
            try:
                yield stack
            finally:
                stack.http.close()
                gateway.stop()
                # Shown with a failing test: what the Worker logged, without the request lines.
                events = [line for line in gateway.logs().splitlines() if not line.startswith("[wrangler:info] ")]
                print(f"--- wrangler dev log ({gateway.url}) ---", *events[-200:], sep="\n")


@pytest.fixture(scope="module")
def stack(sandbox_server: ServerThread) -> Iterator[Stack]:
    """Backend + gateway with the crawler queue bound (env.development as in wrangler.toml)."""
    yield from start_stack(sandbox_server.url)
