"""Export throughput and peak memory: all posts of a history dataset to CSV and XLSX, in a child process.

Each export runs in its own interpreter (`python -m bench.history_export --child ...`), so its peak
RSS (`ru_maxrss`) is that of the export alone: imports, engine, and the real streaming code —
CSV through `history.export.post_rows` + `export.stream.atext_chunks` encoded to UTF-8 and written
to a file (what POST /api/data/export streams), XLSX through `history.export.write_xlsx` (the
write-only workbook the API sends). RSS right before the export starts is reported too, so the
growth during the export is visible. The output file is deleted afterwards; its size is reported.

Run from the repo root: `.venv/bin/python -m bench.history_export --url URL [--formats csv,xlsx] [--json]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

TARGET_RSS_MB = 300.0
ROOT = Path(__file__).resolve().parent.parent


def _rss_mb() -> float:
    # Current resident set size, from /proc (Linux): the second field of statm, in pages.
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def xlsx_rows(path: Path, sheet: str = "xl/worksheets/sheet1.xml") -> int:
    """Count the <row> elements of a worksheet by streaming its XML out of the zip."""
    count = 0
    tail = b""
    with zipfile.ZipFile(path) as book, book.open(sheet) as xml:
        while chunk := xml.read(1 << 20):
            data = tail + chunk
            count += data.count(b"<row ")
            tail = data[-4:]  # a tag cut by the chunk boundary is counted once the next chunk completes it
    return count


async def _export(url: str, fmt: str, out: Path) -> dict[str, Any]:
    from bench.history_dataset import async_url
    from keypick.db import create_engine, session_factory
    from keypick.export.stream import atext_chunks
    from keypick.history import export as history_export
    from keypick.history.export import ExportRequest

    engine = create_engine(async_url(url))
    sessions = session_factory(engine)
    req = ExportRequest(format=fmt)
    rss_before = _rss_mb()
    t0 = time.perf_counter()
    rows = 0
    if fmt == "xlsx":
        path = await history_export.write_xlsx(sessions, req)
        path.replace(out)
        seconds = time.perf_counter() - t0
        rows = xlsx_rows(out) - 1  # after timing: the rows actually in the posts sheet, minus the header
    else:

        async def counted() -> AsyncIterator[dict[str, Any]]:
            nonlocal rows
            async for row in history_export.post_rows(sessions, req, limit=req.limit):
                rows += 1
                yield row

        with out.open("wb") as handle:
            # Exactly what the POST /api/data/export route streams, written to a file instead of a socket.
            async for chunk in atext_chunks(fmt, counted(), req.columns, excel_ids=req.excel_ids):
                handle.write(chunk.encode("utf-8"))
        seconds = time.perf_counter() - t0
    await engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    size = out.stat().st_size  # noqa: ASYNC240 - one stat after the work, nothing else runs in this process
    return {"format": fmt, "rows": rows, "seconds": seconds, "rows_per_s": rows / seconds if seconds else 0.0,
            "bytes": size, "rss_before_mb": rss_before, "peak_rss_mb": peak}  # fmt: skip


def export_in_child(url: str, fmt: str) -> dict[str, Any]:
    """Run one export in a fresh interpreter; return its result (rows, seconds, rows/s, bytes, RSS)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"export.{fmt}"
        cmd = [sys.executable, "-m", "bench.history_export", "--child", "--url", url, "--formats", fmt,
               "--out", str(out)]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)  # cwd: `bench` is importable
        if done.returncode:
            raise RuntimeError(f"export child failed ({done.returncode}):\n{done.stderr[-4000:]}")
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["target_rss_mb"] = TARGET_RSS_MB
    return result


def markdown(results: list[dict[str, Any]], backend: str) -> str:
    """Return the results as a markdown table."""
    lines = ["| backend | format | rows | seconds | rows/s | file MB | RSS before MB | peak RSS MB | < 300 MB |",
             "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in results:
        lines.append(f"| {backend} | {r['format']} | {r['rows']:,} | {r['seconds']:.1f} | {r['rows_per_s']:,.0f} "
                     f"| {r['bytes'] / 2**20:,.0f} | {r['rss_before_mb']:.0f} | {r['peak_rss_mb']:.0f} "
                     f"| {'yes' if r['peak_rss_mb'] < TARGET_RSS_MB else 'NO'} |")  # fmt: skip
    return "\n".join(lines)


def main() -> int:
    """Parse options, run the exports (each in a child process), print the result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--url", required=True, help="database URL of a dataset built by bench.history_dataset")
    parser.add_argument("--formats", default="csv,xlsx", help="comma list of csv, jsonl, json, md, xlsx")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    if args.child:
        print(json.dumps(asyncio.run(_export(args.url, formats[0], args.out))))
        return 0
    results = [export_in_child(args.url, fmt) for fmt in formats]
    backend = "postgresql" if args.url.startswith("postgresql") else "sqlite"
    print(json.dumps(results, indent=2) if args.json else markdown(results, backend))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
