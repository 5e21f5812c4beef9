"""/health never touches the database; /ready answers 200 when the database does and 503 when it does not."""

from __future__ import annotations

from typing import Any

from keypick.db import create_engine


async def test_health_ready_and_docs(api: Any, database_url: str) -> None:
    async with api(workers=1, database_url=database_url) as client:
        health = await client.http.get("/health")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        ready = await client.http.get("/ready")
        dialect = "sqlite" if database_url.startswith("sqlite") else "postgresql"
        assert ready.status_code == 200 and ready.json() == {"status": "ready", "database": dialect, "workers": 1}
        assert (await client.http.get("/docs")).status_code == 200
        paths = (await client.http.get("/openapi.json")).json()["paths"]
        for path in ("/api/crawl/", "/api/crawl/status/{task_id}", "/api/crawl/task/{task_id}/results",
                     "/api/crawl/task/{task_id}", "/api/crawl/tasks", "/api/crawl/platforms", "/api/cookies/",
                     "/api/cookies/set", "/api/cookies/{platform}", "/api/cookies/refresh",
                     "/api/cookies/platforms/urls", "/api/import/har"):  # fmt: skip
            assert path in paths, path


async def test_ready_is_503_when_the_database_is_down(api: Any) -> None:
    async with api(workers=0) as client:
        runtime = client.app.state.runtime
        healthy_engine = runtime.engine
        runtime.engine = create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
        try:
            ready = await client.http.get("/ready")
            assert ready.status_code == 503 and ready.json()["status"] == "unavailable"
            assert (await client.http.get("/health")).status_code == 200
        finally:
            await runtime.engine.dispose()
            runtime.engine = healthy_engine
