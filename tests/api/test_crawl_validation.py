"""Bad input on every field of POST /api/crawl/ gets a 422 naming the field and the reason; nothing is written."""

from __future__ import annotations

import json
from typing import Any

import pytest

GOOD: dict[str, Any] = {"platform": "weibo", "keywords": ["咖啡"]}

CASES: list[tuple[dict[str, Any], str, str]] = [
    ({"max_results": True}, "max_results", "whole number, not true"),
    ({"min_likes": False}, "min_likes", "whole number, not false"),
    ({"platform": "myspace"}, "platform", "unknown platform"),
    ({"platform": ""}, "platform", "unknown platform"),
    ({"keywords": []}, "keywords", "at least 1"),
    ({"keywords": [""]}, "keywords", "must not be empty"),
    ({"keywords": ["咖啡", " "]}, "keywords", "must not be empty"),
    ({"keywords": ["x" * 101]}, "keywords", "longer than 100"),
    ({"keywords": [f"k{i}" for i in range(21)]}, "keywords", "at most 20"),
    ({"keywords": 5}, "keywords", "valid list"),
    ({"max_results": 0}, "max_results", "greater than or equal to 1"),
    ({"max_results": 1001}, "max_results", "less than or equal to 1000"),
    ({"max_results": "many"}, "max_results", "valid integer"),
    ({"time_range": "2w"}, "time_range", "not a time range"),
    ({"time_range": "2024-05-01,2024-04-01"}, "time_range", "starts after it ends"),
    ({"time_range": "2024-02-30,2024-03-01"}, "time_range", "invalid date"),
    ({"sort_by": "random"}, "sort_by", "'hot', 'recent', 'likes', 'comments' or 'shares'"),
    ({"include_comments": "perhaps"}, "include_comments", "valid boolean"),
    ({"max_comments_per_post": -1}, "max_comments_per_post", "greater than or equal to 0"),
    ({"max_comments_per_post": 1001}, "max_comments_per_post", "less than or equal to 1000"),
    ({"crawl_author_details": "sometimes"}, "crawl_author_details", "valid boolean"),
    ({"min_likes": -5}, "min_likes", "greater than or equal to 0"),
    ({"min_comments": "lots"}, "min_comments", "valid integer"),
    ({"exclude_keywords": [f"w{i}" for i in range(51)]}, "exclude_keywords", "at most 50"),
    ({"content_type": "gif"}, "content_type", "'all', 'video', 'image', 'answer' or 'article'"),
    ({"content_type": "video"}, "content_type", "weibo can filter content_type all only"),
    ({"surprise": 1}, "surprise", "Extra inputs are not permitted"),
]


async def test_platforms_list_their_native_content_types(api: Any) -> None:
    async with api(workers=0) as client:
        listed = (await client.http.get("/api/crawl/platforms")).json()["platforms"]
        types = {p["platform"]: p["capabilities"]["content_types"] for p in listed}
        assert types["xiaohongshu"] == ["all", "video", "image"]
        assert types["zhihu"] == ["all", "answer", "article", "video"]
        assert types["bilibili"] == ["all", "video"]
        assert types["weibo"] == types["douyin"] == types["kuaishou"] == types["tieba"] == ["all"]


@pytest.mark.parametrize(("patch", "field", "reason"), CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)])
async def test_bad_field_is_named(api: Any, patch: dict[str, Any], field: str, reason: str) -> None:
    async with api(workers=0) as client:
        response = await client.http.post("/api/crawl/", json=GOOD | patch)
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert error["code"] == "validation_error"
        fields = [e["field"] for e in error["details"]["errors"]]
        assert any(f == field or f.startswith(f"{field}[") for f in fields), error
        assert reason in error["message"], error["message"]
        listed = (await client.http.get("/api/crawl/tasks")).json()
        assert listed["total"] == 0, "a rejected request must not create a task"


async def test_missing_required_fields(api: Any) -> None:
    async with api(workers=0) as client:
        response = await client.http.post("/api/crawl/", json={})
        assert response.status_code == 422
        fields = {e["field"] for e in response.json()["error"]["details"]["errors"]}
        assert fields == {"platform", "keywords"}


async def test_body_not_json(api: Any) -> None:
    async with api(workers=0) as client:
        response = await client.http.post(
            "/api/crawl/", content=b"{not json", headers={"content-type": "application/json"}
        )
        assert response.status_code == 422
        assert "JSON" in response.json()["error"]["message"]


async def test_body_errors_say_what_is_wrong(api: Any) -> None:
    async with api(workers=0) as client:
        broken = await client.http.post(
            "/api/crawl/", content=b'{"platform": "weibo",}', headers={"content-type": "application/json"}
        )
        error = broken.json()["error"]
        assert broken.status_code == 422 and error["details"]["errors"][0]["field"] == "body"
        assert "not valid JSON" in error["message"] and "at character" in error["message"]
        for content_type in ("text/plain", "application/x-www-form-urlencoded"):
            sent = await client.http.post(
                "/api/crawl/", content=json.dumps(GOOD).encode(), headers={"content-type": content_type}
            )
            assert sent.status_code == 422
            assert f"Content-Type: application/json (got {content_type})" in sent.json()["error"]["message"]


async def test_aliases_and_comma_lists_accepted(api: Any) -> None:
    async with api(workers=0) as client:
        response = await client.http.post(
            "/api/crawl/",
            json={"platform": "WB", "keywords": "咖啡, 手冲，拿铁", "time_range": "2024-01-01,2024-01-31"},
        )
        assert response.status_code == 202, response.text
        status = (await client.http.get(f"/api/crawl/status/{response.json()['task_id']}")).json()
        assert status["platform"] == "weibo"
        assert status["keywords"] == ["咖啡", "手冲", "拿铁"]
        assert status["status"] == "pending"


async def test_unknown_task_is_404_json(api: Any) -> None:
    async with api(workers=0) as client:
        for method, path in [("GET", "/api/crawl/status/nope"), ("GET", "/api/crawl/task/nope/results"),
                             ("DELETE", "/api/crawl/task/nope")]:  # fmt: skip
            response = await client.http.request(method, path)
            assert response.status_code == 404
            assert response.json()["error"]["code"] == "not_found"


async def test_results_query_validation(api: Any) -> None:
    async with api(workers=0) as client:
        task_id = (await client.http.post("/api/crawl/", json=GOOD)).json()["task_id"]
        bad = await client.http.get(f"/api/crawl/task/{task_id}/results", params={"fields": "id,likez"})
        assert bad.status_code == 422 and "likez" in bad.json()["error"]["message"]
        bad = await client.http.get(f"/api/crawl/task/{task_id}/results", params={"page_size": 0})
        assert bad.status_code == 422 and bad.json()["error"]["details"]["errors"][0]["field"] == "page_size"
        bad = await client.http.get("/api/crawl/tasks", params={"status": "sleeping"})
        assert bad.status_code == 422 and "status" in bad.json()["error"]["message"]
