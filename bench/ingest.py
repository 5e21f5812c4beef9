"""Ingest throughput: KeyPick's post upsert against a raw executemany INSERT of the same rows, in one run.

N posts are made from the real Weibo sample (samples/weibo/getindex_user_timeline-1.json), varied
deterministically with `keypick.sandbox.vary`, wrapped in search pages of `--batch` cards and parsed
with `parse_search_page` (timed on its own). Then, on fresh files in a temporary directory:

* keypick: `content_service.upsert_posts` as it stands (upsert + RETURNING, one engagement snapshot
  per post, full-text indexing), one session and commit per batch, on a database migrated with
  `keypick.migrate`;
* keypick + hits (with `--hits`): the same plus `task_service.record_hits`, as the crawler's page commit does;
* raw: stdlib `sqlite3` `executemany` INSERT of the same column values (lists and dicts JSON-encoded)
  into a table created from the very DDL of the migrated `post` table (same constraints and indexes),
  same PRAGMAs, same batch size, one commit per batch.

The paths are interleaved batch by batch (order rotating), so load from other processes hits them
alike; each first writes one untimed warm-up batch. ratio = keypick posts/s ÷ raw posts/s (target
>= 0.5). With `--pg URL` the same runs on fresh PostgreSQL databases created next to URL (dropped
afterwards); the baseline is then asyncpg `executemany` into `CREATE TABLE ... (LIKE post INCLUDING ALL)`.

Run from the repo root: `.venv/bin/python bench/ingest.py [--n 20000] [--batch 20] [--hits] [--pg URL] [--json]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from keypick import migrate
from keypick.content import service as content_service
from keypick.content.schemas import Post
from keypick.db import create_engine, session_factory
from keypick.platforms.weibo.parsers import parse_search_page
from keypick.sandbox.samples import load_json
from keypick.sandbox.vary import vary_mblog
from keypick.search.pg_index import IndexChoice
from keypick.tasks import service as task_service
from keypick.tasks.schemas import CrawlRequest

TARGET = 0.5
ANCHOR = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
COLUMNS = (
    "platform", "platform_post_id", "title", "content", "url", "likes", "collects", "comments", "shares",
    "views", "author_name", "author_id", "author_avatar", "publish_time", "tags", "images", "videos",
    "ip_location", "platform_data", "raw", "first_seen_at", "last_seen_at",
)  # fmt: skip
Batches = list[list[Post]]


def make_payloads(n: int, batch: int, seed: str = "bench") -> list[dict[str, Any]]:
    """Return getIndex-shaped pages of `batch` cards each, n posts in all, varied from the real sample."""
    cards = load_json("weibo", "getindex_user_timeline-1.json")["data"]["cards"]
    mblogs = [c["mblog"] for c in cards if c.get("card_type") == 9]
    pages: list[dict[str, Any]] = []
    for start in range(0, n, batch):
        page_cards = [
            {"card_type": 9, "mblog": vary_mblog(mblogs[i % len(mblogs)], seed=seed, keyword="基准",
                                                  page=start // batch, slot=i - start,
                                                  created_at=ANCHOR - timedelta(minutes=i))}
            for i in range(start, min(n, start + batch))
        ]  # fmt: skip
        pages.append({"ok": 1, "data": {"cards": page_cards}})
    return pages


def parse_all(payloads: list[dict[str, Any]]) -> tuple[Batches, float]:
    """Parse every page; return the batches of posts and the seconds it took."""
    t0 = time.perf_counter()
    batches = [parse_search_page(p, fetched_at=ANCHOR).posts for p in payloads]
    return batches, time.perf_counter() - t0


def _ts(value: datetime | None) -> str | None:
    # What SQLAlchemy's SQLite DateTime stores: naive UTC "YYYY-MM-DD HH:MM:SS.ffffff".
    return None if value is None else value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _json(value: Any) -> str:
    # As keypick.db encodes JSON columns: compact, Chinese kept as is.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def raw_row(p: Post, now: datetime, *, native_time: bool = False) -> tuple[Any, ...]:
    """Return the post table's column values for one post (JSON columns encoded as text)."""
    when: Any = (lambda d: d) if native_time else _ts
    seen = when(p.crawl_time or now)
    return (
        p.platform, p.id, p.title, p.content, p.url, p.likes, p.collects, p.comments, p.shares, p.views,
        p.author, p.author_id, p.author_avatar, when(p.publish_time), _json(p.tags), _json(p.images),
        _json(p.videos), p.ip_location, _json(p.platform_data), _json(p.raw), seen, seen,
    )  # fmt: skip


Writer = Callable[[int, list[Post]], Awaitable[None]]


