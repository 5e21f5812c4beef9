"""Search over large match sets: SQLite's relevance window, PostgreSQL's RUM index and estimated totals."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
from sqlalchemy import text

from keypick.content import service as content_service
from keypick.content.schemas import Post
from keypick.history import pg_search
from keypick.search import pg_index
from tests.conftest import fresh_pg_database


async def _store(client: Any, posts: list[Post]) -> None:
    async with client.app.state.runtime.sessions() as session:
        await content_service.upsert_posts(session, posts, now=datetime.now(UTC))
        await session.commit()


async def _search(client: Any, q: str, **params: Any) -> dict[str, Any]:
    response = await client.http.get("/api/data/search", params={"q": q, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _coffee_posts(n: int) -> list[Post]:
    # c0, stored first, says 咖啡 five times in a short post: the best match overall, and the oldest row.
    first = Post(id="c0", platform="weibo", content="咖啡咖啡咖啡咖啡咖啡")
    rest = [Post(id=f"c{i}", platform="weibo", content=f"第{i}天的早晨，喝了一杯咖啡，然后去上班") for i in range(1, n)]
    return [first, *rest]


async def test_sqlite_ranks_the_newest_matches_past_the_window(api: Any, tmp_path: Any) -> None:
    db = f"sqlite:///{tmp_path / 'window.db'}"
    async with api(workers=0, database_url=db, search_rank_window=5) as client:
        await _store(client, _coffee_posts(12))
        body = await _search(client, "咖啡", limit=5)
        assert body["total"] == 12 and body["total_exact"] and body["total_relation"] == "eq"
        assert body["ranked"] == 5, "only the 5 newest matches were ranked"
        assert {r["id"] for r in body["results"]} == {f"c{i}" for i in range(7, 12)}
        scores = [r["score"] for r in body["results"]]
        assert scores == sorted(scores, reverse=True)
        edge = await _search(client, "咖啡", limit=5, offset=3)
        assert [r["id"] for r in edge["results"]] == [r["id"] for r in body["results"]][3:], "the page ends at the edge"
        past = await client.http.get("/api/data/search", params={"q": "咖啡", "limit": 5, "offset": 5})
        assert past.status_code == 422 and past.json()["error"]["message"].startswith("offset: ")
        assert "newest 5 of 12" in past.json()["error"]["message"]
        filtered = await _search(client, "咖啡", platforms="weibo", limit=20)
        assert filtered["ranked"] == filtered["total"] == 12, "with filters every match is ranked"
        recent = await _search(client, "咖啡", sort="recent", limit=20)
        assert recent["ranked"] == recent["total"] == len(recent["results"]) == 12, "other sorts cover every match"
    async with api(workers=0, database_url=db, search_rank_window=0) as client:
        everything = await _search(client, "咖啡", limit=20)
        assert everything["ranked"] == 12 and everything["results"][0]["id"] == "c0", "window 0 ranks all"
    async with api(workers=0, database_url=db, search_rank_window=50) as client:
        assert (await _search(client, "咖啡", limit=3))["results"][0]["id"] == "c0", "a window past the total"


def _require_rum(url: str) -> None:
    import asyncio

    async def available() -> bool:
        conn = await asyncpg.connect(url)
        try:
            return bool(await conn.fetchval("SELECT count(*) FROM pg_available_extensions WHERE name = 'rum'"))
        finally:
            await conn.close()

    if not asyncio.run(available()):
        message = "the PostgreSQL server has no rum extension (Debian: apt install postgresql-NN-rum)"
        if os.environ.get("KEYPICK_REQUIRE_SERVICES") == "1":
            pytest.fail(message + " and KEYPICK_REQUIRE_SERVICES=1", pytrace=False)
        pytest.skip(message)


@pytest.fixture
def fresh_pg(pg_database: str) -> Iterator[str]:
    """A PostgreSQL database of its own: these tests switch its search index."""
    with fresh_pg_database("keypick_rum") as url:
        _require_rum(url)
        yield url


async def _index(client: Any) -> str:
    async with client.app.state.runtime.engine.connect() as conn:
        index: str = await conn.run_sync(pg_index.describe)
        return index


@pytest.mark.postgres
async def test_postgres_search_index_follows_the_setting(api: Any, fresh_pg: str) -> None:
    async with api(workers=0, database_url=fresh_pg) as client:
        assert await _index(client) == "rum", "auto takes RUM when the extension can be created"
        await _store(client, _coffee_posts(30))
        ranked = await _search(client, "咖啡", limit=50)
        assert ranked["total"] == 30 and ranked["total_relation"] == "eq"
        assert ranked["results"][0]["id"] == "c0" and ranked["results"][0]["score"] > ranked["results"][1]["score"]
        pages = [await _search(client, "咖啡", limit=7, offset=o) for o in range(0, 35, 7)]
        assert [r["id"] for p in pages for r in p["results"]] == [r["id"] for r in ranked["results"]]
    async with api(workers=0, database_url=fresh_pg, pg_search_index="gin") as client:
        assert await _index(client) == "gin", "gin drops the RUM index and builds GIN"
        gin = await _search(client, "咖啡", limit=50)
        assert {r["id"] for r in gin["results"]} == {r["id"] for r in ranked["results"]}
        assert gin["results"][0]["id"] == "c0" and gin["total"] == 30
    async with api(workers=0, database_url=fresh_pg) as client:
        assert await _index(client) == "rum", "and back"
        async with client.app.state.runtime.engine.connect() as conn:
            names = {r[0] for r in await conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename='post'"))}
        assert pg_index.RUM_INDEX in names and pg_index.GIN_INDEX not in names


@pytest.mark.postgres
async def test_postgres_totals_past_the_count_cap(api: Any, fresh_pg: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pg_search, "COUNT_CAP", 10)
    async with api(workers=0, database_url=fresh_pg) as client:
        await _store(client, _coffee_posts(60))
        async with client.app.state.runtime.engine.begin() as conn:
            await conn.execute(text("ANALYZE post"))  # the estimate comes from the column's statistics
        body = await _search(client, "咖啡", limit=20)
        assert body["total_relation"] == "approx" and not body["total_exact"]
        assert 45 <= body["total"] <= 75, body["total"]
        assert body["results"][0]["id"] == "c0" and len(body["results"]) == 20
        last = await _search(client, "咖啡", limit=20, offset=50)
        assert len(last["results"]) == 10 and last["total"] == 60 and last["total_relation"] == "eq"
        rare = await _search(client, "早晨 第7天")
        assert rare["total"] == 1 and rare["total_relation"] == "eq", "few expected: counted"

        async def low_estimate(session: Any, expression: str) -> int:
            return 3  # a planner that expects few (as it does for phrases) while 60 match

        monkeypatch.setattr(pg_search, "_estimate", low_estimate)
        capped = await _search(client, "咖啡", limit=20)
        assert capped["total"] == 10 and capped["total_relation"] == "gte", "counted up to the cap, then 'at least'"
