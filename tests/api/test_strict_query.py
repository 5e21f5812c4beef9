"""Unknown query parameters on /api/data and /api/crawl answer 422 naming them, instead of being ignored."""

from __future__ import annotations

from typing import Any

import pytest

from keypick.api.strict_query import reject_unknown_query


@pytest.mark.parametrize(
    ("path", "bad"),
    [("/api/data/?platform=weibo", "platform"), ("/api/data/stats?platform=weibo", "platform"),
     ("/api/data/aggregate?by=platform", "by"), ("/api/data/search?q=咖啡&query=x", "query"),
     ("/api/crawl/tasks?state=completed", "state"), ("/api/crawl/platforms?x=1", "x")],
)  # fmt: skip
async def test_unknown_query_parameters_are_named(api: Any, path: str, bad: str) -> None:
    async with api(workers=0) as client:
        answer = await client.http.get(path)
        assert answer.status_code == 422, answer.text
        details = answer.json()["error"]["details"]
        assert bad in str(details) and "unknown parameter" in str(details)


async def test_known_parameters_and_the_key_still_pass(api: Any) -> None:
    async with api(workers=0) as client:
        for path in (
            "/api/data/?platforms=weibo&limit=5&include_stats=true",
            "/api/data/stats?platforms=wb",
            "/api/data/aggregate?aggregate_by=platform&metrics=posts",
            "/api/crawl/tasks?limit=3",
        ):
            answer = await client.http.get(path)
            assert answer.status_code == 200, (path, answer.text)


def test_the_dependency_is_on_both_routers() -> None:
    from keypick.history.router import router as data_router
    from keypick.tasks.router import router as crawl_router

    for router in (data_router, crawl_router):
        assert any(d.dependency is reject_unknown_query for d in router.dependencies)