async def keypick_writer(
    url: str, batches: Batches, *, hits: bool, pg_search_index: IndexChoice = "auto"
) -> tuple[Writer, Callable[[], Awaitable[None]]]:
    """Migrate a fresh database at `url`; return (write batch i, close) for the KeyPick write path."""
    engine = create_engine(url)
    await migrate.upgrade(engine, pg_search_index=pg_search_index)
    sessions = session_factory(engine)
    # As a real task would: at most 1000 hits per keyword (max_results) and at most 20 keywords.
    n = sum(len(b) for b in batches)
    keywords = [f"基准{i}" for i in range(min(20, -(-n // 1000)))]
    async with sessions() as session:
        request = CrawlRequest(platform="weibo", keywords=keywords, max_results=1000)
        task, _ = await task_service.create(session, request=request, idempotency_key=None)
        units = await task_service.units(session, task_id=task.id)

    async def write(i: int, posts: list[Post]) -> None:
        async with sessions() as session:
            pks = await content_service.upsert_posts(session, posts, now=ANCHOR, task_id=task.id)
            if hits:
                unit = units[i * len(units) // len(batches)]
                ids = [pks[p.id] for p in posts]
                await task_service.record_hits(session, task_id=task.id, unit=unit, post_pks=ids, now=ANCHOR)
            await session.commit()

    return write, engine.dispose


def sqlite_raw_writer(path: Path, ddl: list[str]) -> tuple[Writer, Callable[[], Awaitable[None]]]:
    """Return (write batch, close): stdlib sqlite3 executemany INSERT and a commit, into a table made from `ddl`."""
    conn = sqlite3.connect(path)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=30000"):
        conn.execute(f"PRAGMA {pragma}")
    for statement in ddl:
        conn.execute(statement)
    conn.commit()
    sql = f"INSERT INTO post ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"

    async def write(_i: int, posts: list[Post]) -> None:
        conn.executemany(sql, [raw_row(p, ANCHOR) for p in posts])
        conn.commit()

    async def close() -> None:
        conn.close()

    return write, close


def sqlite_post_ddl(path: Path) -> list[str]:
    """Return the CREATE statements of the migrated `post` table and its indexes."""
    conn = sqlite3.connect(path)
    rows = conn.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name = 'post' AND type IN ('table', 'index') AND sql IS NOT NULL "
        "ORDER BY type = 'index'"
    )
    ddl = [r[0] for r in rows]
    conn.close()
    return ddl


async def pg_raw_writer(url: str) -> tuple[Writer, Callable[[], Awaitable[None]]]:
    """Return (write batch, close): asyncpg executemany in a transaction, into a copy of the migrated `post`."""
    import asyncpg

    conn = await asyncpg.connect(url)
    await conn.execute("CREATE TABLE raw_post (LIKE post INCLUDING ALL)")
    sql = f"INSERT INTO raw_post ({', '.join(COLUMNS)}) VALUES ({', '.join(f'${i + 1}' for i in range(len(COLUMNS)))})"

    async def write(_i: int, posts: list[Post]) -> None:
        async with conn.transaction():
            await conn.executemany(sql, [raw_row(p, ANCHOR, native_time=True) for p in posts])

    return write, conn.close


async def pg_database(admin_url: str, action: str, name: str) -> None:
    """CREATE or DROP a scratch database on the server of `admin_url`."""
    import asyncpg

    conn = await asyncpg.connect(admin_url)
    try:
        sql = f'CREATE DATABASE "{name}"' if action == "create" else f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
        await conn.execute(sql)
    finally:
        await conn.close()


async def interleave(batches: Batches, writers: dict[str, Writer]) -> dict[str, float]:
    """Write every batch with every writer in turn (rotating the order); return seconds spent per writer."""
    warmup, _ = parse_all(make_payloads(len(batches[0]), len(batches[0]), seed="warm-up"))
    for write in writers.values():  # loads jieba's dictionary, fills statement caches, opens connections
        await write(0, warmup[0])
    spent = dict.fromkeys(writers, 0.0)
    names = list(writers)
    for i, posts in enumerate(batches):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            t0 = time.perf_counter()
            await writers[name](i, posts)
            spent[name] += time.perf_counter() - t0
    return spent


async def bench_sqlite(batches: Batches, *, hits: bool) -> dict[str, float]:
    """Seconds per path on fresh SQLite files, interleaved batch by batch."""
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        writers: dict[str, Writer] = {}
        closers: list[Callable[[], Awaitable[None]]] = []
        try:
            kp_file = base / "keypick.db"
            writers["keypick"], close = await keypick_writer(f"sqlite+aiosqlite:///{kp_file}", batches, hits=False)
            closers.append(close)
            writers["raw"], close = sqlite_raw_writer(base / "raw.db", sqlite_post_ddl(kp_file))
            closers.append(close)
            if hits:
                writers["keypick_hits"], close = await keypick_writer(
                    f"sqlite+aiosqlite:///{base / 'hits.db'}", batches, hits=True
                )
                closers.append(close)
            return await interleave(batches, writers)
        finally:
            for close in closers:
                await close()


async def bench_pg(
    admin_url: str, batches: Batches, *, hits: bool, pg_search_index: IndexChoice = "auto"
) -> dict[str, float]:
    """Seconds per path on fresh PostgreSQL databases next to `admin_url`, interleaved batch by batch."""
    base = admin_url.rsplit("/", 1)[0]
    names = {path: f"keypick_bench_{uuid.uuid4().hex[:10]}" for path in ("keypick", "keypick_hits")[: 1 + hits]}
    writers: dict[str, Writer] = {}
    closers: list[Callable[[], Awaitable[None]]] = []
    try:
        for path, name in names.items():
            await pg_database(admin_url, "create", name)
            url = "postgresql+asyncpg://" + f"{base}/{name}".split("://", 1)[1]
            writers[path], close = await keypick_writer(url, batches, hits=path == "keypick_hits",
                                                        pg_search_index=pg_search_index)  # fmt: skip
            closers.append(close)
        writers["raw"], close = await pg_raw_writer(f"{base}/{names['keypick']}")  # its own table, same database
        closers.append(close)
        return await interleave(batches, writers)
    finally:
        for close in closers:
            await close()
        for name in names.values():
            await pg_database(admin_url, "drop", name)


def rows(backend: str, n: int, t: dict[str, float]) -> list[dict[str, Any]]:
    """Return one result row per path, with posts/s and the ratio to the raw baseline."""
    raw_rate = n / t["raw"]
    out = []
    for path in ("raw", "keypick", "keypick_hits"):
        if path not in t:
            continue
        rate = n / t[path]
        out.append({"backend": backend, "path": path, "seconds": t[path], "posts_per_s": rate,
                    "ratio": rate / raw_rate})  # fmt: skip
    return out


def markdown(n: int, batch: int, parse_s: float, results: list[dict[str, Any]]) -> str:
    """Return the results as a markdown table."""
    names = {"raw": "raw executemany INSERT (baseline)", "keypick": "KeyPick `upsert_posts`",
             "keypick_hits": "KeyPick `upsert_posts` + `record_hits`"}  # fmt: skip
    lines = [
        f"{n} posts, {batch} per transaction; parsing: {parse_s:.2f} s = {n / parse_s:,.0f} posts/s",
        "",
        "| backend | path | seconds | posts/s | ratio to raw | target ≥ 0.5 |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        met = "" if r["path"] == "raw" else ("yes" if r["ratio"] >= TARGET else "NO")
        if r["path"] == "keypick_hits":
            met = f"({met})"  # informational: the target is set for upsert_posts
        lines.append(f"| {r['backend']} | {names[r['path']]} | {r['seconds']:.2f} | {r['posts_per_s']:,.0f} "
                     f"| {r['ratio']:.2f} | {met} |")  # fmt: skip
    return "\n".join(lines)


def main() -> int:
    """Parse options, run the benchmark, print the result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=20_000, help="posts to ingest")
    parser.add_argument("--batch", type=int, default=20, help="posts per transaction (one crawled page)")
    parser.add_argument("--pg", metavar="URL", help="also run on PostgreSQL (a scratch database next to URL)")
    parser.add_argument("--hits", action="store_true", help="also time upsert_posts + record_hits (crawler page)")
    parser.add_argument(
        "--pg-search-index",
        choices=("auto", "gin"),
        default="auto",
        help="PostgreSQL search index of the KeyPick path (auto: RUM when the extension exists)",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    batches, parse_s = parse_all(make_payloads(args.n, args.batch))
    n = sum(len(b) for b in batches)
    if len({p.id for b in batches for p in b}) != n or n != args.n:
        raise SystemExit(f"expected {args.n} distinct posts, got {n}")
    results = rows("sqlite", n, asyncio.run(bench_sqlite(batches, hits=args.hits)))
    if args.pg:
        timings = asyncio.run(bench_pg(args.pg, batches, hits=args.hits, pg_search_index=args.pg_search_index))
        results += rows("postgresql", n, timings)
    if args.json:
        print(json.dumps({"n": n, "batch": args.batch, "parse_seconds": parse_s, "results": results}, indent=2))
    else:
        print(markdown(n, args.batch, parse_s, results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
