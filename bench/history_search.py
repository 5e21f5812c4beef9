"""Search and aggregate latency on a history dataset: the /api/data/search path against a plain LIKE scan.

Every query runs through `keypick.history.service.search` (what GET /api/data/search calls: jieba
query parsing, FTS5 bm25 or tsvector ts_rank_cd, the total count, the top 20 by relevance and their
highlighted snippets), one fresh session per request as the API opens one. The baseline is the same
question answered by a plain LIKE scan in the same run: `count(*)` and the 20 newest rows where
title or content contains every word and phrase (`LIKE '%…%'`) and none of the excluded ones.
`--window` is the relevance window (`Settings.search_rank_window`; 0 ranks every match).
Each query is timed `--repeat` times after one untimed warm-up; p50/p95 are over all timed runs.
Aggregates go through `keypick.history.aggregate.aggregate` (GET /api/data/aggregate) by day,
platform and keyword over the whole dataset.

Run from the repo root: `.venv/bin/python -m bench.history_search --url URL [--repeat 10] [--json]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import and_, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.history_dataset import async_url
from keypick import migrate
from keypick.content.models import PostRow
from keypick.db import create_engine, session_factory
from keypick.history import aggregate as history_aggregate
from keypick.history import service as history_service
from keypick.history.filters import DataFilter
from keypick.history.search import DEFAULT_RANK_WINDOW
from keypick.search.tokenize import warm

# From the samples' own text: single words (about 2 % to 12 % of posts match in this dataset), pairs of
# words that rarely meet (AND), phrases, and exclusions.
QUERIES = (
    "富士康", "视频", "小猫咪", "喜欢", "西双版纳 小龙虾", "李彦宏 卤味", '"鸿海 精密"', '"投资 建设"',
    "郑州 -富士康", "喜欢 -视频",
)  # fmt: skip
TARGET_P95_MS = 50.0
TARGET_SPEEDUP = 20.0
AGGREGATES = ("day", "platform", "keyword")


def _terms(q: str) -> tuple[list[str], list[str]]:
    """Split a query into LIKE needles: phrases lose their inner spaces (the text has none)."""
    import shlex

    include: list[str] = []
    exclude: list[str] = []
    for part in shlex.split(q):
        negative = part.startswith("-") and len(part) > 1
        (exclude if negative else include).append((part[1:] if negative else part).replace(" ", ""))
    return include, exclude


async def like_search(session: AsyncSession, q: str, *, limit: int = 20) -> dict[str, Any]:
    """The baseline: count and newest `limit` posts whose title or content contains every term, no exclusion."""
    include, exclude = _terms(q)

    def has(word: str) -> Any:
        like = f"%{word}%"
        return or_(PostRow.content.like(like), func.coalesce(PostRow.title, "").like(like))

    where = and_(*[has(w) for w in include], *[not_(has(w)) for w in exclude])
    total = int(await session.scalar(select(func.count()).select_from(PostRow).where(where)) or 0)
    rows = list(await session.scalars(select(PostRow).where(where).order_by(PostRow.pk.desc()).limit(limit)))
    return {"total": total, "results": rows}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def _time(sessions: async_sessionmaker[AsyncSession], call: Callable[[AsyncSession], Awaitable[Any]],
                repeat: int) -> tuple[list[float], Any]:  # fmt: skip
    async with sessions() as session:
        result = await call(session)  # warm-up: caches, jieba's dictionary, statement preparation
    times = []
    for _ in range(repeat):
        async with sessions() as session:
            t0 = time.perf_counter()
            result = await call(session)
            times.append((time.perf_counter() - t0) * 1000)
    return times, result


def summary(times: list[float]) -> dict[str, float]:
    """p50, p95 and max of a list of milliseconds."""
    return {"p50_ms": statistics.median(times), "p95_ms": _percentile(times, 0.95), "max_ms": max(times)}


async def run(
    url: str, *, repeat: int = 10, like_repeat: int = 3, queries: tuple[str, ...] = QUERIES,
    window: int = DEFAULT_RANK_WINDOW, aggregates: bool = True,
) -> dict[str, Any]:  # fmt: skip
    """Time every query both ways and the aggregates; return the results structure."""
    warm()
    engine = create_engine(async_url(url))
    # The schema and search index of the code under test, as the API brings them at start-up.
    index = await migrate.upgrade(engine)
    sessions = session_factory(engine)
    empty = DataFilter()
    async with sessions() as session:
        posts = int(await session.scalar(select(func.count()).select_from(PostRow)) or 0)
    per_query = []
    all_fts: list[float] = []
    all_like: list[float] = []
    for q in queries:
        fts_times, found = await _time(
            sessions,
            lambda s, q=q: history_service.search(s, q, empty, sort="relevant", limit=20, offset=0, window=window),
            repeat,
        )
        like_times, scanned = await _time(sessions, lambda s, q=q: like_search(s, q), like_repeat)
        all_fts += fts_times
        all_like += like_times
        per_query.append({"q": q, "fts_total": found["total"], "like_total": scanned["total"],
                          "total_exact": found["total_exact"], "total_relation": found["total_relation"],
                          "ranked": found["ranked"],
                          "fts": summary(fts_times), "like": summary(like_times),
                          "speedup_p50": statistics.median(like_times) / statistics.median(fts_times)})  # fmt: skip
    timed_aggregates = []
    for group in AGGREGATES if aggregates else ():

        def by(s: AsyncSession, g: str = group) -> Awaitable[dict[str, Any]]:
            return history_aggregate.aggregate(s, empty, group=g, metrics=[], tz_name="Asia/Shanghai", limit=366)

        times, result = await _time(sessions, by, max(1, like_repeat))
        timed_aggregates.append({"aggregate_by": group, "buckets": len(result["buckets"]), **summary(times)})
    await engine.dispose()
    fts, like = summary(all_fts), summary(all_like)
    return {
        "backend": engine.dialect.name, "search_index": index, "window": window, "posts": posts, "repeat": repeat,
        "like_repeat": like_repeat,
        "queries": per_query, "fts": fts, "like": like, "speedup_p50": like["p50_ms"] / fts["p50_ms"],
        "speedup_p95": like["p95_ms"] / fts["p95_ms"], "aggregates": timed_aggregates,
        "targets": {"p95_ms": TARGET_P95_MS, "speedup": TARGET_SPEEDUP},
    }  # fmt: skip


def markdown(r: dict[str, Any]) -> str:
    """Return the results as markdown tables."""
    lines = [
        f"**{r['backend']}** ({r['search_index']}, relevance window {r['window'] or 'none'}), {r['posts']:,} posts; "
        f"FTS {r['repeat']} timed runs per query, LIKE {r['like_repeat']}",
        "",
        "| query | matches (FTS / LIKE) | ranked | FTS p50 / p95 ms | LIKE p50 / p95 ms | speedup (p50) |",
        "|---|---|---|---|---|---|",
    ]
    for q in r["queries"]:
        about = {"eq": "", "approx": "≈", "gte": "≥"}[q["total_relation"]]
        lines.append(f"| `{q['q']}` | {about}{q['fts_total']:,} / {q['like_total']:,} | {q['ranked']:,} "
                     f"| {q['fts']['p50_ms']:.1f} / "
                     f"{q['fts']['p95_ms']:.1f} | {q['like']['p50_ms']:.0f} / {q['like']['p95_ms']:.0f} "
                     f"| {q['speedup_p50']:.0f}× |")  # fmt: skip
    f, like = r["fts"], r["like"]
    lines.append(f"| **all queries** | | | **{f['p50_ms']:.1f} / {f['p95_ms']:.1f}** | **{like['p50_ms']:.0f} / "
                 f"{like['p95_ms']:.0f}** | **{r['speedup_p50']:.0f}×** (p95: {r['speedup_p95']:.0f}×) |")  # fmt: skip
    lines += ["", "| aggregate_by | buckets | p50 ms | p95 ms |", "|---|---|---|---|"]
    for a in r["aggregates"]:
        lines.append(f"| {a['aggregate_by']} | {a['buckets']} | {a['p50_ms']:.0f} | {a['p95_ms']:.0f} |")
    return "\n".join(lines)


def main() -> int:
    """Parse options, run the benchmark, print the result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--url", required=True, help="database URL of a dataset built by bench.history_dataset")
    parser.add_argument("--repeat", type=int, default=10, help="timed runs per query (full-text search)")
    parser.add_argument("--like-repeat", type=int, default=3, help="timed runs per query (LIKE scan) and aggregate")
    parser.add_argument("--window", type=int, default=DEFAULT_RANK_WINDOW,
                        help="relevance window (newest matches ranked; 0: rank every match)")  # fmt: skip
    parser.add_argument("--no-aggregates", action="store_true", help="time the searches only")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    result = asyncio.run(run(args.url, repeat=args.repeat, like_repeat=args.like_repeat, window=args.window,
                             aggregates=not args.no_aggregates))  # fmt: skip
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
