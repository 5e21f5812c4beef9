"""Crawl overhead: wall time of a real crawl of the sandbox against the politeness floor of its requests.

Starts the sandbox replay server in a subprocess on a free loopback port with a fixed latency fault,
creates a Weibo task with `tasks.service.create` and runs it with the real `TaskRunner` on a SQLite
file in a temporary directory (as `keypick crawl` does). Every platform request the crawl makes is
counted from the sandbox's `GET /_sandbox/requests` log. With concurrency 1, request starts are at
least `max(min_interval, latency)` apart and the last one takes `latency`, so

    floor = (N - 1) * max(min_interval, latency) + latency        ratio = wall / floor (target <= 1.10)

Run from the repo root: `.venv/bin/python bench/crawl_overhead.py [--json]`.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from keypick import migrate
from keypick.api.runtime import Runtime
from keypick.config import Politeness, Settings
from keypick.crawler.engine import TaskRunner
from keypick.platforms.base import PlatformAdapter
from keypick.tasks import service as task_service
from keypick.tasks.schemas import CrawlRequest

TARGET = 1.10
KEYWORDS = (
    "咖啡", "奶茶", "火锅", "旅行", "电影", "音乐", "读书", "跑步", "摄影", "猫咪",
    "手机", "相机", "露营", "滑雪", "烘焙", "篮球", "足球", "围棋", "汉服", "茶叶",
)  # fmt: skip


def free_port() -> int:
    """Return a free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def sandbox_process(latency_ms: int, pages: int) -> Iterator[str]:
    """Run the sandbox in a child process (its own interpreter, so no GIL sharing); yield its URL."""
    port = free_port()
    code = (
        "from keypick.sandbox.main import run_sandbox; "
        f"run_sandbox(port={port}, faults=['latency:{latency_ms}'], pages={pages}, log_level='warning')"
    )
    proc = subprocess.Popen([sys.executable, "-c", code])
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the sandbox did not start")
            try:
                if httpx.get(f"{url}/_sandbox/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def crawl(args: argparse.Namespace, sandbox_url: str, data_dir: Path) -> dict[str, Any]:
    """Crawl the sandbox once through the real engine; return timings and counters."""
    polite = Politeness(min_interval=args.min_interval, jitter=0.0, concurrency=1, max_retries=0, daily_budget=0)
    settings = Settings(
        _env_file=None, data_dir=data_dir, database_url=f"sqlite:///{data_dir / 'keypick.db'}",
        sandbox_url=sandbox_url, weibo=polite,
    )  # fmt: skip
    runtime = Runtime.build(settings)
    await migrate.upgrade(runtime.engine)
    starts: list[float] = []
    ends: list[float] = []

    async def on_request(_request: httpx.Request) -> None:
        starts.append(time.perf_counter())

    async def on_response(_response: httpx.Response) -> None:
        ends.append(time.perf_counter())

    def adapter_factory(platform: str, cookie: str | None) -> PlatformAdapter:
        adapter = runtime.adapter(platform, cookie)
        client: httpx.AsyncClient = adapter.http.client  # type: ignore[attr-defined]
        client.event_hooks = {"request": [on_request], "response": [on_response]}
        return adapter

    request = CrawlRequest(
        platform="weibo", keywords=list(KEYWORDS[: args.keywords]), max_results=args.max_results,
        include_comments=False, crawl_author_details=False,
    )  # fmt: skip
    async with httpx.AsyncClient(base_url=sandbox_url) as control:
        await control.delete("/_sandbox/requests")
        async with runtime.sessions() as session:
            task, _ = await task_service.create(session, request=request, idempotency_key=None)
            task = await task_service.claim_next_by_id(session, task_id=task.id, owner="bench", lease=3600)
        runner = TaskRunner(sessions=runtime.sessions, adapter_factory=adapter_factory, owner="bench", lease=3600,
                            accounts=runtime.account_pool())  # fmt: skip
        t0 = time.perf_counter()
        status = await runner.run(task.id)
        wall = time.perf_counter() - t0
        log = (await control.get("/_sandbox/requests")).json()["requests"]
    async with runtime.sessions() as session:
        units = await task_service.units(session, task_id=task.id)
        hits = await task_service.hit_count(session, task_id=task.id)
    await runtime.aclose()
    kinds = Counter("detail" if e["path"].startswith("/m.weibo.cn/detail/") else e["path"] for e in log)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    # Response of request i to the start of request i+1: engine and database work, plus any politeness wait.
    idle = [b - a for a, b in zip(ends, starts[1:], strict=False)]
    durations = [b - a for a, b in zip(starts, ends, strict=False)]
    return {
        "status": str(status), "wall": wall, "requests": len(log), "client_requests": len(starts),
        "by_path": dict(kinds), "statuses": dict(Counter(str(e["status"]) for e in log)),
        "pages_fetched": [u.pages_fetched for u in units],
        "stop_reasons": dict(Counter(str(u.stop_reason) for u in units)),
        "hits": hits, "lead": starts[0] - t0 if starts else 0.0, "tail": t0 + wall - ends[-1] if ends else 0.0,
        "mean_gap": _mean(gaps), "max_gap": max(gaps, default=0.0), "mean_idle": _mean(idle),
        "max_idle": max(idle, default=0.0), "mean_request": _mean(durations),
    }  # fmt: skip


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def report(args: argparse.Namespace, result: dict[str, Any]) -> dict[str, Any]:
    """Add the floor and the ratio to a crawl result."""
    latency = args.latency_ms / 1000
    n = result["requests"]
    floor = (n - 1) * max(args.min_interval, latency) + latency if n else 0.0
    pages = result["pages_fetched"]
    return {
        **result, "keywords": args.keywords, "max_results": args.max_results, "min_interval": args.min_interval,
        "latency": latency, "floor": floor, "ratio": result["wall"] / floor if floor else float("inf"),
        "target": TARGET, "pages_total": sum(pages), "pages_min": min(pages), "pages_max": max(pages),
    }  # fmt: skip


def markdown(r: dict[str, Any]) -> str:
    """Return the header and one markdown table row for a report."""
    head = (
        "| keywords × pages | requests (search + detail) | min_interval / latency | floor (s) | wall (s) "
        "| ratio | target | met |\n|---|---|---|---|---|---|---|---|"
    )
    search = r["by_path"].get("/m.weibo.cn/api/container/getIndex", 0)
    row = (
        f"| {r['keywords']} × {r['pages_min']}"
        + (f"–{r['pages_max']}" if r["pages_max"] != r["pages_min"] else "")
        + f" | {r['requests']} ({search} + {r['by_path'].get('detail', 0)}) | {r['min_interval']:g} s / "
        f"{r['latency'] * 1000:g} ms | {r['floor']:.2f} | {r['wall']:.2f} | {r['ratio']:.3f} | ≤ {r['target']:.2f} "
        f"| {'yes' if r['ratio'] <= r['target'] else 'NO'} |"
    )
    return f"{head}\n{row}"


def main() -> int:
    """Parse options, run the benchmark, print the result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--keywords", type=int, default=20, choices=range(1, len(KEYWORDS) + 1), metavar="1..20")
    parser.add_argument("--max-results", type=int, default=52, help="per keyword; 52 = exactly 5 sandbox pages")
    parser.add_argument("--pages", type=int, default=5, help="search pages the sandbox serves per keyword")
    parser.add_argument("--min-interval", type=float, default=0.2, help="seconds between request starts")
    parser.add_argument("--latency-ms", type=int, default=50, help="sandbox latency fault, milliseconds")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    args = parser.parse_args()
    os.environ.pop("KEYPICK_SANDBOX_URL", None)
    with sandbox_process(args.latency_ms, args.pages) as url, tempfile.TemporaryDirectory() as tmp:
        result = report(args, asyncio.run(crawl(args, url, Path(tmp))))
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(markdown(result))
    print(
        f"\nstatus {result['status']}; pages_fetched per unit {result['pages_min']}..{result['pages_max']} "
        f"(total {result['pages_total']}); hits {result['hits']}; sandbox statuses {result['statuses']}; "
        f"requests seen by the client {result['client_requests']}\n"
        f"before the first request {result['lead'] * 1000:.0f} ms, after the last response "
        f"{result['tail'] * 1000:.0f} ms; request (client side) mean {result['mean_request'] * 1000:.1f} ms; "
        f"request start to next start mean {result['mean_gap'] * 1000:.1f} ms (max {result['max_gap'] * 1000:.1f}); "
        f"response to next request start mean {result['mean_idle'] * 1000:.1f} ms "
        f"(max {result['max_idle'] * 1000:.1f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
