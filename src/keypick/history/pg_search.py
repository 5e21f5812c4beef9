"""PostgreSQL ranking through the RUM index (keypick.search.pg_index puts it there when it can).

GIN finds the matches but cannot rank them: ts_rank_cd then reads and de-TOASTs every match's
tsvector from the heap. RUM keeps the lexeme positions in the index, so `search_vector <=> query`
comes out of the index in rank order without touching the heap. Counting still has to visit the
heap (visibility) for every match, which for a common word costs more than the ranking: where the
planner expects more than COUNT_CAP matches, the total is its estimate, and the answer says so.
With filters, the narrow path of keypick.history.search ranks with the same score (rum_ts_score).
"""

from __future__ import annotations

import json
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import ColumnElement, Float, Select, func, literal_column, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncSession

from keypick.content.models import PostRow
from keypick.search.pg_index import RUM_INDEX
from keypick.search.tokenize import Query, tsquery_expression

#: Matches counted one by one at most (each is a heap visit); past this the total is the planner's estimate.
COUNT_CAP = 2_000
#: RUM sorts all matches before the first row comes out; 4 MB (the default) spills 100 000 of them to disk.
SORT_MEMORY = "16MB"

_HAS_RUM: WeakKeyDictionary[Engine, bool] = WeakKeyDictionary()


async def has_rum(session: AsyncSession) -> bool:
    """True when the post table has KeyPick's RUM index (looked up once per engine)."""
    engine = session.get_bind().engine
    if engine not in _HAS_RUM:
        found = await session.scalar(
            text("SELECT count(*) FROM pg_indexes WHERE tablename = 'post' AND indexname = :name"), {"name": RUM_INDEX}
        )
        _HAS_RUM[engine] = bool(found)
    return _HAS_RUM[engine]


def forget(engine: Engine) -> None:
    """Drop the cached answer of has_rum (the index was created or dropped)."""
    _HAS_RUM.pop(engine, None)


async def _estimate(session: AsyncSession, expression: str) -> int:
    """The planner's estimate of the posts matching a tsquery expression (EXPLAIN: nothing is executed)."""
    explain = "EXPLAIN (FORMAT JSON) SELECT pk FROM post WHERE search_vector @@ to_tsquery('simple', :q)"
    plan = await session.scalar(text(explain), {"q": expression})
    doc = json.loads(plan) if isinstance(plan, str) else plan
    return int(doc[0]["Plan"]["Plan Rows"])


async def rum_ranked(
    session: AsyncSession, query: Query, *, limit: int, offset: int
) -> tuple[int, str, list[tuple[PostRow, float]]]:
    """Return (total, relation, [(post, score)]) in RUM rank order, without conditions on other columns.

    relation is "eq" (counted), "approx" (the planner's estimate from the column's statistics: close for
    one word, rougher for phrases and exclusions) or "gte" (the planner expected few, but more than
    COUNT_CAP match). Ties come in the index's order, the same for every page while the data does not change.
    """
    expression = tsquery_expression(query)
    tsq = func.to_tsquery("simple", expression)
    vector: ColumnElement[Any] = literal_column("post.search_vector")
    estimate = await _estimate(session, expression)
    if estimate > COUNT_CAP:
        total, relation = estimate, "approx"
    else:
        matching: Select[Any] = select(literal_column("1")).select_from(PostRow).where(vector.op("@@")(tsq))
        capped = matching.limit(COUNT_CAP + 1)
        total = int(await session.scalar(select(func.count()).select_from(capped.subquery())) or 0)
        relation = "eq" if total <= COUNT_CAP else "gte"
        total = min(total, COUNT_CAP)
    # For the rest of this transaction (set_config(..., true) is SET LOCAL), in one round trip, after the
    # count (which keeps its own plan). JIT compiling costs 15-20 ms on plans this big and saves nothing
    # on a 20-row answer. Only the index's ordered scan ranks without the heap, and its order of ties is
    # the same for every page; a small table would otherwise get a sequential scan and a top-N sort,
    # whose ties move with N.
    settings = {"jit": "off", "work_mem": SORT_MEMORY, "enable_seqscan": "off", "enable_bitmapscan": "off",
                "enable_sort": "off"}  # fmt: skip
    await session.execute(
        text("SELECT " + ", ".join(f"set_config(:k{i}, :v{i}, true)" for i in range(len(settings)))),
        {f"{kv}{i}": value for i, pair in enumerate(settings.items()) for kv, value in zip("kv", pair, strict=True)},
    )
    distance = vector.op("<=>", return_type=Float())(tsq)
    # The ordered scan visits each returned row in the heap anyway: read the whole post there, not in a second query.
    stmt = select(PostRow, func.rum_ts_score(vector, tsq)).where(vector.op("@@")(tsq)).order_by(distance)
    page = [(row, float(score)) for row, score in await session.execute(stmt.limit(limit).offset(offset))]
    if relation != "eq" and len(page) < limit and (page or not offset):  # a short page ends the matches
        total, relation = offset + len(page), "eq"
    return total, relation, page
