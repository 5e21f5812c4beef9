"""The Dify-ready OpenAPI document (dify.md §0): absolute servers[0], short operationIds, flat described
parameters, no anyOf-null, no enums, JSON-object responses, small. The general /openapi.json keeps the
richer models; this one is derived from the same routes and then simplified.
"""

from __future__ import annotations

import copy
import ipaddress
import re
from typing import Any
from urllib.parse import urlsplit

from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from keypick import __version__
from keypick.exceptions import KeyPickError

OPERATION_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
MAX_BYTES = 100_000


class PublicUrlMissing(KeyPickError):
    """KEYPICK_PUBLIC_URL is missing or not absolute: Dify would reject or misroute the document."""

    code = "public_url_missing"
    status_code = 503


def server_warnings(url: str) -> list[str]:
    """Return why Dify may refuse to call this server URL (private or local hosts, plain http)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    warnings = []
    private = host == "localhost" or host.endswith(".local") or host == "host.docker.internal"
    try:
        address = ipaddress.ip_address(host)
        private = private or address.is_private or address.is_loopback or address.is_link_local
    except ValueError:
        pass
    if private:
        warnings.append(f"{host} is a private or local address: Dify's SSRF protection blocks it unless the Dify "
                        "admin allow-lists it (SSRF_PROXY_ALLOW_PRIVATE_IPS / _DOMAINS, see docs/dify.md)")  # fmt: skip
    if parts.scheme == "http" and not private:
        warnings.append("plain http: Dify Cloud only reaches public https endpoints")
    return warnings


def check_public_url(url: str) -> str:
    """Return the URL if absolute http(s); raise PublicUrlMissing otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PublicUrlMissing(
            "set KEYPICK_PUBLIC_URL to the absolute URL Dify uses to reach KeyPick (e.g. https://keypick.example.com); "
            f"got {url!r}"
        )
    return url.rstrip("/")


def _flatten(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    """Inline $refs, turn anyOf-null into the plain type, move enums into the description."""
    if "$ref" in schema:
        schema = copy.deepcopy(components[schema["$ref"].rsplit("/", 1)[-1]])
    if "anyOf" in schema:
        options = [o for o in schema.pop("anyOf") if o.get("type") != "null"]
        if options:
            schema = {**_flatten(options[0], components), **schema}
    if "enum" in schema:
        values = ", ".join(str(v) for v in schema.pop("enum"))
        desc = schema.get("description", "")
        if "One of" not in desc:
            schema["description"] = (desc + f" One of: {values}.").strip()
    schema.pop("title", None)
    if "properties" in schema:
        schema["properties"] = {k: _flatten(v, components) for k, v in schema["properties"].items()}
    if "items" in schema:
        schema["items"] = _flatten(schema["items"], components)
    return schema


def dify_document(routes: list[APIRoute], public_url: str) -> dict[str, Any]:
    """Build the simplified document for the given routes with servers[0] = public_url."""
    url = check_public_url(public_url)
    doc = get_openapi(
        title="KeyPick", version=__version__, routes=routes, servers=[{"url": url}],
        description="Collect public social-media posts (Weibo, Xiaohongshu, Douyin, Kuaishou, Bilibili, Tieba, "
        "Zhihu) by keyword and read them back as compact JSON.",
    )  # fmt: skip
    components = doc.get("components", {}).get("schemas", {})
    for path_item in doc["paths"].values():
        for op in path_item.values():
            op.pop("tags", None)
            for param in op.get("parameters", []):
                param["schema"] = _flatten(param.get("schema", {}), components)
                param.setdefault("description", param["schema"].pop("description", param["name"]))
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                body["schema"] = _flatten(body["schema"], components)
            op["responses"] = {"200": {"description": "A JSON object.", "content": {
                "application/json": {"schema": {"type": "object"}}}}}  # fmt: skip
    doc.pop("components", None)
    return doc


def problems(doc: dict[str, Any]) -> list[str]:
    """Return every way the document breaks dify.md's checklist (empty when it is fine)."""
    import json

    found = []
    servers = doc.get("servers") or []
    if not servers or not urlsplit(servers[0].get("url", "")).netloc:
        found.append("servers[0].url is missing or relative")
    text = json.dumps(doc)
    if '"anyOf"' in text or '"$ref"' in text or '"enum"' in text:
        found.append("anyOf, $ref or enum left in the document")
    if len(text.encode()) > MAX_BYTES:
        found.append(f"document is {len(text.encode())} bytes (> {MAX_BYTES})")
    for path, item in doc.get("paths", {}).items():
        for method, op in item.items():
            where = f"{method.upper()} {path}"
            if not OPERATION_ID.match(op.get("operationId", "")):
                found.append(f"{where}: operationId {op.get('operationId')!r} is not short and explicit")
            if not (op.get("description") or op.get("summary")):
                found.append(f"{where}: no description")
            for param in op.get("parameters", []):
                if not param.get("description"):
                    found.append(f"{where}: parameter {param['name']} has no description")
                if param["schema"].get("type") not in ("string", "integer", "number", "boolean"):
                    found.append(f"{where}: parameter {param['name']} is not a flat scalar")
            schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            for name, prop in schema.get("properties", {}).items():
                if prop.get("type") not in ("string", "integer", "number", "boolean"):
                    found.append(f"{where}: body field {name} is not a flat scalar")
                if not prop.get("description"):
                    found.append(f"{where}: body field {name} has no description")
    return found
