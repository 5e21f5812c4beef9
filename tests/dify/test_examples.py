"""examples/dify: the workflow DSL has what Dify's importer needs, calls the real endpoint with real fields, and
its Code node formats a real answer of the running app; the Dify docs name only things that exist."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from keypick.api.app import create_app
from keypick.cli.main import app as cli
from keypick.config import Settings
from keypick.dify.schemas import DifyCrawl
from keypick.dify.service import MAX_WAIT_SECONDS
from tests.dify import dsl_emulation

ROOT = Path(__file__).resolve().parents[2]
DSL = ROOT / "examples/dify/keypick-crawl-workflow.yml"
DOCS = ["docs/dify.md", "docs/dify.zh-CN.md", "examples/dify/README.md", "examples/dify/agent-setup.md"]
KEY = "workflow-key-1"
PUBLIC = "https://keypick.example.com"


def _dsl() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(DSL.read_text(encoding="utf-8"))
    return loaded


def _nodes(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {node["id"]: node for node in doc["workflow"]["graph"]["nodes"]}


def _by_type(doc: dict[str, Any], kind: str) -> dict[str, Any]:
    (node,) = [n for n in doc["workflow"]["graph"]["nodes"] if n["data"]["type"] == kind]
    return node


def test_dsl_has_the_keys_dify_requires() -> None:
    doc = _dsl()
    assert doc["kind"] == "app" and doc["app"]["mode"] == "workflow" and doc["app"]["name"]
    # Dify refuses a non-string version ("Invalid version type"); 0.6.0 imports on Dify ~1.14 and later.
    assert doc["version"] == "0.6.0" and isinstance(doc["version"], str)
    graph = doc["workflow"]["graph"]
    nodes = _nodes(doc)
    assert len(nodes) == len(graph["nodes"]) == 4, "node ids are unique"
    for each in nodes.values():
        assert each["type"] == "custom" and {"x", "y"} <= set(each["position"]) and each["data"]["title"]
    # No Tool node: a custom-tool node names a workspace-specific provider id (dify.md §0.12).
    chain = ["start", "http-request", "code", "end"]
    assert sorted(n["data"]["type"] for n in nodes.values()) == sorted(chain)
    follows = {e["source"]: e["target"] for e in graph["edges"]}
    assert len(follows) == len(graph["edges"]) == 3
    node = _by_type(doc, "start")["id"]
    walked = [nodes[node]["data"]["type"]]
    while node in follows:
        node = follows[node]
        walked.append(nodes[node]["data"]["type"])
    assert walked == chain
    for edge in graph["edges"]:
        assert edge["type"] == "custom" and edge["sourceHandle"] == "source" and edge["targetHandle"] == "target"
        assert edge["data"]["sourceType"] == nodes[edge["source"]]["data"]["type"]
        assert edge["data"]["targetType"] == nodes[edge["target"]]["data"]["type"]
    env = {v["name"]: v for v in doc["workflow"]["environment_variables"]}
    assert env["KEYPICK_URL"]["value_type"] == "string" and env["KEYPICK_API_KEY"]["value_type"] == "secret"
    # Dify's variable factory needs name, value_type and a non-null value; a shipped secret is never filled in.
    assert all(v["value"] == "" and v["id"] and v["selector"] == ["env", v["name"]] for v in env.values())
    start_vars = {v["variable"]: v for v in _by_type(doc, "start")["data"]["variables"]}
    assert set(start_vars) == {"keywords", "platform", "max_results"}
    assert all(v["type"] in ("text-input", "paragraph", "select", "number") for v in start_vars.values())


def test_every_reference_points_at_something_declared() -> None:
    doc = _dsl()
    nodes = _nodes(doc)
    env = {v["name"] for v in doc["workflow"]["environment_variables"]}
    start = _by_type(doc, "start")
    code = _by_type(doc, "code")
    produced = {
        start["id"]: {v["variable"] for v in start["data"]["variables"]},
        _by_type(doc, "http-request")["id"]: {"body", "status_code", "headers", "files"},
        code["id"]: set(code["data"]["outputs"]),
        "env": env,
    }
    text = DSL.read_text(encoding="utf-8")
    references = dsl_emulation.REFERENCE.findall(text)
    assert ("env", "KEYPICK_API_KEY") in references and ("env", "KEYPICK_URL") in references
    for node_id, name in references:
        assert name in produced[node_id], f"{{{{#{node_id}.{name}#}}}} is not declared"
    selectors = [v["value_selector"] for v in code["data"]["variables"]]
    selectors += [o["value_selector"] for o in _by_type(doc, "end")["data"]["outputs"]]
    for node_id, name in selectors:
        assert node_id in nodes and name in produced[node_id]
    kinds = {name: spec["type"] for name, spec in code["data"]["outputs"].items()}
    assert all(o["value_type"] == kinds[o["value_selector"][1]] for o in _by_type(doc, "end")["data"]["outputs"])


def test_http_node_calls_the_real_endpoint_with_real_fields() -> None:
    doc = _dsl()
    data = _by_type(doc, "http-request")["data"]
    assert data["url"] == "{{#env.KEYPICK_URL#}}/api/tools/dify/crawl" and data["method"] == "post"
    app = create_app(Settings(public_url=PUBLIC), workers=0)
    assert "post" in app.openapi()["paths"]["/api/tools/dify/crawl"]
    # The key travels as X-API-Key from the secret, which Dify never rewrites (dify.md §0.8).
    assert data["authorization"]["config"] == {"type": "custom", "header": "X-API-Key",
                                               "api_key": "{{#env.KEYPICK_API_KEY#}}"}  # fmt: skip
    pool = {"env": {"KEYPICK_URL": PUBLIC, "KEYPICK_API_KEY": KEY},
            "start": {"keywords": "咖啡,手冲", "platform": "weibo", "max_results": 12}}  # fmt: skip
    request = dsl_emulation.http_request(data, pool)
    assert request["headers"] == {"X-API-Key": KEY} and request["url"] == f"{PUBLIC}/api/tools/dify/crawl"
    body = request["json"]
    # Every field is one the endpoint's request model really has, and the model accepts the body as sent.
    assert set(body) <= set(DifyCrawl.model_fields)
    validated = DifyCrawl.model_validate(body)
    assert {name: getattr(validated, name) for name in body} == body, "types as the model declares them"
    crawl_props = app.openapi()["paths"]["/api/tools/dify/crawl"]["post"]["requestBody"]["content"]
    schema_ref = crawl_props["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(body) <= set(app.openapi()["components"]["schemas"][schema_ref]["properties"])
    assert body["keywords"] == "咖啡,手冲" and body["max_results"] == 12 and body["platform"] == "weibo"
    # Dify's read timeout must outlast KeyPick's bounded wait (and stay within the older 10/60/20 maxima).
    assert body["wait_seconds"] <= MAX_WAIT_SECONDS and data["timeout"]["read"] >= body["wait_seconds"] + 10
    assert data["timeout"]["connect"] <= 10 and data["timeout"]["read"] <= 60 and data["timeout"]["write"] <= 20


async def _run_workflow(client: Any, inputs: dict[str, Any], key: str) -> dict[str, Any]:
    """Run the DSL as Dify would, with the HTTP node's request sent to the running app."""
    doc = _dsl()
    http_node, code_node = _by_type(doc, "http-request"), _by_type(doc, "code")
    pool: dict[str, dict[str, Any]] = {"env": {"KEYPICK_URL": PUBLIC, "KEYPICK_API_KEY": key},
                                       _by_type(doc, "start")["id"]: inputs}  # fmt: skip
    request = dsl_emulation.http_request(http_node["data"], pool)
    response = await client.http.request(request["method"], request["url"].removeprefix(PUBLIC),
                                         json=request["json"], headers=request["headers"])  # fmt: skip
    # Dify's HTTP node hands the body on as a string (never parsed) plus the status code.
    pool[http_node["id"]] = {"body": response.text, "status_code": response.status_code}
    pool[code_node["id"]] = dsl_emulation.run_code(code_node["data"], pool)
    return {o["variable"]: pool[o["value_selector"][0]][o["value_selector"][1]]
            for o in _by_type(doc, "end")["data"]["outputs"]}  # fmt: skip


