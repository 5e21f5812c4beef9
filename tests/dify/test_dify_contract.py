"""Issue 5 items 1-4 beyond test_dify.py: Dify's query-param auth and other key variants, the webhook's key,
Idempotency-Key, configurable text length, document refusals and warnings, root_path, /retrieval as Dify
probes and calls it."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from keypick.dify.openapi import server_warnings
from keypick.dify.service import check_answer_bounds
from keypick.exceptions import ValidationError
from tests.dify.dify_emulation import parse, request_for

PUBLIC = "https://keypick.example.com"
KEY = "dify-key-123"


@pytest.mark.parametrize(
    ("headers", "query"),
    [({}, {"key": KEY}),  # Dify's "Query Param" auth, default name "key"
     ({"Authorization": f"Basic Basic {KEY}"}, {}), ({"Authorization": f"bearer {KEY}"}, {}),
     ({"Authorization": f"Bearer Basic {KEY}"}, {}), ({"X-API-Key": f"Bearer {KEY}"}, {})],
)  # fmt: skip
async def test_every_key_variant_reaches_every_tool(api: Any, headers: dict[str, str], query: dict[str, str]) -> None:
    async with api(workers=0, public_url=PUBLIC, api_keys_raw=KEY) as client:
        tools = {t.name: t for t in parse((await client.http.get("/api/tools/dify/openapi.json")).json())}
        method, url, params, body = request_for(tools["crawl_posts"], {"keywords": "咖啡", "async_mode": "true"})
        started = await client.http.request(method, url.removeprefix(PUBLIC), params=params | query, json=body,
                                            headers=headers)  # fmt: skip
        assert started.status_code == 200, started.text
        assert started.json()["done"] is False and started.json()["next_step"]
        method, url, params, body = request_for(tools["get_crawl_task"], {"task_id": started.json()["task_id"]})
        polled = await client.http.request(method, url.removeprefix(PUBLIC), params=params | query, headers=headers)
        assert polled.status_code == 200 and polled.json()["task_id"] == started.json()["task_id"]
        for name in ("get_tool_schema", "dify_webhook"):
            method, url, params, body = request_for(tools[name], {})
            answer = await client.http.request(method, url.removeprefix(PUBLIC), params=params | query, json=body,
                                               headers=headers)  # fmt: skip
            assert answer.status_code == 200 and isinstance(answer.json(), dict)


async def test_tools_and_webhook_need_a_key_but_the_document_does_not(api: Any) -> None:
    async with api(workers=0, public_url=PUBLIC, api_keys_raw=KEY) as client:
        assert (await client.http.get("/api/tools/dify/openapi.json")).status_code == 200
        assert (await client.http.get("/api/tools/dify/openapi.yaml")).status_code == 200
        for method, path in (("POST", "/api/tools/dify/webhook"), ("POST", "/api/tools/dify/crawl"),
                             ("GET", "/api/tools/dify/schema"), ("GET", "/api/tools/dify/task/x")):  # fmt: skip
            refused = await client.http.request(method, path, json={}, headers={"X-API-Key": "wrong"})
            assert refused.status_code == 401 and KEY not in refused.text
            # Dify shows "Request failed with status code 401 and <body>": short and readable.
            assert len(refused.content) < 400 and "API key" in refused.json()["error"]["message"]


async def test_idempotency_key_pins_one_task(api: Any) -> None:
    async with api(workers=0, public_url=PUBLIC) as client:
        body = {"keywords": "抹茶", "async_mode": True}
        first = await client.http.post("/api/tools/dify/crawl", json=body, headers={"Idempotency-Key": "run-7"})
        again = await client.http.post("/api/tools/dify/crawl", json=body, headers={"Idempotency-Key": "run-7"})
        assert again.json()["task_id"] == first.json()["task_id"] and again.json()["reused"] is True
        other = await client.http.post("/api/tools/dify/crawl", json=body | {"keywords": "乌龙"},
                                       headers={"Idempotency-Key": "run-7"})  # fmt: skip
        assert other.status_code == 409 and other.json()["error"]["code"] == "conflict"


async def test_identical_crawls_at_the_same_moment_make_one_task(api: Any) -> None:
    async with api(workers=0, public_url=PUBLIC) as client:
        body = {"keywords": "拿铁", "async_mode": True}
        answers = await asyncio.gather(*(client.http.post("/api/tools/dify/crawl", json=body) for _ in range(6)))
        assert {a.status_code for a in answers} == {200}
        assert len({a.json()["task_id"] for a in answers}) == 1
        assert sorted(a.json()["reused"] for a in answers) == [False] + [True] * 5


async def test_post_text_length_is_configurable(api: Any, sandbox: Any) -> None:
    async with api(sandbox_url=sandbox.url, public_url=PUBLIC, dify_text_chars=40) as client:
        body = {"keywords": "咖啡", "max_results": 12, "max_posts": 12, "wait_seconds": 30}
        done = (await client.http.post("/api/tools/dify/crawl", json=body)).json()
        assert done["status"] == "completed" and done["posts"]
        assert all(len(p["text"]) <= 40 for p in done["posts"])
        assert any(p["text"].endswith("…") for p in done["posts"]), "long texts are cut, with a mark"


def test_wait_seconds_stays_under_difys_60_second_timeout() -> None:
    check_answer_bounds(wait_seconds=55, max_posts=100)
    for wait, posts in ((56, 20), (-1, 20), (45, 101), (45, 0)):
        with pytest.raises(ValidationError):
            check_answer_bounds(wait_seconds=wait, max_posts=posts)


async def test_document_defaults_and_relative_url(api: Any) -> None:
    async with api(workers=0, public_url=PUBLIC) as client:
        tools = {t.name: t for t in parse((await client.http.get("/api/tools/dify/openapi.json")).json())}
        crawl = {p.name: p for p in tools["crawl_posts"].parameters}
        assert crawl["wait_seconds"].default == 45 and "0 to 55" in crawl["wait_seconds"].description
        assert {p.name for p in tools["crawl_posts"].parameters} == {
            "platform", "keywords", "max_results", "time_range", "sort_by", "include_comments", "wait_seconds",
            "async_mode", "max_posts"}  # fmt: skip
    async with api(workers=0, public_url="/keypick") as client:
        refused = await client.http.get("/api/tools/dify/openapi.json")
        assert refused.status_code == 503 and refused.json()["error"]["code"] == "public_url_missing"


@pytest.mark.parametrize(
    "url",
    ["http://localhost:8000", "http://127.0.0.1:8000", "http://10.0.0.5", "http://172.16.3.4:8000",
     "http://192.168.0.2", "http://printer.local", "http://host.docker.internal:8000", "http://[::1]:8000",
     "http://169.254.1.1"],
)  # fmt: skip
def test_private_servers_warn(url: str) -> None:
    (warning,) = server_warnings(url)
    assert "SSRF_PROXY_ALLOW_PRIVATE" in warning and "docs/dify.md" in warning


def test_public_https_server_does_not_warn() -> None:
    assert server_warnings("https://keypick.example.com") == []
    (plain,) = server_warnings("http://keypick.example.com")
    assert plain == "plain http: Dify Cloud only reaches public https endpoints"


async def test_servers_stay_absolute_behind_a_proxy_prefix(api: Any) -> None:
    async with api(workers=0, public_url=PUBLIC) as client:
        # Behind a proxy the app sees a root_path; FastAPI must not prepend a relative server (dify.md §0.1).
        transport = httpx.ASGITransport(app=client.app, root_path="/keypick")
        async with httpx.AsyncClient(transport=transport, base_url="http://keypick.test") as proxied:
            general = (await proxied.get("/openapi.json")).json()
            dify = (await proxied.get("/api/tools/dify/openapi.json")).json()
        assert general["servers"] == [{"url": PUBLIC}] and dify["servers"] == [{"url": PUBLIC}]


async def test_retrieval_as_dify_probes_and_calls_it(api: Any, sandbox: Any) -> None:
    async with api(sandbox_url=sandbox.url, api_keys_raw=KEY) as client:
        bearer = {"Authorization": f"Bearer {KEY}"}
        # Saving an External Knowledge API: Dify POSTs {endpoint}/retrieval with no body and fails on 403/404/502.
        probe = await client.http.post("/retrieval", headers=bearer)
        assert probe.status_code not in (403, 404, 502)
        wrong = await client.http.post("/retrieval", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 403 and wrong.json()["error_code"] == 1002 and "nope" not in wrong.text
        missing = await client.http.post("/retrieval")
        assert missing.status_code == 403 and missing.json()["error_code"] == 1001
        first = (await client.http.post("/api/tools/dify/crawl", json={"keywords": "咖啡", "max_results": 12},
                                        headers=bearer)).json()  # fmt: skip
        other = (await client.http.post("/api/tools/dify/crawl", json={"keywords": "手冲", "max_results": 12},
                                        headers=bearer)).json()  # fmt: skip
        assert first["status"] == other["status"] == "completed"

        async def retrieve(knowledge_id: str, **setting: Any) -> list[dict[str, Any]]:
            # Dify sends data=json.dumps(params) with its own Content-Type header and a null-free body.
            params: dict[str, Any] = {"retrieval_setting": {"top_k": 5, "score_threshold": 0.0} | setting,
                                      "query": "咖啡", "knowledge_id": knowledge_id}  # fmt: skip
            answer = await client.http.post("/retrieval", content=json.dumps(params),
                                            headers=bearer | {"Content-Type": "application/json"})  # fmt: skip
            assert answer.status_code == 200, answer.text
            records: list[dict[str, Any]] = answer.json()["records"]
            assert all(set(r) == {"content", "score", "title", "metadata"} for r in records)
            assert all(isinstance(r["metadata"], dict) and r["title"] for r in records)
            return records

        first_ids = {p["id"] for p in (await client.http.get(f"/api/tools/dify/task/{first['task_id']}?max_posts=100",
                                                             headers=bearer)).json()["posts"]}  # fmt: skip
        by_task = await retrieve(f"task:{first['task_id']}", top_k=100)
        assert by_task and {r["metadata"]["id"] for r in by_task} <= first_ids
        assert {r["metadata"]["id"] for r in await retrieve("keyword:咖啡", top_k=100)} <= first_ids
        assert len(await retrieve("all", top_k=None)) == 5, "a null top_k falls back to the default"
        assert len(await retrieve("all", top_k=2)) == 2
        with_condition = await client.http.post("/retrieval", headers=bearer, json={
            "knowledge_id": "all", "query": "咖啡", "retrieval_setting": {"top_k": 3, "score_threshold": 0.5},
            "metadata_condition": {"logical_operator": "and", "conditions": []}})  # fmt: skip
        assert with_condition.status_code == 200
        assert all(r["score"] >= 0.5 for r in with_condition.json()["records"])
