"""History dataset: N posts varied from the real platform samples, written through KeyPick's ingest path.

The real captures shipped in src/keypick/sandbox/samples (Weibo, Bilibili, Douyin, Xiaohongshu,
Zhihu, Tieba; provenance in its SOURCES.md) are parsed with KeyPick's own parsers into 64 base
posts. Post i is base
`i % len(bases)` with, deterministically from a seeded RNG: a new id (base id + 7-digit i), counts
scaled by a log-normal factor, a publish time within the year before ANCHOR, one of 5 000 authors
per base, and about a fifth of its title and content words swapped for words of the samples' own
jieba vocabulary (so word frequencies range from a handful of posts to tens of thousands).
The `raw` payload is left out (it is not exported, searched or aggregated, and Douyin's alone is
40–65 KB a post); everything else is stored as a crawl would store it.

Posts are written with `content_service.upsert_posts` (upsert, engagement snapshot, FTS5 or
tsvector indexing) plus `task_service.record_hits` under a 20-keyword task, `--batch` posts per
transaction, on a database migrated with `keypick.migrate`.

Run from the repo root: `.venv/bin/python -m bench.history_dataset --url URL [--n 1000000] [--batch 1000]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jieba
from sqlalchemy import func, select

from keypick import migrate
from keypick.content import service as content_service
from keypick.content.models import PostRow
from keypick.content.schemas import Post
from keypick.db import create_engine, session_factory
from keypick.platforms.bilibili import parsers as bilibili
from keypick.platforms.douyin import parsers as douyin
from keypick.platforms.tieba import parsers as tieba
from keypick.platforms.weibo import parsers as weibo
from keypick.platforms.xiaohongshu import parsers as xhs
from keypick.platforms.zhihu import parsers as zhihu
from keypick.tasks import service as task_service
from keypick.tasks.models import TaskRow
from keypick.tasks.schemas import CrawlRequest

SAMPLES = Path(__file__).resolve().parent.parent / "src" / "keypick" / "sandbox" / "samples"
ANCHOR = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
KEYWORDS = 20  # a task has at most 20 keywords; post i is a hit of keyword i % 20
AUTHORS_PER_BASE = 5000
SWAP_SHARE = 0.2


def async_url(url: str) -> str:
    """Return the SQLAlchemy async URL of a database URL, as KeyPick's settings resolve DATABASE_URL."""
    from keypick.config import Settings

    return Settings(_env_file=None, database_url=url).resolved_database_url  # type: ignore[call-arg]


def _loader(samples: Path) -> Any:
    return lambda path: json.loads((samples / path).read_text(encoding="utf-8"))


def base_posts(samples: Path = SAMPLES) -> list[Post]:
    """Parse every search-shaped real sample with KeyPick's parsers; return the posts that have text."""
    _json = _loader(samples)
    at = ANCHOR
    posts: list[Post] = []
    posts += weibo.parse_search_page(_json("weibo/getindex_user_timeline-1.json"), fetched_at=at).posts
    for name in ("search_type_video-1.json", "search_type_video-2.json"):
        posts += bilibili.parse_search_page(_json(f"bilibili/{name}"), fetched_at=at).posts
    posts += douyin.parse_search_page(_json("douyin/app_general_search-1.json"), fetched_at=at).posts
    for name in ("search_notes-1.json", "search_notes-2.json"):
        posts += xhs.parse_search_page(_json(f"xhs/{name}"), fetched_at=at).posts
    for name in ("feed-1.json", "feed-2.json"):
        note = xhs.parse_feed(_json(f"xhs/{name}"), fetched_at=at)
        posts += [note] if note else []
    posts += zhihu.parse_search_page(_json("zhihu/search_v3-1.json"), fetched_at=at).posts
    html = (samples / "tieba/search_result-1.html").read_text(encoding="utf-8")
    posts += tieba.parse_search_html(html, fetched_at=at).posts
    unique = {(p.platform, p.id): p for p in posts if (p.title or p.content).strip()}
    return list(unique.values())


def _cut(text: str | None) -> list[str]:
    return list(jieba.cut(text or "", HMM=False))


def _is_word(token: str) -> bool:
    # Words worth swapping: two or more characters, at least one of them Chinese.
    return len(token) >= 2 and any("\u4e00" <= ch <= "\u9fff" for ch in token)


