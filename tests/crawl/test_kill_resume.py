"""kill -9 a real `keypick serve` process mid-crawl; the restarted process resumes from the checkpoint.

The final data is complete (max_results posts per keyword) and has no duplicate posts or hits.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import free_port

pytestmark = pytest.mark.slow


def _start(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("ab")
    return subprocess.Popen([sys.executable, "-m", "keypick", "serve"], env=env, stdout=handle, stderr=handle)


def _wait_ready(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"server not ready: {log.read_text()[-3000:]}")


def _rows(database_url: str, sql: str) -> list[Any]:
    # Read with a throwaway sync engine (aiosqlite/asyncpg are async-only, so use the stdlib / psql paths).
    if database_url.startswith("sqlite"):
        import sqlite3

        conn = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()
    import asyncio

    import asyncpg

    async def run() -> list[Any]:
        conn = await asyncpg.connect(database_url)
        try:
            return [tuple(r) for r in await conn.fetch(sql)]
        finally:
            await conn.close()

    return asyncio.run(run())


def test_kill_9_then_resume(sandbox: Any, database_url: str, tmp_path: Path) -> None:
    httpx.post(f"{sandbox.url}/_sandbox/faults", json=["latency:120"])
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEYPICK_", "DATABASE_URL"))}
    env.update({
        "DATABASE_URL": database_url, "KEYPICK_SANDBOX_URL": sandbox.url, "PORT": str(port),
        "KEYPICK_API_KEYS": "k", "HOST": "127.0.0.1", "KEYPICK_WORKERS": "1", "KEYPICK_TASK_LEASE_SECONDS": "2",
        "KEYPICK_WEIBO__MIN_INTERVAL": "0", "KEYPICK_WEIBO__JITTER": "0", "KEYPICK_DATA_DIR": str(tmp_path / "d"),
    })  # fmt: skip
    url, headers, log = f"http://127.0.0.1:{port}", {"X-API-Key": "k"}, tmp_path / "serve.log"
    proc = _start(env, log)
    try:
        _wait_ready(url, proc, log)
        created = httpx.post(f"{url}/api/crawl/", headers=headers, json={
            "platform": "weibo", "keywords": ["咖啡", "抹茶"], "max_results": 40, "include_comments": True,
            "max_comments_per_post": 5,
        }).json()  # fmt: skip
        task_id = created["task_id"]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            status = httpx.get(f"{url}/api/crawl/status/{task_id}", headers=headers).json()
            if status["counts"]["posts"] >= 12:
                break
            time.sleep(0.05)
        assert status["status"] == "running" and status["counts"]["posts"] < 80, status
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        killed_at = status["counts"]["posts"]

        proc = _start(env, log)
        _wait_ready(url, proc, log)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            status = httpx.get(f"{url}/api/crawl/status/{task_id}", headers=headers).json()
            if status["status"] not in ("pending", "running"):
                break
            time.sleep(0.1)
        assert status["status"] == "completed", status
        assert status["counts"]["posts"] == 80 and killed_at < 80
        assert [u["new_items"] for u in status["units"]] == [40, 40]
        events = _rows(database_url, f"SELECT kind FROM task_event WHERE task_id = '{task_id}' ORDER BY id")
        assert ("resumed",) in events, events
    finally:
        proc.kill()
        proc.wait(timeout=10)

    # No duplicate posts or hits, and every hit points at a stored post.
    assert _rows(database_url, "SELECT COUNT(*) FROM post")[0][0] == 80
    dupes = _rows(database_url, "SELECT platform_post_id, COUNT(*) FROM post GROUP BY platform, platform_post_id "
                                "HAVING COUNT(*) > 1")  # fmt: skip
    assert dupes == []
    hits = _rows(database_url, f"SELECT keyword, COUNT(*), COUNT(DISTINCT post_pk) FROM keyword_hit "
                               f"WHERE task_id = '{task_id}' GROUP BY keyword ORDER BY keyword")  # fmt: skip
    assert sorted(hits) == sorted([("咖啡", 40, 40), ("抹茶", 40, 40)])
    ranks = _rows(database_url, f"SELECT keyword, MIN(rank), MAX(rank) FROM keyword_hit WHERE task_id = '{task_id}' "
                                "GROUP BY keyword")  # fmt: skip
    assert all(r[1] == 1 and r[2] == 40 for r in ranks)
