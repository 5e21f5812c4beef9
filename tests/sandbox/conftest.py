"""Fixtures for the sandbox tests: an in-process sandbox app with a fixed anchor time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from keypick.sandbox import create_sandbox_app

ANCHOR = datetime(2026, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=8)))
BASE = "http://sandbox.test"
SEARCH = "/m.weibo.cn/api/container/getIndex"
HOTFLOW = "/m.weibo.cn/comments/hotflow"


def search_params(keyword: str, page: int | None = None, search_type: str = "1") -> dict[str, Any]:
    """Return the query the crawler sends for one search page (page 1 without `page`)."""
    params: dict[str, Any] = {"containerid": f"100103type={search_type}&q={keyword}", "page_type": "searchall"}
    if page is not None:
        params["page"] = page
    return params


def hotflow_params(mid: str, max_id: int | None = None) -> dict[str, Any]:
    """Return the query of one hotflow page (page 1 without `max_id`)."""
    params: dict[str, Any] = {"id": mid, "mid": mid, "max_id_type": 0}
    if max_id is not None:
        params["max_id"] = max_id
    return params


def posts_of(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the mblogs of a getIndex page in display order, card_group children included."""
    posts = []
    for card in payload["data"]["cards"]:
        if card["card_type"] == 9:
            posts.append(card["mblog"])
        for child in card.get("card_group", []):
            if child["card_type"] == 9:
                posts.append(child["mblog"])
    return posts


def make_client(app: Starlette) -> httpx.AsyncClient:
    """Return a client that calls the app in process."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE)


@pytest.fixture
def sandbox_app() -> Starlette:
    """A sandbox with 5 pages per keyword, no faults, and a fixed anchor time."""
    return create_sandbox_app(anchor=ANCHOR)


@pytest.fixture
async def client(sandbox_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process client for `sandbox_app`."""
    async with make_client(sandbox_app) as http:
        yield http
