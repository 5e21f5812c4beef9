"""The contract between the sandbox app and one platform's replay module.

A platform module (weibo.py, later xhs.py, douyin.py, ...) serves one real host.
The app asks it to `classify` a request first (so faults can be scoped by
endpoint, keyword and page), then to `answer` it, or to produce the platform's
own shape of a business error, an expired login or a verification page.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import Response

from keypick.sandbox.faults import FaultSpec


@dataclass(frozen=True)
class Call:
    """What a platform recognised in a request: endpoint name, keyword it belongs to, page."""

    endpoint: str
    keyword: str | None = None
    page: int = 1


class Replay(Protocol):
    """One platform host replayed from real samples."""

    host: str

    def classify(self, method: str, path: str, params: Mapping[str, str]) -> Call | None:
        """Return the Call for a path under the host, or None when there is no replay for it."""

    def answer(self, request: Request, path: str, call: Call, *, empty: bool = False) -> Response:
        """Return the replayed answer; `empty` empties its list of items (empty_page fault)."""

    def business_error(self, fault: FaultSpec) -> Response:
        """Return the platform's business-error answer."""

    def login_expired(self, request: Request, path: str) -> Response:
        """Return what the platform answers when the login has expired."""

    def verification(self) -> Response:
        """Return the platform's captcha / security verification page."""


def json_response(payload: Any, status_code: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """Return compact UTF-8 JSON, byte-stable for equal payloads."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return Response(body, status_code, headers=headers, media_type="application/json; charset=utf-8")


def html_response(text: str, status_code: int = 200) -> Response:
    """Return an HTML page."""
    return Response(text, status_code, media_type="text/html; charset=utf-8")
