"""Author's posts (mode "creator") end to end: a real sample user's Weibo timeline, paged by since_id,
through the same engine, filters and tables as a search, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
import pytest

#: The owner of the real user-timeline capture (anonymised id, see samples/SOURCES.md).
UID = "1331994986"


def _timeline_requests(sandbox: Any) -> list[dict[str, Any]]:
    log = httpx.get(f"{sandbox.url}/_sandbox/requests").json()["requests"]
    return [r for r in log if r["params"].get("containerid") == f"107603{UID}"]


async def test_creator_mode_collects_the_authors_posts(api: Any, sandbox: Any, database_url: str) -> None:
    async with api(database_url=database_url, sandbox_url=sandbox.url) as client:
        created = await client.http.post("/api/crawl/", json={
            "platform": "wb", "mode": "creator", "keywords": [UID], "max_results": 25, "include_comments": True,
            "max_comments_per_post": 3,
        })  # fmt: skip
        assert created.status_code == 202, created.text
        task_id = created.json()["task_id"]
        status = await client.wait_status(task_id)
        assert status["status"] == "completed", status
        unit = status["units"][0]
        assert unit["keyword"] == UID and unit["stop_reason"] == "max_results" and unit["pages_fetched"] == 3
        assert status["counts"]["comments"] > 0
        posts = (await client.http.get(f"/api/crawl/task/{task_id}/results", params={"page_size": 50})).json()
        assert posts["total"] == 25
        assert {p["author_id"] for p in posts["results"]} == {UID}
        assert len({p["id"] for p in posts["results"]}) == 25
    pages = _timeline_requests(sandbox)
    # Page 1 without since_id, then each page with the since_id the previous answer gave.
    assert "since_id" not in pages[0]["params"] and all(p["params"]["since_id"].isdigit() for p in pages[1:])
    assert len({p["params"].get("since_id") for p in pages}) == len(pages) == 3


async def test_creator_mode_ends_with_the_timeline_and_applies_filters(api: Any, sandbox: Any) -> None:
    async with api(sandbox_url=sandbox.url) as client:
        created = await client.http.post("/api/crawl/", json={
            "platform": "weibo", "mode": "creator", "keywords": [UID], "max_results": 1000, "min_likes": 1,
        })  # fmt: skip
        status = await client.wait_status(created.json()["task_id"])
        assert status["status"] == "completed", status
        unit = status["units"][0]
        assert unit["stop_reason"] == "end_of_results"
        assert unit["items_seen"] == unit["new_items"] + unit["filtered"] + unit["duplicates"]
        assert unit["new_items"] > 0


async def test_creator_mode_errors(api: Any, sandbox: Any) -> None:
    async with api(sandbox_url=sandbox.url) as client:
        # A platform that reads its creator keywords refuses one that is no author id, naming the field.
        refused = await client.http.post("/api/crawl/", json={"platform": "xhs", "mode": "creator",
                                                               "keywords": ["5f0c0a"]})  # fmt: skip
        assert refused.status_code == 422
        assert refused.json()["error"]["message"].startswith("keywords: ") and "'5f0c0a'" in refused.text
        unknown = await client.http.post("/api/crawl/", json={"platform": "weibo", "mode": "creator",
                                                               "keywords": ["1000000001"]})  # fmt: skip
        status = await client.wait_status(unknown.json()["task_id"])
        assert status["status"] == "failed" and status["units"][0]["stop_reason"] == "error"
        assert "用户不存在" in status["units"][0]["error"]


async def test_a_platform_without_author_posts_refuses_creator_mode(
    api: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Which platforms lack author posts changes as they are wired: take one's capability away instead.
    from keypick.enums import Platform
    from keypick.platforms import registry

    info = registry.INFOS[Platform.WEIBO]
    caps = dataclasses.replace(info.capabilities, author_posts=False)
    monkeypatch.setitem(registry.INFOS, Platform.WEIBO, dataclasses.replace(info, capabilities=caps))
    async with api(sandbox_url=sandbox.url) as client:
        refused = await client.http.post("/api/crawl/", json={"platform": "wb", "mode": "creator",
                                                               "keywords": [UID]})  # fmt: skip
        assert refused.status_code == 422
        message = refused.json()["error"]["message"]
        assert message.startswith("mode: weibo cannot list an author's posts") and "bilibili" in message
        assert "weibo" not in message.partition(";")[2]  # the platforms that can do not include it
        searched = await client.http.post("/api/crawl/", json={"platform": "wb", "keywords": ["咖啡"]})
        assert searched.status_code == 202


def test_the_real_timeline_capture_pages_by_page_number() -> None:
    # The 2019 capture predates since_id: its cardlistInfo names the next page instead.
    from keypick.platforms.weibo.client import _timeline_next
    from tests.samples import load_sample

    payload = load_sample("weibo", "getindex_user_timeline-1.json")
    assert _timeline_next(payload) == {"page": 2}
    payload["data"]["cardlistInfo"]["since_id"] = 4383183661430868
    assert _timeline_next(payload) == {"since_id": "4383183661430868"}
    assert _timeline_next({"ok": 1, "data": {"cardlistInfo": {}, "cards": []}}) is None
