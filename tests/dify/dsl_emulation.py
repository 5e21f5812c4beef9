"""How Dify runs a workflow DSL's Start → HTTP Request → Code → End, written from Dify's node code (not copied).

Template references `{{#node.var#}}` / `{{#env.NAME#}}` are replaced textually (a JSON body is rendered, then
parsed); the HTTP node's api-key authorization becomes one header; the Code node calls `main(**inputs)` and
its result is checked against the declared outputs the way Dify's CodeNode._transform_result checks it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

REFERENCE = re.compile(r"\{\{#([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)#\}\}")
# Dify's defaults (CODE_MAX_* in api/configs): longer arrays or strings fail the Code node.
MAX_STRING_LENGTH = 80_000
MAX_OBJECT_ARRAY_LENGTH = 30
MAX_DEPTH = 5


def render(template: str, pool: Mapping[str, Mapping[str, Any]]) -> str:
    """Replace every reference with the variable's text, as Dify's VariablePool.convert_template does."""

    def value(match: re.Match[str]) -> str:
        found = pool[match.group(1)][match.group(2)]
        return found if isinstance(found, str) else json.dumps(found, ensure_ascii=False)

    return REFERENCE.sub(value, template)


def http_request(data: Mapping[str, Any], pool: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Return the method, url, headers and json body Dify's HTTP Request node would send."""
    headers = {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in
               render(data.get("headers") or "", pool).splitlines()) if k.strip()}  # fmt: skip
    auth = data["authorization"]
    if auth["type"] == "api-key":
        config = auth["config"]
        key = render(config["api_key"], pool)
        header = config.get("header") or "Authorization"
        headers[header] = {"bearer": f"Bearer {key}", "basic": f"Basic {key}"}.get(config["type"], key)
    body = data.get("body") or {"type": "none"}
    payload = None
    if body["type"] == "json":
        (item,) = body["data"]  # Dify: "json body type should have exactly one item"
        payload = json.loads(render(item["value"], pool), strict=False)
    url = render(data["url"], pool)
    if not url.startswith(("http://", "https://")):
        raise ValueError("url should start with http:// or https://")  # Dify's InvalidURLError
    return {"method": data["method"].upper(), "url": url, "headers": headers, "json": payload}


def _check_value(value: Any, where: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise ValueError(f"Depth limit {MAX_DEPTH} reached, object too deep.")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_value(item, f"{where}.{key}", depth + 1)
    elif isinstance(value, list):
        kinds = {type(v).__name__ for v in value if v is not None}
        if len(kinds) > 1:
            raise ValueError(f"Output {where} is not a valid array. make sure all elements are of the same type.")
        for i, item in enumerate(value):
            _check_value(item, f"{where}[{i}]", depth + 1)
    elif isinstance(value, str):
        if len(value) > MAX_STRING_LENGTH:
            raise ValueError(f"The length of output variable `{where}` must be less than {MAX_STRING_LENGTH}")
    elif value is not None and not isinstance(value, int | float):
        raise ValueError(f"Output {where} is not a valid type.")


def check_outputs(result: Mapping[str, Any], outputs: Mapping[str, Mapping[str, Any]]) -> None:
    """Raise like Dify's Code node when `result` does not match the declared outputs."""
    if set(result) != set(outputs):
        raise ValueError(f"Not all output parameters are validated: {sorted(result)} vs {sorted(outputs)}")
    for name, spec in outputs.items():
        value, kind = result[name], spec["type"]
        expected = {"string": str, "number": int | float, "object": dict}.get(kind, list)
        if value is not None and not isinstance(value, expected):
            raise ValueError(f"Output {name} is not a {kind}")
        if kind == "array[object]":
            if len(value) > MAX_OBJECT_ARRAY_LENGTH:
                raise ValueError(f"The length of output variable `{name}` must be less than {MAX_OBJECT_ARRAY_LENGTH}")
            if not all(item is None or isinstance(item, dict) for item in value):
                raise ValueError(f"Output {name} holds something that is not an object")
        _check_value(value, name, 1)


def run_code(data: Mapping[str, Any], pool: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Run the Code node's `main` on its input variables; return its checked outputs."""
    assert data["code_language"] == "python3"
    inputs = {v["variable"]: pool[v["value_selector"][0]][v["value_selector"][1]] for v in data["variables"]}
    namespace: dict[str, Any] = {}
    exec(compile(data["code"], "<dify code node>", "exec"), namespace)  # the template's own code, nothing else
    result: dict[str, Any] = namespace["main"](**inputs)
    check_outputs(result, data["outputs"])
    return result