class Varier:
    """Deterministic variations of the base posts (pre-segmented once, so varying is cheap)."""

    def __init__(self, bases: list[Post], seed: int = 20261203) -> None:
        self.bases = bases
        self.rng = random.Random(seed)
        self.tokens = [(_cut(p.title), _cut(p.content)) for p in bases]
        vocab = {t for title, content in self.tokens for t in title + content if _is_word(t)}
        vocab |= {t for p in bases for t in p.tags if _is_word(t)}
        self.vocabulary = sorted(vocab)

    def _swap(self, tokens: list[str]) -> str:
        rng = self.rng
        return "".join(rng.choice(self.vocabulary) if _is_word(t) and rng.random() < SWAP_SHARE else t for t in tokens)

    def post(self, i: int) -> Post:
        """Return post i: base i % len(bases), varied."""
        k = i % len(self.bases)
        base = self.bases[k]
        title, content = self.tokens[k]
        rng = self.rng
        scale = math.exp(rng.gauss(0.0, 1.0))
        counts = {c: None if getattr(base, c) is None else int(getattr(base, c) * scale + rng.randrange(5))
                  for c in ("likes", "collects", "comments", "shares", "views")}  # fmt: skip
        published = ANCHOR - timedelta(seconds=rng.randrange(365 * 86400))
        author_n = rng.randrange(AUTHORS_PER_BASE)
        tags = [rng.choice(self.vocabulary) if rng.random() < SWAP_SHARE else t for t in base.tags]
        return base.model_copy(update={
            "id": f"{base.id}{i:07d}", "title": self._swap(title) if base.title else base.title,
            "content": self._swap(content), "publish_time": published,
            "crawl_time": published + timedelta(minutes=rng.randrange(1, 7 * 1440)),
            "author": f"{base.author or '用户'}{author_n}", "author_id": f"{base.author_id or k}-{author_n}",
            "tags": tags, "raw": None, "author_info": None, **counts,
        })  # fmt: skip

    def batches(self, n: int, batch: int, *, skip: int = 0) -> Iterator[list[Post]]:
        """Yield posts skip..n-1 in lists of `batch` (posts before `skip` are drawn and dropped: same RNG stream)."""
        for i in range(skip):
            self.post(i)
        for start in range(skip, n, batch):
            yield [self.post(i) for i in range(start, min(n, start + batch))]


async def pg_database(admin_url: str, action: str, name: str) -> None:
    """CREATE or DROP a scratch database on the server of `admin_url` (a plain postgresql:// URL)."""
    import asyncpg

    conn = await asyncpg.connect(admin_url)
    try:
        sql = f'CREATE DATABASE "{name}"' if action == "create" else f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
        await conn.execute(sql)
    finally:
        await conn.close()


async def build(url: str, n: int, *, batch: int = 1000, log: bool = False, resume: bool = False) -> dict[str, Any]:
    """Migrate `url`, write n varied posts with hits (with `resume`: only those not stored yet); return timings."""
    url = async_url(url)
    engine = create_engine(url)
    await migrate.upgrade(engine)
    sessions = session_factory(engine)
    varier = Varier(base_posts())
    keywords = varier.vocabulary[:: max(1, len(varier.vocabulary) // KEYWORDS)][:KEYWORDS]
    async with sessions() as session:
        stored = int(await session.scalar(select(func.count()).select_from(PostRow)) or 0) if resume else 0
        task = await session.scalar(select(TaskRow).order_by(TaskRow.created_at)) if stored else None
        if task is None:
            request = CrawlRequest(platform="weibo", keywords=keywords, max_results=1000)
            task, _ = await task_service.create(session, request=request, idempotency_key=None)
        units = await task_service.units(session, task_id=task.id)
        await session.commit()
    t0 = time.perf_counter()
    written = 0
    for posts in varier.batches(n, batch, skip=stored):
        async with sessions() as session:
            pks = await content_service.upsert_posts(session, posts, now=ANCHOR, task_id=task.id)
            by_unit: dict[int, list[int]] = {}
            for p in posts:
                by_unit.setdefault(int(p.id[-7:]) % len(units), []).append(pks[p.id])
            for u, ids in by_unit.items():
                await task_service.record_hits(session, task_id=task.id, unit=units[u], post_pks=ids, now=ANCHOR)
            await session.commit()
        written += len(posts)
        if log and written % (batch * 50) == 0:
            rate = written / (time.perf_counter() - t0)
            stamp = f"{datetime.now(UTC):%H:%M:%S} {url.split(':')[0]}"
            print(f"{stamp} {stored + written} posts, {rate:,.0f}/s", flush=True)
    seconds = time.perf_counter() - t0
    await engine.dispose()
    return {"url": url, "posts": written, "bases": len(varier.bases), "vocabulary": len(varier.vocabulary),
            "keywords": keywords, "task_id": task.id, "resumed_at": stored, "seconds": seconds,
            "posts_per_s": written / seconds}  # fmt: skip


def main() -> int:
    """Parse options, build the dataset, print the summary as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--url", required=True, help="database URL, e.g. sqlite:////tmp/h.db or postgresql://postgres@127.0.0.1:5432/db"
    )
    parser.add_argument("--n", type=int, default=1_000_000, help="posts to write")
    parser.add_argument("--batch", type=int, default=1000, help="posts per transaction")
    parser.add_argument("--resume", action="store_true", help="add posts after those already stored (same data)")
    args = parser.parse_args()
    result = asyncio.run(build(args.url, args.n, batch=args.batch, log=True, resume=args.resume))
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
