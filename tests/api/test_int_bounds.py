"""Every integer the API takes is bounded within 64 bits: beyond, a 422 names the field instead of a 500
(OverflowError in the SQLite or PostgreSQL driver); an unexpected error is logged once."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from keypick.api.app import create_app
from keypick.bounds import INT64_MAX
from tests.conftest import ServerThread

INT64_MIN = -(2**63)
HUGE = 2**64
#: Body integers bounded elsewhere than in their schema, each for a reason (see the test using it).
BOUNDED_OUTSIDE_THE_SCHEMA = {
    # Dify drops JSON Schema bounds; dify/service.py checks these and answers a 422 naming them.
    ("DifyCrawl", "max_results"), ("DifyCrawl", "wait_seconds"), ("DifyCrawl", "max_posts"),
}  # fmt: skip
#: /api/process records are data, not parameters: /clean nulls a count past 2^63-1 and reports it,
#: /validate reports an error (tests/process); ids are text, times are read as times.
RECORDS = {"PostIn", "IdentifiedPostIn"}


def _is_integer(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "integer" or any(o.get("type") == "integer" for o in schema.get("anyOf", []))


def _within_64_bits(schema: dict[str, Any]) -> bool:
    """Both bounds are written and within 64 bits, as JSON numbers (doubles) can say it."""
    options = [schema, *[o for o in schema.get("anyOf", []) if o.get("type") == "integer"]]
    low = next((o["minimum"] for o in options if "minimum" in o), None)
    high = next((o["maximum"] for o in options if "maximum" in o), None)
    # Body schemas write bounds as floats, where 2^63-1 reads 2^63: exact edges are the 422 tests' job.
    return low is not None and high is not None and float(low) >= INT64_MIN and float(high) <= float(INT64_MAX)


def _parameters(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if _is_integer(parameter.get("schema", {})):
                    yield method, path, operation, parameter


def _body_models(spec: dict[str, Any]) -> set[str]:
    """The component schemas a request body can reach ($ref, arrays, anyOf)."""
    seen: set[str] = set()

    def visit(schema: Any) -> None:
        if isinstance(schema, dict):
            ref = schema.get("$ref")
            if isinstance(ref, str) and (name := ref.rsplit("/", 1)[-1]) not in seen:
                seen.add(name)
                visit(spec["components"]["schemas"][name])
            for value in schema.values():
                visit(value)
        elif isinstance(schema, list):
            for value in schema:
                visit(value)

    for operations in spec["paths"].values():
        for operation in operations.values():
            visit(operation.get("requestBody", {}))
    return seen


@pytest.fixture
async def app_spec(api: Any) -> Any:
    async with api(workers=0) as client:
        yield client, (await client.http.get("/openapi.json")).json()


async def test_every_integer_parameter_and_body_field_has_64_bit_bounds(app_spec: Any) -> None:
    _, spec = app_spec
    found = list(_parameters(spec))
    assert len(found) > 40  # the filters of four /api/data routes alone are 28
    for method, path, _, parameter in found:
        assert _within_64_bits(parameter["schema"]), f"{method} {path} {parameter['name']}"
    models = _body_models(spec)
    assert {"ExportRequest", "CrawlRequest", "CleanRequest", "ExtractRequest", "RetrievalRequest"} <= models
    for name in models - RECORDS:
        for field, schema in spec["components"]["schemas"][name].get("properties", {}).items():
            if not _is_integer(schema) or (name, field) in BOUNDED_OUTSIDE_THE_SCHEMA:
                continue
            assert _within_64_bits(schema), (name, field)


@pytest.mark.parametrize("value", [HUGE, -HUGE, INT64_MAX + 1])
async def test_integer_parameters_past_their_bound_are_a_422_naming_them(app_spec: Any, value: int) -> None:
    client, spec = app_spec
    for method, path, operation, parameter in _parameters(spec):
        url = path
        params = {parameter["name"]: str(value)}
        for other in operation.get("parameters", []):
            if other["in"] == "path":
                url = url.replace("{" + other["name"] + "}", "x")
            elif other.get("required") and other["name"] != parameter["name"]:
                params[other["name"]] = "1" if _is_integer(other["schema"]) else "咖啡"
        answer = await client.http.request(method.upper(), url, params=params)
        assert answer.status_code == 422, (method, path, parameter["name"], answer.text)
        fields = [e["field"] for e in answer.json()["error"]["details"]["errors"]]
        assert fields == [parameter["name"]], (path, fields)


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [("/api/data/export", {"min_likes": HUGE}, "min_likes"), ("/api/data/export", {"limit": HUGE}, "limit"),
     ("/api/data/export", {"max_engagement": -HUGE}, "max_engagement"),
     ("/api/tools/dify/crawl", {"keywords": "咖啡", "max_results": HUGE}, "max_results"),
     ("/api/tools/dify/crawl", {"keywords": "咖啡", "wait_seconds": HUGE}, "wait_seconds"),
     ("/api/tools/dify/crawl", {"keywords": "咖啡", "max_posts": HUGE}, "max_posts"),
     ("/api/process/clean", {"posts": [], "near_dup_distance": HUGE}, "near_dup_distance"),
     ("/retrieval", {"knowledge_id": "k", "query": "咖啡", "retrieval_setting": {"top_k": HUGE, "score_threshold": 0}},
      "retrieval_setting.top_k")],
)  # fmt: skip
async def test_integer_body_fields_past_their_bound_are_a_422_naming_them(
    app_spec: Any, path: str, body: dict[str, Any], field: str
) -> None:
    client, _ = app_spec
    answer = await client.http.post(path, json=body)
    assert answer.status_code == 422, answer.text
    assert [e["field"] for e in answer.json()["error"]["details"]["errors"]] == [field]


def _failing_app(app: FastAPI) -> FastAPI:
    @app.get("/api/boom")
    async def boom() -> None:
        raise RuntimeError("boom for the log test")

    return app


def test_an_unexpected_error_is_a_500_envelope_logged_once(make_settings: Any, caplog: Any) -> None:
    app = _failing_app(create_app(make_settings(), workers=0))
    with ServerThread(app) as server, caplog.at_level(logging.ERROR):
        answer = httpx.get(f"{server.url}/api/boom")
    assert answer.status_code == 500
    assert answer.json() == {"error": {"code": "internal_error", "message": "internal server error", "details": {}}}
    tracebacks = [r for r in caplog.records if r.exc_info and "boom for the log test" in str(r.exc_info[1])]
    assert len(tracebacks) == 1, [(r.name, r.getMessage()) for r in tracebacks]
