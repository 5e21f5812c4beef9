"""How Dify reads an OpenAPI document and calls a custom tool, written from dify.md §1.3-1.4 (not Dify's code).

Used by the tests to import KeyPick's document and call every operation the way Dify would: servers[0]
concatenated with the path, one parameter per query/path parameter and per top-level body property,
types mapped (integer/number → number, boolean, anything else → string), values cast to those types.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass
class ToolParameter:
    """One parameter as Dify's parser yields it."""

    name: str
    location: str  # query | path | body
    type: str  # string | number | boolean | array | file
    required: bool
    default: Any
    description: str


@dataclass
class Tool:
    """One operation as a Dify tool."""

    name: str
    method: str
    url: str
    description: str
    parameters: list[ToolParameter]
    has_body: bool = False


def _dify_type(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        raise ValueError("invalid schema: unhashable type: 'list'")  # dify#12768
    return {"integer": "number", "number": "number", "boolean": "boolean", "array": "array"}.get(str(kind), "string")


def parse(document: dict[str, Any]) -> list[Tool]:
    """Return the tools Dify would create; raise like Dify does on a document it rejects."""
    info = document["info"]  # KeyError "info" like Dify
    assert isinstance(info, dict)
    servers = document["servers"]
    if not servers:
        raise LookupError("No server found in the openapi yaml.")
    base = servers[0]["url"]
    tools = []
    for path, item in document["paths"].items():
        for method, op in item.items():
            params = [
                ToolParameter(p["name"], p["in"], _dify_type(p.get("schema", {})), bool(p.get("required")),
                              p.get("schema", {}).get("default"), p.get("description", ""))
                for p in op.get("parameters", [])
            ]  # fmt: skip
            body = op.get("requestBody", {}).get("content", {})
            if body:
                schema = next(iter(body.values()))["schema"]
                required = set(schema.get("required", []))
                for name, prop in schema.get("properties", {}).items():
                    params.append(ToolParameter(name, "body", _dify_type(prop), name in required,
                                                prop.get("default"), prop.get("description", "")))  # fmt: skip
            name = op.get("operationId") or f"{path.replace('/', '_')}_{method}"
            description = op.get("description") or op.get("summary") or ""
            tools.append(Tool(name, method, base + path, description, params, has_body=bool(body)))
    return tools


def cast(value: Any, kind: str) -> Any:
    """Cast a value the way Dify's Tool._transform_tool_parameters_type does."""
    if kind == "string":
        return str(value)
    if kind == "number":
        return float(value) if "." in str(value) else int(value)
    if kind == "boolean":
        return not (isinstance(value, str) and value.lower() in ("false", "0", "no")) and bool(value)
    if kind == "array":
        return json.loads(value) if isinstance(value, str) else [value]
    return value


def request_for(tool: Tool, arguments: dict[str, Any]) -> tuple[str, str, dict[str, Any], dict[str, Any] | None]:
    """Return (method, url, query, json body) Dify would send for these LLM arguments."""
    url, query, body = tool.url, {}, {}
    for p in tool.parameters:
        if p.name not in arguments:
            if p.required and p.default is None:
                raise ValueError(f"Missing required parameter {p.name}")
            if p.location == "body" and p.default is not None:
                body[p.name] = p.default
            continue
        value = cast(arguments[p.name], p.type)
        if p.location == "path":
            url = url.replace("{" + p.name + "}", str(value))
        elif p.location == "query":
            if value != "":
                query[p.name] = value
        else:
            body[p.name] = value
    # With a requestBody, Dify always sends json.dumps(body), even "{}".
    return tool.method.upper(), url, query, body if tool.has_body else None
