"""GET /api/insights (and the report) over a real sandbox crawl, on SQLite and on the real PostgreSQL."""

from __future__ import annotations

from typing import Any

from tests.reports.checks import assert_self_contained


async def _crawl(client: Any, keywords: list[str], max_results: int = 25) -> str:
    created = await client.http.post(
        "/api/crawl/", json={"platform": "weibo", "keywords": keywords, "max_results": max_results}
    )
    assert created.status_code == 202, created.text
    task_id: str = created.json()["task_id"]
    status = await client.wait_status(task_id)
    assert status["status"] == "completed", status
    return task_id


async def _result_ids(client: Any, task_id: str) -> set[str]:
    body = (await client.http.get(f"/api/crawl/task/{task_id}/results", params={"page_size": 200})).json()
    return {p["id"] for p in body["results"]}


def _cited(body: dict[str, Any]) -> set[str]:
    ids = {i for k in body["keywords"] for i in k["post_ids"]}
    ids |= {p["id"] for p in body["top_posts"]} | {i for a in body["top_authors"] for i in a["post_ids"]}
    ids |= {i for t in body["top_hashtags"] for i in t["post_ids"]} | {
        i for d in body["volume"]["days"] for i in d["post_ids"]
    }
    ids |= {i for c in body["near_duplicates"] for i in c["post_ids"]} | {
        s["id"] for s in body["sentiment"]["per_post"]
    }
    ids |= {i for b in body["sentiment"]["split"] or [] for i in b["post_ids"]} | {v["id"] for v in body["velocity"]}
    return ids


async def test_insights_of_a_sandbox_crawl(api: Any, sandbox: Any, database_url: str) -> None:
    async with api(
        database_url=database_url, sandbox_url=sandbox.url, api_keys_raw="k", headers={"X-API-Key": "k"}
    ) as client:
        task_id = await _crawl(client, ["咖啡", "手冲"])
        ids = await _result_ids(client, task_id)
        assert len(ids) == 50

        response = await client.http.get("/api/insights", params={"task_ids": task_id})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["filters"] == {"task_ids": [task_id]}
        assert body["sample"]["posts"] == 50 and body["sample"]["sufficient"] is True
        assert body["search_keywords"] == ["咖啡", "手冲"]
        words = [k["word"] for k in body["keywords"]]
        assert words and not {"咖啡", "手冲"} & set(words)
        assert _cited(body) <= ids
        split = body["sentiment"]["split"]
        assert sum(b["post_count"] for b in split) == body["sentiment"]["scored"] == 50
        assert all(0 <= s["score"] <= 1 for s in body["sentiment"]["per_post"])
        assert sum(d["posts"] for d in body["volume"]["days"]) + len(body["volume"]["undated_post_ids"]) == 50
        assert body["platforms"] == [
            {"platform": "weibo", "post_count": 50, "share": 1.0, "post_ids": body["platforms"][0]["post_ids"]}
        ]
        assert {t["tag"] for t in body["top_hashtags"]} >= {"咖啡", "手冲"}  # the sandbox prefixes #keyword#
        # The sandbox derives its posts from 10 real ones, so their texts cluster.
        assert body["near_duplicates"] and all(c["size"] >= 2 for c in body["near_duplicates"])
        assert body["velocity"] == []

        # Seen again by a second crawl: each post now has two snapshots, so velocity can be measured.
        again = await _crawl(client, ["咖啡"])
        second = (await client.http.get("/api/insights", params={"task_ids": again, "min_posts": 5})).json()
        assert second["velocity"] and all(v["snapshots"] >= 2 for v in second["velocity"])
        assert {v["id"] for v in second["velocity"]} <= await _result_ids(client, again)

        report = await client.http.get("/api/insights/report", params={"task_ids": task_id, "format": "md"})
        assert report.status_code == 200 and report.headers["content-type"].startswith("text/markdown")
        assert body["keywords"][0]["post_ids"][0] in report.text and body["top_posts"][0]["id"] in report.text
        assert "## Summary" not in report.text  # no LLM configured: no summary, and no invented text
        page = await client.http.get("/api/insights/report", params={"task_ids": task_id, "format": "html"})
        assert page.headers["content-type"].startswith("text/html")
        assert_self_contained(page.text)
        assert body["top_posts"][0]["id"] in page.text


async def test_filters_and_errors(api: Any, sandbox: Any) -> None:
    async with api(sandbox_url=sandbox.url) as client:
        task_id = await _crawl(client, ["拿铁"], max_results=12)
        by_keyword = (await client.http.get("/api/insights", params={"keywords": "拿铁", "min_posts": 5})).json()
        assert by_keyword["sample"]["posts"] == 12 and by_keyword["search_keywords"] == ["拿铁"]
        unfiltered = (await client.http.get("/api/insights")).json()
        assert unfiltered["sample"]["posts"] == 12 and unfiltered["search_keywords"] == ["拿铁"]
        assert unfiltered["sample"]["sufficient"] is False and "too thin" in unfiltered["sample"]["note"]
        other = (await client.http.get("/api/insights", params={"platforms": "dy,xhs"})).json()
        assert other["sample"]["posts"] == 0 and other["filters"]["platforms"] == ["douyin", "xiaohongshu"]
        future = (await client.http.get("/api/insights", params={"published_after": "2100-01-01T00:00:00"})).json()
        assert future["sample"]["posts"] == 0 and future["keywords"] == []
        capped = (await client.http.get("/api/insights", params={"max_posts": 5, "task_ids": task_id})).json()
        assert capped["sample"]["posts"] == 5 and capped["sample"]["available"] == 12

        missing = await client.http.get("/api/insights", params={"task_ids": "nope"})
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
        for params, field in (
            ({"platforms": "myspace"}, "platforms"),
            ({"tz": "Moon/Base"}, "tz"),
            ({"min_posts": 0}, "min_posts"),
            ({"min_post": 3}, "min_post"),
            ({"near_dup_distance": 40}, "near_dup_distance"),
        ):
            bad = await client.http.get("/api/insights", params=params)
            assert bad.status_code == 422, (params, bad.text)
            assert field in [e["field"] for e in bad.json()["error"]["details"]["errors"]], bad.text
        bad_format = await client.http.get("/api/insights/report", params={"format": "pdf"})
        assert bad_format.status_code == 422
        no_llm = await client.http.get("/api/insights/report", params={"summary": "llm"})
        assert no_llm.status_code == 422 and "KEYPICK_LLM_BASE_URL" in no_llm.text
