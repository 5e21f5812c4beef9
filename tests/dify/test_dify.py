"""The Dify document meets dify.md's checklist; every operation works as Dify calls it, with every auth mode."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import yaml

from keypick.dify.openapi import problems
from tests.dify.dify_emulation import parse, request_for

PUBLIC = "https://keypick.example.com"
KEY = "dify-key-123"
AUTH_MODES = {
    "api_key_header custom X-API-Key": {"X-API-Key": KEY},
    "bearer": {"Authorization": f"Bearer {KEY}"},
    "basic (Dify's default)": {"Authorization": f"Basic {KEY}"},
    "custom Authorization": {"Authorization": KEY},
    "repeated prefix (dify#35974)": {"Authorization": f"Bearer Bearer {KEY}"},
    "real basic": {"Authorization": "Basic " + base64.b64encode(f"dify:{KEY}".encode()).decode()},
}


async def test_document_refuses_missing_public_url(api: Any) -> None:
    async with api(workers=0) as client:
        response = await client.http.get("/api/tools/dify/openapi.json")
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "public_url_missing"
        assert "KEYPICK_PUBLIC_URL" in response.json()["error"]["message"]


async def test_document_meets_the_checklist(api: Any) -> None:
    async with api(workers=0, public_url=PUBLIC, api_keys_raw=KEY) as client:
        response = await client.http.get("/api/tools/dify/openapi.json")  # open: Dify imports without a key
        assert response.status_code == 200 and "x-keypick-warning" not in response.headers
        doc = response.json()
        assert problems(doc) == []
        assert doc["servers"] == [{"url": PUBLIC}]
        assert len(response.content) < 100_000
        as_yaml = yaml.safe_load((await client.http.get("/api/tools/dify/openapi.yaml")).text)
        assert as_yaml == doc
        tools = {t.name: t for t in parse(doc)}
        assert set(tools) == {"crawl_posts", "get_crawl_task", "get_tool_schema", "dify_webhook"}
        crawl = {p.name: p for p in tools["crawl_posts"].parameters}
        assert crawl["keywords"].required and crawl["keywords"].type == "string"
        assert crawl["max_results"].type == "number" and crawl["include_comments"].type == "boolean"
        assert "One of: hot, recent" in crawl["sort_by"].description
        assert tools["crawl_posts"].url == f"{PUBLIC}/api/tools/dify/crawl"
        # The general document keeps the rich models and the same absolute server.
        general = (await client.http.get("/openapi.json")).json()
        assert general["servers"] == [{"url": PUBLIC}] and "/api/crawl/" in general["paths"]


async def test_private_server_warns(api: Any) -> None:
    async with api(workers=0, public_url="http://192.168.1.20:8000") as client:
        response = await client.http.get("/api/tools/dify/openapi.json")
        assert response.status_code == 200
        assert "SSRF" in response.headers["x-keypick-warning"]


@pytest.mark.parametrize("mode", list(AUTH_MODES))
async def test_round_trip_as_dify(api: Any, sandbox: Any, mode: str) -> None:
    async with api(sandbox_url=sandbox.url, public_url=PUBLIC, api_keys_raw=KEY) as client:
        tools = {t.name: t for t in parse((await client.http.get("/api/tools/dify/openapi.json")).json())}
        headers = AUTH_MODES[mode]

        async def call(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
            method, url, query, body = request_for(tools[name], arguments)
            response = await client.http.request(method, url.removeprefix(PUBLIC), params=query, json=body,
                                                 headers=headers)  # fmt: skip
            assert response.status_code == 200, response.text
            assert response.headers["content-type"].startswith("application/json")
            data = response.json()
            assert isinstance(data, dict)
            return data

        # The LLM's values arrive as strings; Dify casts them ("30" → 30, "true" → True).
        done = await call(
            "crawl_posts",
            {
                "platform": "wb",
                "keywords": "咖啡,手冲",
                "max_results": "12",
                "wait_seconds": "30",
                "include_comments": "false",
                "max_posts": "5",
            },
        )
        assert done["status"] == "completed" and done["done"] is True
        assert done["total_posts"] == 24 and len(done["posts"]) == 5 and done["has_more"]
        post = done["posts"][0]
        assert set(post) == {
            "id",
            "platform",
            "title",
            "text",
            "url",
            "author",
            "publish_time",
            "likes",
            "comments",
            "shares",
            "collects",
        }
        assert isinstance(post["likes"], int) and len(post["text"]) <= 300
        page2 = await call("get_crawl_task", {"task_id": done["task_id"], "page": "2", "max_posts": "5"})
        assert page2["page"] == 2 and {p["id"] for p in page2["posts"]}.isdisjoint({p["id"] for p in done["posts"]})
        assert (await call("get_tool_schema", {}))["tools"][0]["name"] == "crawl_posts"
        assert (await call("dify_webhook", {}))["received"] is True  # body-less call: Dify sends {}


async def test_retries_reuse_the_task_and_async_mode(api: Any, sandbox: Any) -> None:
    async with api(sandbox_url=sandbox.url, public_url=PUBLIC) as client:
        body = {"platform": "weibo", "keywords": "拿铁", "max_results": 12, "async_mode": True}
        first = (await client.http.post("/api/tools/dify/crawl", json=body)).json()
        assert first["done"] is False and "get_crawl_task" in first["next_step"] and first["reused"] is False
        again = (await client.http.post("/api/tools/dify/crawl", json=body)).json()
        assert again["task_id"] == first["task_id"] and again["reused"] is True
        waited = (await client.http.post("/api/tools/dify/crawl", json=body | {"async_mode": False})).json()
        assert waited["task_id"] == first["task_id"] and waited["status"] == "completed"


@pytest.mark.parametrize(
    ("patch", "field"),
    [({"wait_seconds": 60}, "wait_seconds"), ({"platform": "myspace"}, "platform"), ({"keywords": " , "}, "keywords"),
     ({"time_range": "2w"}, "time_range"), ({"sort_by": "random"}, "sort_by"), ({"max_posts": 0}, "max_posts")],
)  # fmt: skip
async def test_bad_input_names_the_field(api: Any, patch: dict[str, Any], field: str) -> None:
    async with api(workers=0) as client:
        response = await client.http.post("/api/tools/dify/crawl", json={"keywords": "咖啡"} | patch)
        assert response.status_code == 422, response.text
        assert field in response.json()["error"]["message"]


async def test_external_knowledge_retrieval(api: Any, sandbox: Any) -> None:
    async with api(sandbox_url=sandbox.url, api_keys_raw=KEY, headers={"Authorization": f"Bearer {KEY}"}) as client:
        await client.http.post("/api/tools/dify/crawl", json={"keywords": "咖啡", "max_results": 12})
        request = {"knowledge_id": "all", "query": "咖啡", "retrieval_setting": {"top_k": 3, "score_threshold": 0.0}}
        records = (await client.http.post("/retrieval", json=request)).json()["records"]
        assert 1 <= len(records) <= 3
        assert records[0]["score"] == 1.0 and all(0 <= r["score"] <= 1 for r in records)
        assert all(isinstance(r["metadata"], dict) and "咖啡" in r["content"] for r in records)
        strict = request | {"retrieval_setting": {"top_k": 3, "score_threshold": 1.0}}
        assert len((await client.http.post("/retrieval", json=strict)).json()["records"]) >= 1
        by_platform = request | {"knowledge_id": "platform:wb"}
        assert (await client.http.post("/retrieval", json=by_platform)).status_code == 200
        missing = await client.http.post("/retrieval", json=request | {"knowledge_id": "nope"})
        assert missing.status_code == 404 and missing.json()["error_code"] == 2001
        unauthorised = await client.http.post("/retrieval", json=request, headers={"Authorization": "Bearer x"})
        assert unauthorised.status_code == 403 and unauthorised.json()["error_code"] == 1002  # Dify shows 403s
        assert json.dumps(records, ensure_ascii=False).count("metadata") == len(records)
        # Dify sends the user's question: its words are ORed (stopwords and single characters aside), and the
        # posts with the most and rarest of them come first.
        question = request | {"query": "大家觉得咖啡好喝吗？",
                              "retrieval_setting": {"top_k": 5, "score_threshold": 0.0}}  # fmt: skip
        answered = (await client.http.post("/retrieval", json=question)).json()["records"]
        assert answered and all("咖啡" in r["content"] or "好喝" in r["content"] for r in answered), answered
        search = await client.http.get("/api/data/search", params={"q": "大家觉得咖啡好喝吗？"})
        assert search.json()["total"] < len(answered), "the search API reads it as one phrase"
