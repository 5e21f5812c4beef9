"""Real captured Weibo payloads for the tests, freshly loaded each call (tests may mutate them)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from tests.samples import load_sample

# The timeline was captured in June 2019; its cards say "06-14", so "now" is the day after.
FETCHED_AT = datetime(2019, 6, 15, 0, 0, tzinfo=UTC)
#: The first card of the timeline sample.
FIRST_ID = "4383183661430868"


def timeline() -> dict[str, Any]:
    """The getIndex user-timeline answer (same envelope and cards as search)."""
    return dict(load_sample("weibo", "getindex_user_timeline-1.json"))


def hotflow() -> dict[str, Any]:
    """The hotflow comment page of the first timeline post."""
    return dict(load_sample("weibo", "hotflow-1.json"))


def comments_show() -> dict[str, Any]:
    """The legacy /api/comments/show page."""
    return dict(load_sample("weibo", "comments_show-1.json"))


def first_mblog() -> dict[str, Any]:
    """The mblog of the first timeline card."""
    mblog: dict[str, Any] = timeline()["data"]["cards"][0]["mblog"]
    return mblog


def detail_page(mblog: dict[str, Any]) -> str:
    """A /detail/{mid} page built around a real mblog (no detail page was captured)."""
    render = json.dumps([{"status": mblog, "call": "1"}], ensure_ascii=False)
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>微博</title></head><body>'
        f"<script>var config = {{}};\n    var $render_data = {render}[0] || {{}};\n</script></body></html>"
    )