async def test_workflow_runs_against_the_app(api: Any, sandbox: Any) -> None:
    async with api(sandbox_url=sandbox.url, public_url=PUBLIC, api_keys_raw=KEY) as client:
        out = await _run_workflow(client, {"keywords": "咖啡,手冲", "platform": "weibo", "max_results": 12}, KEY)
        assert out["status"] == "completed" and out["next_step"].startswith("More posts: call get_crawl_task")
        assert out["total_posts"] == 24 and len(out["posts"]) == 20 and len(out["task_id"]) == 32
        first = out["posts"][0]
        assert first["platform"] == "weibo" and first["url"].startswith("http")
        assert first["url"] in out["summary"] and first["text"][:20] in out["summary"]
        assert out["summary"].startswith(f"completed: 24 posts (task {out['task_id']})")
        # Dify retries a crawl on 5xx/timeouts: running the workflow again returns the same task.
        again = await _run_workflow(client, {"keywords": "咖啡,手冲", "platform": "weibo", "max_results": 12}, KEY)
        assert again["task_id"] == out["task_id"]


@pytest.mark.parametrize(
    ("inputs", "key", "message"),
    [({"keywords": "咖啡", "platform": "weibo", "max_results": 12}, "wrong", "HTTP 401: missing or invalid API key"),
     ({"keywords": "咖啡", "platform": "weibo", "max_results": 0}, KEY, "HTTP 422: max_results"),
     ({"keywords": "咖啡", "platform": "myspace", "max_results": 5}, KEY, "HTTP 422: platform: unknown platform")],
)  # fmt: skip
async def test_workflow_fails_with_keypicks_message(api: Any, inputs: dict[str, Any], key: str, message: str) -> None:
    async with api(workers=0, public_url=PUBLIC, api_keys_raw=KEY) as client:
        with pytest.raises(ValueError, match=message):
            await _run_workflow(client, inputs, key)


