"""Serving the Dify document as JSON and YAML (open: Dify's "import from URL" sends no key)."""

from __future__ import annotations

import logging
from typing import Any

import yaml
from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute

from keypick.config import Settings
from keypick.dify import router as dify_router
from keypick.dify.openapi import dify_document, server_warnings

log = logging.getLogger(__name__)


def install(app: FastAPI, settings: Settings) -> None:
    """Add GET /api/tools/dify/openapi.json and openapi.yaml."""

    def build() -> tuple[dict[str, Any], dict[str, str]]:
        routes = [r for r in dify_router.router.routes if isinstance(r, APIRoute)]
        doc = dify_document(routes, settings.public_url)
        warnings = server_warnings(settings.public_url)
        for warning in warnings:
            log.warning("Dify document: %s", warning)
        return doc, ({"X-KeyPick-Warning": "; ".join(warnings)} if warnings else {})

    @app.get("/api/tools/dify/openapi.json", include_in_schema=False)
    async def dify_openapi_json() -> JSONResponse:
        doc, headers = build()
        return JSONResponse(doc, headers=headers)

    @app.get("/api/tools/dify/openapi.yaml", include_in_schema=False)
    async def dify_openapi_yaml() -> Response:
        doc, headers = build()
        text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
        return Response(text, media_type="application/yaml", headers=headers)
