"""Chinese full-text search: segmentation, phrases, exclusions, ranking, highlights — SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from keypick.content import service as content_service
from keypick.content.schemas import Post


async def _search(client: Any, q: str, **params: Any) -> dict[str, Any]:
    response = await client.http.get("/api/data/search", params={"q": q, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_word_matches_segmented_text(history: Any, ids: Any) -> None:
    body = await _search(history, "咖啡")
    assert set(ids(body, "results")) == {"p1", "p2", "p5"} and body["total"] == 3
    assert ids(body, "results")[0] == "p5", "four occurrences in a short post rank first"
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)


async def test_phrase_needs_adjacent_words(history: Any, ids: Any) -> None:
    assert set(ids(await _search(history, '"手冲 咖啡"'), "results")) == {"p1", "p2"}
    assert set(ids(await _search(history, "手冲咖啡"), "results")) == {"p1", "p2"}
    assert set(ids(await _search(history, "手冲"), "results")) == {"p1", "p2", "p4"}


async def test_phrase_with_exclusion(history: Any, ids: Any) -> None:
    body = await _search(history, '"手冲 咖啡" -速溶')
    assert ids(body, "results") == ["p1"] and body["excluded"] == [["速溶"]]
    assert ["".join(t) for t in body["terms"]] == ["手冲咖啡"], "one phrase term, segmented by jieba"
    assert set(ids(await _search(history, '咖啡 -"手冲 咖啡"'), "results")) == {"p5"}
    assert set(ids(await _search(history, "“手冲 咖啡” 香气"), "results")) == {"p1"}  # Chinese quotes too


async def test_exclusion_and_and(history: Any, ids: Any) -> None:
    assert set(ids(await _search(history, "手冲 -速溶"), "results")) == {"p1", "p4"}
    assert set(ids(await _search(history, "咖啡 香气"), "results")) == {"p1"}
    assert ids(await _search(history, "拿铁"), "results") == ["p3"]
    assert (await _search(history, "抹茶"))["total"] == 0


async def test_snippet_highlights_original_text(history: Any) -> None:
    body = await _search(history, "香气")
    assert body["results"][0]["snippet"] == "今天喝了一杯手冲咖啡，<mark>香气</mark>很足"


async def test_search_with_filters_and_sort(history: Any, ids: Any) -> None:
    assert ids(await _search(history, "咖啡", platforms="wb"), "results") in (["p2", "p1"], ["p1", "p2"])
    assert ids(await _search(history, "咖啡", sort="likes"), "results") == ["p2", "p1", "p5"]


@pytest.mark.parametrize(("q", "field"), [("-速溶", "q"), ("", "q")])
async def test_bad_queries(history: Any, q: str, field: str) -> None:
    response = await history.http.get("/api/data/search", params={"q": q})
    assert response.status_code == 422 and field in response.json()["error"]["message"]


async def test_index_follows_updates_and_deletes(history: Any, ids: Any) -> None:

    async with history.app.state.runtime.sessions() as session:
        await content_service.upsert_posts(
            session,
            [Post(id="p3", platform="xiaohongshu", content="抹茶拿铁上新")],
            now=__import__("datetime").datetime.now(__import__("datetime").UTC),
        )
        await session.commit()
    assert ids(await _search(history, "抹茶"), "results") == ["p3"]
    assert (await _search(history, "美式"))["total"] == 0, "the old text left the index"
