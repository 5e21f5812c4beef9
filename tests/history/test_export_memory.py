"""Exporting 100,000 posts to Excel keeps memory flat, through the API and the CLI, on SQLite and PostgreSQL.

The posts start as a real sandbox crawl; the crawled rows are then repeated with varied ids, counts
and times (as the benchmarks do) and inserted in bulk, to reach 100,000. Peak memory is sampled from
the outside (psutil) on a real `keypick serve` process and on `keypick export` processes. The claim
checked is "no memory growth with size": while 100,000 rows are exported, resident memory after the
first 30% of the export time stays where it was during that first 30% (a buffered export would keep
climbing by hundreds of bytes per row, tens of megabytes here).
"""

from __future__ import annotations

import asyncio
import csv
import os
import subprocess
import sys
import threading
import time
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
from openpyxl import load_workbook
from sqlalchemy import insert, select

from keypick.api.runtime import Runtime
from keypick.content.models import PostRow
from keypick.migrate import upgrade
from tests.conftest import free_port

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
TOTAL = 100_000
#: Allowed rise of resident memory over the last 70% of an export: rows must not accumulate.
GROWTH_LIMIT = 25 * 1024 * 1024


class PeakRss:
    """Samples a process's resident memory every 10 ms in a thread."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.samples.append((time.monotonic(), self.process.memory_info().rss))
            except psutil.NoSuchProcess:
                return
            time.sleep(0.01)

    @property
    def peak(self) -> int:
        """The highest resident memory seen."""
        return max(rss for _, rss in self.samples)

    def growth(self) -> int:
        """How far the peak of the last 70% of the run rose above the peak of its first 30%."""
        start, end = self.samples[0][0], self.samples[-1][0]
        split = start + 0.3 * (end - start)
        early = max(rss for t, rss in self.samples if t <= split)
        return max(rss for _, rss in self.samples) - early

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _env(data_dir: Path, database_url: str, sandbox_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEYPICK_", "DATABASE_URL"))}
    return env | {"KEYPICK_DATA_DIR": str(data_dir), "DATABASE_URL": database_url, "KEYPICK_SANDBOX_URL": sandbox_url,
                  "KEYPICK_WEIBO__MIN_INTERVAL": "0", "KEYPICK_WEIBO__JITTER": "0",
                  "KEYPICK_LOG_LEVEL": "WARNING"}  # fmt: skip


def _keypick(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "keypick", *args], env=env, capture_output=True, text=True,
                          timeout=300, check=False)  # fmt: skip


async def _grow_to(database_url: str, data_dir: Path, total: int) -> None:
    """Repeat the crawled rows with varied ids, counts and times until the table holds `total` posts."""
    from keypick.config import Settings

    runtime = Runtime.build(Settings(database_url=database_url, data_dir=data_dir))
    try:
        await upgrade(runtime.engine)
        async with runtime.sessions() as session:
            crawled = list(await session.scalars(select(PostRow)))
            columns = [c.key for c in PostRow.__table__.columns if c.key not in ("pk", "search_vector")]
            seeds = [{c: getattr(row, c) for c in columns} for row in crawled]
            batch: list[dict[str, Any]] = []
            for n in range(total - len(seeds)):
                seed = seeds[n % len(seeds)]
                copy = dict(seed)
                copy["platform_post_id"] = f"{seed['platform_post_id']}{n:07d}"
                copy["likes"] = (seed["likes"] or 0) + n % 997
                copy["publish_time"] = (seed["publish_time"] or seed["first_seen_at"]) - timedelta(minutes=n)
                copy["raw"] = None  # the platform payload is never exported; copies would only bloat the file
                batch.append(copy)
                if len(batch) == 5000:
                    await session.execute(insert(PostRow), batch)
                    batch = []
            if batch:
                await session.execute(insert(PostRow), batch)
            await session.commit()
    finally:
        await runtime.aclose()


@pytest.fixture
def big_history(sandbox: Any, database_url: str, tmp_path: Path) -> dict[str, str]:
    """A database with a real sandbox crawl grown to 100,000 posts; the environment for `keypick` processes."""
    env = _env(tmp_path / "data", database_url, sandbox.url)
    crawl = _keypick(env, "crawl", "weibo", "咖啡", "--max", "50")
    assert crawl.returncode == 0, crawl.stdout + crawl.stderr
    asyncio.run(_grow_to(database_url, tmp_path / "data", TOTAL))
    return env


def _rows(path: Path) -> int:
    """Data rows of the posts sheet, counted in its XML as a stream (openpyxl would take long at 100k rows)."""
    book = load_workbook(path, read_only=True)
    assert book.sheetnames[0] == "posts"
    book.close()
    count, tail = 0, b""
    with zipfile.ZipFile(path) as archive, archive.open("xl/worksheets/sheet1.xml") as sheet:
        while chunk := sheet.read(1 << 20):
            count += (tail + chunk).count(b"<row ")
            tail = chunk[-4:]
    return count - 1


def _download(base: str, body: dict[str, Any], out: Path, server: psutil.Process) -> PeakRss:
    with PeakRss(server.pid) as rss, httpx.stream("POST", f"{base}/api/data/export", json=body, timeout=300) as r:
        assert r.status_code == 200
        with out.open("wb") as fh:
            for chunk in r.iter_bytes():
                fh.write(chunk)
    return rss


def _api_exports(big_history: dict[str, str], tmp_path: Path) -> tuple[PeakRss, PeakRss]:
    """Memory of a `keypick serve` process exporting every post to XLSX, then to CSV."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "keypick", "serve", "--port", str(port), "--workers", "0"],
                              env=big_history, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, "the server did not start"
            time.sleep(0.2)
        process = psutil.Process(server.pid)
        _download(base, {"format": "xlsx", "limit": 100}, tmp_path / "warm.xlsx", process)
        book = _download(base, {"format": "xlsx", "include_comments": True}, tmp_path / "all.xlsx", process)
        table = _download(base, {"format": "csv"}, tmp_path / "all.csv", process)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return book, table