def test_code_node_rejects_a_non_json_answer() -> None:
    code = _by_type(_dsl(), "code")["data"]
    pool = {code["variables"][0]["value_selector"][0]: {"body": "<html>502 Bad Gateway</html>", "status_code": 502}}
    with pytest.raises(ValueError, match="did not answer JSON \\(HTTP 502\\): <html>502"):
        dsl_emulation.run_code(code, pool)


def _cli_commands() -> set[str]:
    names = {c.name or (c.callback.__name__ if c.callback else "") for c in cli.registered_commands}
    return names | {g.name for g in cli.registered_groups if g.name}


def _env_names() -> set[str]:
    names = set()
    for name, field in Settings.model_fields.items():
        names.add(f"KEYPICK_{name.upper()}")
        alias = field.validation_alias
        names |= set(getattr(alias, "choices", []) or ([alias] if isinstance(alias, str) else []))
    return {n for n in names if isinstance(n, str)}


@pytest.mark.parametrize("doc", DOCS)
def test_docs_name_only_things_that_exist(doc: str) -> None:
    text = (ROOT / doc).read_text(encoding="utf-8")
    paths = set(re.findall(r"(?<![\w/.:-])((?:docs|examples|src|tests|deploy|scripts)/[\w./-]*\w)", text))
    assert paths, f"{doc} names files"
    for path in sorted(paths):
        assert (ROOT / path).exists(), f"{doc} names {path}, which does not exist"
    workflow_env = {v["name"] for v in _dsl()["workflow"]["environment_variables"]}
    for name in set(re.findall(r"\bKEYPICK_[A-Z_]+[A-Z]\b", text)):
        assert name in _env_names() | workflow_env, f"{doc} names {name}, which is not a setting"
    app = create_app(Settings(public_url=PUBLIC), workers=0)
    # Included routers appear in the OpenAPI paths; /mcp and the documents are mounted on the app itself.
    served = set(app.openapi()["paths"]) | {getattr(r, "path", "") for r in app.routes}
    for path in set(re.findall(r"(?<![\w.])(/(?:api/[\w/{}.-]*[\w}]|retrieval|mcp|openapi\.json))", text)):
        assert path in served, f"{doc} names {path}, which the app does not serve"
    for command in re.findall(r"`keypick (\w+)", text):
        assert command in _cli_commands(), f"{doc}: keypick {command} is not a command"
    for link in re.findall(r"\]\(([^)#:]+)\)", text):
        assert (Path(ROOT / doc).parent / link).resolve().exists(), f"{doc} links to {link}"


def test_readmes_link_the_dify_guides() -> None:
    assert "(docs/dify.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/dify.zh-CN.md)" in (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")
    assert "mcp" in _cli_commands()
