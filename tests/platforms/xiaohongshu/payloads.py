"""Real captured Xiaohongshu payloads for the tests, freshly loaded each call (tests may mutate them)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from tests.samples import load_sample

# search_notes-1 was captured 2025-10-20 (its card says "05-15"); feed-1 that day at 11:40 China time.
FETCHED_AT = datetime(2025, 10, 20, 4, 0, tzinfo=UTC)
#: A cookie with the two values every call needs (a1 is 52 characters, as the site's).
A1 = "19a3c2b1e4fcafebabe1234567890abcdef1234567890abcdef"
COOKIE = f"a1={A1}; webId=0123456789abcdef0123456789abcdef; web_session=040069b5f3c1e2d4a6b8c0d2e4f6a8b0"


def sample(name: str) -> dict[str, Any]:
    """Return one xhs sample (`search_notes-1`, `feed-2`, ...), freshly parsed."""
    return dict(load_sample("xhs", f"{name}.json"))


def first_item(name: str = "search_notes-1") -> dict[str, Any]:
    """Return the first search item of a search sample."""
    item: dict[str, Any] = sample(name)["data"]["items"][0]
    return item


def note_card(name: str = "feed-2") -> dict[str, Any]:
    """Return the note_card of a feed sample."""
    card: dict[str, Any] = sample(name)["data"]["items"][0]["note_card"]
    return card


def camel(node: Any) -> Any:
    """Return a JSON tree with snake_case keys made camelCase, as the web page's state writes them."""
    if isinstance(node, dict):
        return {"".join(p.title() if i else p for i, p in enumerate(k.split("_"))): camel(v) for k, v in node.items()}
    return [camel(v) for v in node] if isinstance(node, list) else node


def note_page(card: dict[str, Any], note_id: str) -> str:
    """An /explore/{id} page around a real feed note_card (no page was captured), with JS `undefined`s."""
    state = {"note": {"noteDetailMap": {note_id: {"note": camel(card), "comments": None}}, "currentNoteId": None}}
    script = json.dumps(state, ensure_ascii=False).replace("null", "undefined")
    return f"<html><head><title>小红书</title></head><body><script>window.__INITIAL_STATE__={script}</script></body>"


def profile_page(user_id: str, page_data: dict[str, Any]) -> str:
    """A /user/profile/{id} page (no page was captured): userPageData per platforms.md §1.3."""
    script = json.dumps({"user": {"userPageData": page_data, "activeTab": None}}, ensure_ascii=False)
    return (
        f'<html><head><link rel="canonical" href="https://www.xiaohongshu.com/user/profile/{user_id}"></head>'
        f"<body><script>window.__INITIAL_STATE__={script.replace('null', 'undefined')}</script></body></html>"
    )