def _cli_export(env: dict[str, str], out: Path, *args: str) -> PeakRss:
    command = [sys.executable, "-m", "keypick", "export", str(out), *args]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with PeakRss(process.pid) as rss:
        stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stdout + stderr
    return rss


def test_export_of_100k_rows_to_excel_has_flat_memory(big_history: dict[str, str], tmp_path: Path) -> None:
    mb = 1 << 20
    book, table = _api_exports(big_history, tmp_path)
    assert _rows(tmp_path / "all.xlsx") == TOTAL
    with (tmp_path / "all.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert sum(1 for _ in csv.reader(fh)) == TOTAL + 1
    assert book.growth() < GROWTH_LIMIT, f"API XLSX: +{book.growth() / mb:.1f} MB late in the export"
    assert table.growth() < GROWTH_LIMIT, f"API CSV: +{table.growth() / mb:.1f} MB late in the export"

    cli = _cli_export(big_history, tmp_path / "cli.xlsx", "--comments")
    assert _rows(tmp_path / "cli.xlsx") == TOTAL
    assert cli.growth() < GROWTH_LIMIT, f"CLI XLSX: +{cli.growth() / mb:.1f} MB late in the export"
    print(f"peak RSS: API XLSX {book.peak / mb:.0f} MB (+{book.growth() / mb:.1f} late), CSV {table.peak / mb:.0f} "
          f"MB (+{table.growth() / mb:.1f}); CLI XLSX {cli.peak / mb:.0f} MB (+{cli.growth() / mb:.1f})")  # fmt: skip


def test_the_measure_sees_a_process_that_accumulates_rows() -> None:
    """Control: a process keeping 100,000 one-kilobyte rows in a list shows the growth the export must not."""
    script = "import time\nrows = []\nfor i in range(100_000):\n    rows.append('x' * 1000 + str(i))\n" \
             "    if i % 1000 == 0:\n        time.sleep(0.02)\n"  # fmt: skip
    process = subprocess.Popen([sys.executable, "-c", script])
    with PeakRss(process.pid) as rss:
        process.wait(timeout=120)
    assert rss.growth() > 2 * GROWTH_LIMIT, f"+{rss.growth() >> 20} MB"
