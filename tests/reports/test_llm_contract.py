"""Contract test of the report summary against a LOCAL stub of the providers (no internet).

A small Starlette app under uvicorn on loopback plays an OpenAI-compatible endpoint
(POST /v1/chat/completions), a Dify workflow (POST /dify/v1/workflows/run) and Langfuse's
ingestion API (POST /langfuse/api/public/ingestion). It records every request and answers
with sentences that cite real ids, cite nothing, or cite an invented id. The tests pin the
request shape KeyPick sends (model, messages, auth, blocking mode, one map call per chunk,
then a reduce, one trace batch per report) and that citations are enforced.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.conftest import ServerThread

FAKE_ID = "9999999999999999"
_ID_LINE = re.compile(r"^\[([^\]]+)\]", re.MULTILINE)


class Stub:
    """Records requests; answers each stage with one cited, one uncited and one invented-id sentence."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.fail = False

    @staticmethod
    def answer(stage: str, content: str) -> str:
        if stage == "reduce":
            partials = content.split("Partial summaries:\n", 1)[1].splitlines()
            return "".join(partials[:2]) + "总体来看大家都很满意。" + f"这是编造的 [{FAKE_ID}]。"
        first = _ID_LINE.findall(content)[0]
        return f"这批帖子谈到了日常生活 [{first}]。没有来源的一句话。编造的内容 [{FAKE_ID}]。"

    async def chat(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.requests.append({"path": request.url.path, "headers": dict(request.headers), "json": body})
        if self.fail:
            return JSONResponse({"error": {"message": "boom"}}, status_code=500)
        system, user = body["messages"][0]["content"], body["messages"][1]["content"]
        stage = "reduce" if user.startswith("Facts") and "Partial summaries" in user else "map"
        text = self.answer(stage, user)
        return JSONResponse(
            {
                "id": "c1",
                "object": "chat.completion",
                "model": body["model"],
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                "usage": {
                    "prompt_tokens": len(system + user),
                    "completion_tokens": 9,
                    "total_tokens": len(system + user) + 9,
                },
            }
        )

    async def langfuse(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.requests.append({"path": request.url.path, "headers": dict(request.headers), "json": body})
        # Langfuse answers 207 Multi-Status with one entry per event.
        return JSONResponse({"successes": [{"id": e["id"], "status": 201} for e in body["batch"]], "errors": []},
                            status_code=207)  # fmt: skip

    async def dify(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.requests.append({"path": request.url.path, "headers": dict(request.headers), "json": body})
        inputs = body["inputs"]
        text = self.answer(inputs["stage"], inputs["content"])
        return JSONResponse(
            {
                "workflow_run_id": "run-1",
                "task_id": "task-1",
                "data": {
                    "id": "run-1",
                    "workflow_id": "wf-1",
                    "status": "succeeded",
                    "outputs": {"summary": text},
                    "error": None,
                    "elapsed_time": 0.01,
                    "total_tokens": 10,
                    "total_steps": 3,
                    "created_at": 0,
                    "finished_at": 0,
                },
            }
        )


@pytest.fixture
def stub() -> Iterator[tuple[Stub, str]]:
    """The stub provider server on loopback and its base URL."""
    recorder = Stub()
    app = Starlette(
        routes=[
            Route("/v1/chat/completions", recorder.chat, methods=["POST"]),
            Route("/dify/v1/workflows/run", recorder.dify, methods=["POST"]),
            Route("/langfuse/api/public/ingestion", recorder.langfuse, methods=["POST"]),
        ]
    )
    with ServerThread(app) as server:
        yield recorder, server.url


async def _crawl(client: Any) -> tuple[str, set[str]]:
    created = await client.http.post("/api/crawl/", json={"platform": "weibo", "keywords": ["咖啡"], "max_results": 12})
    task_id = created.json()["task_id"]
    assert (await client.wait_status(task_id))["status"] == "completed"
    results = (await client.http.get(f"/api/crawl/task/{task_id}/results", params={"page_size": 100})).json()
    return task_id, {p["id"] for p in results["results"]}


def _summary_section(markdown: str) -> str:
    return markdown.split("## Summary", 1)[1].split("## Sample", 1)[0]


async def test_openai_compatible_map_reduce_and_citations(
    api: Any, sandbox: Any, stub: tuple[Stub, str], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    recorder, url = stub
    monkeypatch.setenv("KEYPICK_LLM_BASE_URL", f"{url}/v1/")
    monkeypatch.setenv("KEYPICK_LLM_API_KEY", "sk-contract-secret")
    monkeypatch.setenv("KEYPICK_LLM_MODEL", "stub-model")
    monkeypatch.setenv("KEYPICK_LLM_CHUNK_CHARS", "700")  # small budget: several map chunks
    caplog.set_level(logging.DEBUG)
    async with api(sandbox_url=sandbox.url) as client:
        task_id, ids = await _crawl(client)
        response = await client.http.get("/api/insights/report", params={"task_ids": task_id, "min_posts": 5})
    assert response.status_code == 200, response.text

    calls = [r for r in recorder.requests if r["path"] == "/v1/chat/completions"]
    maps = [c for c in calls if not c["json"]["messages"][1]["content"].startswith("Facts")]
    reduces = [c for c in calls if c["json"]["messages"][1]["content"].startswith("Facts")]
    assert len(maps) >= 2 and len(reduces) == 1 and len(calls) == len(maps) + 1
    for call in calls:
        body = call["json"]
        assert call["headers"]["authorization"] == "Bearer sk-contract-secret"
        assert body["model"] == "stub-model" and body["temperature"] == 0.2
        assert [m["role"] for m in body["messages"]] == ["system", "user"]
        assert "square brackets" in body["messages"][0]["content"]
    # Every post goes to exactly one map call, each chunk within the character budget.
    mapped = [_ID_LINE.findall(c["json"]["messages"][1]["content"]) for c in maps]
    assert sorted(i for chunk in mapped for i in chunk) == sorted(ids)
    for call in maps:
        posts_text = call["json"]["messages"][1]["content"].removeprefix("Posts:\n")
        assert len(posts_text) <= 700 or posts_text.count("\n") == 0
    # Map sentences without citations or with invented ids never reach the reduce prompt.
    reduce_prompt = reduces[0]["json"]["messages"][1]["content"]
    assert "没有来源的一句话" not in reduce_prompt and FAKE_ID not in reduce_prompt
    assert reduce_prompt.count("这批帖子谈到了日常生活") == len(maps)

    section = _summary_section(response.text)
    assert f"in {len(maps)} chunk(s), {len(calls)} call(s)" in section
    kept = [line for line in section.split("<details>")[0].splitlines() if line.startswith("- ")]
    assert kept and all(re.search(r"\[(\d+)\]", line) for line in kept)
    assert all(re.search(r"\[(\d+)\]", line).group(1) in ids for line in kept)  # type: ignore[union-attr]
    dropped = section.split("<details>")[1]
    assert "总体来看大家都很满意。 — no [post id] citation" in dropped
    assert f"not in the data: {FAKE_ID}" in dropped
    assert all("sk-contract-secret" not in r.getMessage() for r in caplog.records)


async def test_dify_workflow_request_shape(
    api: Any, sandbox: Any, stub: tuple[Stub, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder, url = stub
    monkeypatch.setenv("DIFY_API_URL", f"{url}/dify/v1")
    monkeypatch.setenv("DIFY_REPORT_APP_KEY", "app-contract-key")
    async with api(sandbox_url=sandbox.url) as client:
        task_id, ids = await _crawl(client)
        response = await client.http.get("/api/insights/report", params={"task_ids": task_id, "format": "html"})
    assert response.status_code == 200, response.text
    calls = [r for r in recorder.requests if r["path"] == "/dify/v1/workflows/run"]
    assert len(calls) == 1  # 12 posts fit one prompt at the default budget: one "final" call
    call = calls[0]
    assert call["headers"]["authorization"] == "Bearer app-contract-key"
    assert call["json"]["response_mode"] == "blocking" and call["json"]["user"] == "keypick"
    assert set(call["json"]["inputs"]) == {"stage", "instructions", "content"}
    assert call["json"]["inputs"]["stage"] == "final"
    assert set(_ID_LINE.findall(call["json"]["inputs"]["content"])) == ids
    assert "这批帖子谈到了日常生活" in response.text and "Dropped sentences" in response.text
    assert "<script" not in response.text


async def test_provider_failure_keeps_the_report(
    api: Any, sandbox: Any, stub: tuple[Stub, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder, url = stub
    recorder.fail = True
    monkeypatch.setenv("KEYPICK_LLM_BASE_URL", f"{url}/v1")
    monkeypatch.setenv("KEYPICK_LLM_MODEL", "stub-model")
    async with api(sandbox_url=sandbox.url) as client:
        task_id, _ = await _crawl(client)
        response = await client.http.get("/api/insights/report", params={"task_ids": task_id, "summary": "llm"})
        skipped = await client.http.get("/api/insights/report", params={"task_ids": task_id, "summary": "none"})
    assert response.status_code == 200
    assert "_No summary: the LLM endpoint answered HTTP 500_" in response.text
    assert "## Summary" not in skipped.text
    assert all("authorization" not in r["headers"] for r in recorder.requests)  # no key set, none sent


async def test_langfuse_traces_each_call_when_configured(
    api: Any, sandbox: Any, stub: tuple[Stub, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import base64

    recorder, url = stub
    monkeypatch.setenv("LANGFUSE_PUBLIC_KEY", "pk-lf")
    monkeypatch.setenv("LANGFUSE_SECRET_KEY", "sk-lf")
    monkeypatch.setenv("LANGFUSE_HOST", f"{url}/langfuse/")
    monkeypatch.setenv("KEYPICK_LLM_BASE_URL", f"{url}/v1")
    monkeypatch.setenv("KEYPICK_LLM_MODEL", "stub-model")
    monkeypatch.setenv("KEYPICK_LLM_CHUNK_CHARS", "700")  # several map calls, then a reduce
    async with api(sandbox_url=sandbox.url) as client:
        task_id, _ = await _crawl(client)
        response = await client.http.get("/api/insights/report", params={"task_ids": task_id, "min_posts": 5})
    assert response.status_code == 200
    llm_calls = [r for r in recorder.requests if r["path"] == "/v1/chat/completions"]
    traces = [r for r in recorder.requests if r["path"] == "/langfuse/api/public/ingestion"]
    assert len(llm_calls) >= 3 and len(traces) == 1, "one batch per report, after the calls"
    assert traces[0]["headers"]["authorization"] == "Basic " + base64.b64encode(b"pk-lf:sk-lf").decode()
    batch = traces[0]["json"]["batch"]
    assert [e["type"] for e in batch] == ["trace-create"] + ["generation-create"] * len(llm_calls)
    assert len({e["id"] for e in batch}) == len(batch)
    trace_id = batch[0]["body"]["id"]
    generations = [e["body"] for e in batch[1:]]
    assert all(g["traceId"] == trace_id and g["model"] == "stub-model" for g in generations)
    assert {g["name"] for g in generations} == {"keypick-report-map", "keypick-report-reduce"}
    # What was sent and answered is what the trace shows, with the token counts the endpoint reported.
    sent = sorted(c["json"]["messages"][1]["content"] for c in llm_calls)
    assert sorted(g["input"][1]["content"] for g in generations) == sent
    assert all(g["output"] and g["usage"]["output"] == 9 and g["usage"]["unit"] == "TOKENS" for g in generations)
    assert all("sk-lf" not in str(c["json"]) for c in llm_calls)


async def test_langfuse_outage_does_not_cost_the_report(
    api: Any, sandbox: Any, stub: tuple[Stub, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder, url = stub
    monkeypatch.setenv("LANGFUSE_PUBLIC_KEY", "pk-lf")
    monkeypatch.setenv("LANGFUSE_SECRET_KEY", "sk-lf")
    monkeypatch.setenv("LANGFUSE_HOST", "http://127.0.0.1:9")  # nothing listens on the discard port
    monkeypatch.setenv("KEYPICK_LLM_BASE_URL", f"{url}/v1")
    monkeypatch.setenv("KEYPICK_LLM_MODEL", "stub-model")
    async with api(sandbox_url=sandbox.url) as client:
        task_id, _ = await _crawl(client)
        response = await client.http.get("/api/insights/report", params={"task_ids": task_id})
    assert response.status_code == 200 and "## Summary" in response.text
    assert len(recorder.requests) == 1
