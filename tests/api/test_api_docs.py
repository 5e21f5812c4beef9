"""docs/api.md keeps up with the app: every public route and every /api/data query parameter is documented."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from keypick.api.app import create_app
from keypick.config import Settings

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
# Served outside the OpenAPI document (MCP is a plain route, Dify's document is built separately), yet public.
EXTRA_PATHS = ("/mcp", "/retrieval", "/api/tools/dify/openapi.json", "/api/tools/dify/openapi.yaml", "/metrics")


@pytest.fixture
def app(make_settings: Callable[..., Settings]) -> FastAPI:
    """The real app (not started: the routes and the OpenAPI document need no database)."""
    return create_app(make_settings(api_keys_raw="doc-key"), workers=0)


@pytest.fixture(scope="module")
def doc() -> str:
    """The text of docs/api.md."""
    return DOC.read_text(encoding="utf-8")


def _mentions_path(doc: str, path: str) -> bool:
    # The whole path, not a prefix of a longer one: "/api/data/" is not documented by "/api/data/search".
    return re.search(re.escape(path) + r"(?![\w{/-])", doc) is not None


def _schema(app: FastAPI) -> dict[str, Any]:
    return app.openapi()


def test_every_public_route_is_documented(app: FastAPI, doc: str) -> None:
    """Each path in the OpenAPI document, plus /mcp, /retrieval and the open extras, appears in docs/api.md."""
    paths = [p for p in _schema(app)["paths"] if not p.startswith("/internal")]
    assert len(paths) > 30  # the whole app, not a stub
    missing = [p for p in (*paths, *EXTRA_PATHS) if not _mentions_path(doc, p)]
    assert missing == []


# Each extra path with the method it serves and what an unauthenticated call really answers (never 404).
EXTRA_CALLS = {"/mcp": ("POST", 401), "/retrieval": ("POST", 403), "/metrics": ("GET", 200),
               "/api/tools/dify/openapi.json": ("GET", 503), "/api/tools/dify/openapi.yaml": ("GET", 503),
               "/internal/tasks": ("POST", 401)}  # fmt: skip


async def test_extra_paths_are_really_served(api: Any) -> None:
    """The paths outside the OpenAPI document exist (else EXTRA_PATHS is stale); 503: no KEYPICK_PUBLIC_URL."""
    assert set(EXTRA_PATHS) | {"/internal/tasks"} == set(EXTRA_CALLS)
    async with api(workers=0, api_keys_raw="doc-key", internal_key="gw") as client:
        for path, (method, status) in EXTRA_CALLS.items():
            response = await client.http.request(method, path, json={})
            assert response.status_code == status, path


def test_internal_route_documented_but_hidden(app: FastAPI, doc: str) -> None:
    """/internal/tasks stays out of the OpenAPI document but the docs explain it and its header."""
    assert not any(p.startswith("/internal") for p in _schema(app)["paths"])
    assert "POST /internal/tasks" in doc
    assert "X-Internal-Key" in doc


def test_every_data_query_parameter_is_documented(app: FastAPI, doc: str) -> None:
    """Every query parameter of every /api/data route is named in backticks in docs/api.md."""
    names: set[str] = set()
    for path, operations in _schema(app)["paths"].items():
        if not path.startswith("/api/data"):
            continue
        for operation in operations.values():
            names |= {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
    assert {"sort", "cursor", "include_stats", "aggregate_by", "score_limit", "dry_run", "q"} <= names
    missing = sorted(n for n in names if f"`{n}`" not in doc)
    assert missing == []


def test_export_body_fields_are_documented(app: FastAPI, doc: str) -> None:
    """POST /api/data/export's own body fields (beyond the filters) are named in docs/api.md."""
    export = _schema(app)["components"]["schemas"]["ExportRequest"]["properties"]
    missing = sorted(n for n in export if f"`{n}`" not in doc)
    assert missing == []


def test_documented_defaults_match_the_code(app: FastAPI, doc: str) -> None:
    """The defaults the docs state for the history routes are the ones the app applies."""
    schema = _schema(app)["paths"]

    def default(path: str, method: str, name: str) -> Any:
        params = schema[path][method]["parameters"]
        return next(p["schema"].get("default") for p in params if p["name"] == name)

    assert default("/api/data/", "get", "sort") == "recent"
    assert default("/api/data/search", "get", "sort") == "relevant"
    assert default("/api/data/aggregate", "get", "tz") == "Asia/Shanghai"
    assert default("/api/data/aggregate", "get", "metrics") == "posts,engagement,authors"
    assert default("/api/data/aggregate", "get", "score_limit") == 2000
    assert default("/api/data/cleanup", "delete", "dry_run") is True
    assert default("/api/insights/report", "get", "format") == "md"
    assert default("/api/insights/report", "get", "summary") == "auto"
    for row in ("| `sort` | `recent` |", "| `sort` | `relevant` |", "| `tz` | `Asia/Shanghai` |",
                "| `metrics` | `posts,engagement,authors` |", "| `score_limit` | 2000 |",
                "| `dry_run` | **true** |", "| `format` | `md` |", "| `summary` | `auto` |"):  # fmt: skip
        assert row in doc
