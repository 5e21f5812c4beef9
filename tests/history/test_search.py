"""Chinese full-text search: segmentation, phrases, exclusions, ranking, highlights — SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
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


async def test_fast_and_filtered_paths_rank_alike(history: Any) -> None:
    """No filter (SQLite: FTS5 alone) and a filter every post passes (join on post) give the same pages."""
    words = ["手冲", "拿铁", "美式", "香气", "速溶"]
    posts = [
        # Repeated texts tie on score, so the pk tie-break is exercised too.
        Post(id=f"q{i}", platform="douyin", content="咖啡" * (1 + i % 4) + words[i % 5] + "咖啡" + words[i % 3],
             likes=i)
        for i in range(45)
    ]  # fmt: skip
    async with history.app.state.runtime.sessions() as session:
        await content_service.upsert_posts(session, posts, now=datetime.now(UTC))
        await session.commit()

    def page(body: dict[str, Any]) -> list[tuple[str, float]]:
        return [(r["id"], r["score"]) for r in body["results"]]

    def ties(items: list[tuple[str, float]]) -> list[tuple[float, frozenset[str]]]:
        # PostgreSQL's RUM path orders ties as its index does, the filtered path by pk: same groups, same scores.
        groups: list[tuple[float, set[str]]] = []
        for pid, score in items:
            if not groups or groups[-1][0] != score:
                groups.append((score, set()))
            groups[-1][1].add(pid)
        return [(score, frozenset(ids)) for score, ids in groups]

    for q in ("咖啡", '"手冲 咖啡"', "咖啡 -拿铁", "咖啡 香气", "咖啡 -速溶 -美式"):
        fast = await _search(history, q, limit=100)
        filtered = await _search(history, q, limit=100, min_likes=0)
        assert fast["total"] == filtered["total"] == len(fast["results"]) > 0, q
        assert fast["total_exact"] and fast["ranked"] == fast["total"]
        assert ties(page(fast)) == ties(page(filtered)), q
        scores = [s for _, s in page(fast)]
        assert scores == sorted(scores, reverse=True) and len(set(scores)) < len(scores), "ranked, with ties"
        for params, full in (({}, fast), ({"min_likes": 0}, filtered)):
            pages = [await _search(history, q, limit=7, offset=o, **params) for o in range(0, fast["total"] + 7, 7)]
            assert [item for p in pages for item in page(p)] == page(full), (q, params)
            assert {p["total"] for p in pages} == {fast["total"]}


async def test_punctuation_around_a_word_still_highlights(history: Any) -> None:
    body = await _search(history, "香气'")
    assert body["total"] == 1 and "<mark>香气</mark>" in body["results"][0]["snippet"]


def test_a_question_is_read_as_any_of_its_words() -> None:
    from keypick.insights import nlp
    from keypick.search.tokenize import fts5_expression, parse_query, tsquery_expression

    question = parse_query("大家一起去电影院吗", any_term=True, ignore=nlp.stopwords())
    assert question.include == [["电影院"]], "stopwords and single characters dropped"
    mixed = parse_query('"手冲 咖啡" 电影院 -速溶', any_term=True, ignore=nlp.stopwords())
    assert fts5_expression(mixed).startswith("(") and " OR " in fts5_expression(mixed)
    assert " | " in tsquery_expression(mixed) and tsquery_expression(mixed).endswith("& !('速溶')")
    assert parse_query("吗", any_term=True, ignore=nlp.stopwords()).include == [["吗"]], "never left empty"
    phrase = [["大家", "一起", "去", "电影院", "吗"]]
    assert parse_query("大家一起去电影院吗").include == phrase, "a search keeps it one phrase"
