"""A Tieba crawl end to end: API → workers → real HTTP to the sandbox → storage → results, on SQLite and PostgreSQL.

The sandbox serves the real captured posts inside envelopes built from the platforms.md field lists
(no Tieba JSON was ever captured); the fault cases use Tieba's own answers (error_code 110001,
the 302 to wappass.baidu.com, error_code != 0).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from keypick.content.models import AuthorRow, CommentRow, PostRow
from keypick.sandbox.tieba_data import real_posts

SEARCH = "/mo/q/search/multsearch"
#: A lease far above any event-loop stall: the first post indexing in a process loads jieba's
#: dictionary synchronously (~4 s, seen 2026-12), which outlives the 3 s test lease and makes
#: another worker resume the task, re-running a page. Resumption is tested in test_kill_resume.py.
LEASE = 30.0
THREAD = "/c/f/pb/page_pc"


async def _count(client: Any, model: Any, **where: Any) -> int:
    async with client.app.state.runtime.sessions() as session:
        query = select(func.count()).select_from(model).filter_by(**where)
        return int(await session.scalar(query) or 0)


async def test_crawl_tieba_end_to_end(api: Any, sandbox: Any, database_url: str) -> None:
    async with api(
        database_url=database_url, sandbox_url=sandbox.url, cookies_tieba="BDUSS=sandbox-user", task_lease_seconds=LEASE
    ) as client:
        created = await client.http.post("/api/crawl/", json={
            "platform": "tieba", "keywords": ["咖啡", "手冲"], "max_results": 25, "include_comments": True,
            "max_comments_per_post": 12, "crawl_author_details": True, "sort_by": "recent",
        })  # fmt: skip
        assert created.status_code == 202, created.text
        task_id = created.json()["task_id"]
        status = await client.wait_status(task_id, timeout=120)
        assert status["status"] == "completed", status
        for unit in status["units"]:
            assert unit["stop_reason"] == "max_results"
            assert unit["new_items"] == 25 and unit["pages_fetched"] == 2
            assert unit["skipped_cards"] == 1  # the forum card on page 1
        assert status["counts"]["posts"] == 50
        assert status["counts"]["comments"] > 0

        results = await client.http.get(f"/api/crawl/task/{task_id}/results",
                                         params={"page_size": 200, "include_comments": True})  # fmt: skip
        data = results.json()
        assert data["total"] == 50 and len({p["id"] for p in data["results"]}) == 50
        titles, forums = {p.title for p in real_posts()}, {p.forum for p in real_posts()}
        replies = 0
        for post in data["results"]:
            assert isinstance(post["id"], str) and post["id"].isdigit() and post["platform"] == "tieba"
            assert post["url"] == f"https://tieba.baidu.com/p/{post['id']}"
            assert isinstance(post["comments"], int) and post["likes"] is None  # Tieba shows no likes
            published = datetime.fromisoformat(post["publish_time"])
            assert published.utcoffset() is not None and published.utcoffset().total_seconds() == 0
            assert post["title"] in titles and post["platform_data"]["forum"] in forums
            keyword = post["keywords"][0]
            assert post["content"].startswith(f"{keyword}：") and not post["content"].endswith("...")  # full text
            assert post["platform_data"]["forum_id"].isdigit() and "content_is_snippet" not in post["platform_data"]
            assert post["author_id"].startswith("tb.1.")
            comments = post["comment_list"]
            assert 0 < len(comments) <= 12 and len({c["comment_id"] for c in comments}) == len(comments)
            for comment in comments:
                assert comment["post_id"] == post["id"] and comment["likes"] is None
                assert datetime.fromisoformat(comment["publish_time"]).utcoffset().total_seconds() == 0
            roots = {c["comment_id"] for c in comments if c["parent_id"] is None}
            replies += sum(1 for c in comments if c["parent_id"] is not None)
            assert all(c["parent_id"] in roots for c in comments if c["parent_id"])
        assert replies > 0  # 楼中楼 were fetched and linked to their floor

        assert await _count(client, PostRow, platform="tieba") == 50
        assert await _count(client, CommentRow, platform="tieba") == status["counts"]["comments"]
        assert await _count(client, AuthorRow, platform="tieba") >= 5

    log = httpx.get(f"{sandbox.url}/_sandbox/requests").json()["requests"]
    assert {e["path"] for e in log} >= {f"/tieba.baidu.com{p}" for p in (SEARCH, THREAD, "/c/s/pc/sync", "/p/comment")}
    assert all("BDUSS" in e["cookies"] for e in log)
    assert sum(e["path"].endswith("/c/s/pc/sync") for e in log) <= 2  # tbs fetched once per task, not per thread


# (fault, expected task status, stop_reason, posts kept)
CASES = [
    # Baidu's security check on the second search page: page 1's 20 threads survive.
    (f"verification@path={SEARCH},after=1", "partial", "verification_required", 20),
    # 110001 未登录 on the first thread detail: the page's cards are kept, the keyword stops.
    (f"login_expired@path={THREAD}", "partial", "login_required", 20),
    # An unknown error_code on the second search page.
    (f"business_error@path={SEARCH},after=1", "partial", "error", 20),
    (f"http_403@path={THREAD},after=3", "partial", "risk_control", 20),
    (f"empty_page@path={SEARCH},after=1", "completed", "end_of_results", 20),
    ("http_5xx@times=2", "completed", "max_results", 30),
]


@pytest.mark.parametrize(("fault", "status", "reason", "kept"), CASES, ids=[c[0] for c in CASES])
async def test_tieba_fault(api: Any, sandbox: Any, fault: str, status: str, reason: str, kept: int) -> None:
    assert httpx.post(f"{sandbox.url}/_sandbox/faults", json=[fault]).status_code == 200
    async with api(sandbox_url=sandbox.url, http_timeout=2.0, task_lease_seconds=LEASE) as client:
        created = await client.http.post(
            "/api/crawl/", json={"platform": "tieba", "keywords": ["咖啡"], "max_results": 30}
        )
        task_id = created.json()["task_id"]
        final = await client.wait_status(task_id, timeout=60)
        assert final["status"] == status, final
        unit = final["units"][0]
        assert unit["stop_reason"] == reason, unit
        assert final["counts"]["posts"] == kept
        if status != "completed":
            assert final["error"] and reason in final["error"] and unit["error"]
        results = (await client.http.get(f"/api/crawl/task/{task_id}/results", params={"page_size": 200})).json()
        assert results["total"] == kept and len({p["id"] for p in results["results"]}) == kept


async def test_a_broken_detail_keeps_the_search_card(api: Any, sandbox: Any) -> None:
    httpx.post(f"{sandbox.url}/_sandbox/faults", json=[f"malformed_json@path={THREAD}"])
    async with api(sandbox_url=sandbox.url, task_lease_seconds=LEASE) as client:
        created = await client.http.post("/api/crawl/", json={
            "platform": "tieba", "keywords": ["咖啡"], "max_results": 20, "include_comments": True,
        })  # fmt: skip
        task_id = created.json()["task_id"]
        final = await client.wait_status(task_id)
        assert final["status"] == "completed" and final["units"][0]["stop_reason"] == "max_results"
        assert final["counts"]["posts"] == 20 and final["counts"]["comments"] == 0
        results = (await client.http.get(f"/api/crawl/task/{task_id}/results", params={"page_size": 50})).json()
        assert all(p["platform_data"]["content_is_snippet"] for p in results["results"])
        assert all(p["content"].startswith("咖啡：") for p in results["results"])


async def test_comment_verification_keeps_posts_and_stops(api: Any, sandbox: Any) -> None:
    httpx.post(f"{sandbox.url}/_sandbox/faults", json=["verification@path=/p/comment,after=2"])
    async with api(sandbox_url=sandbox.url, task_lease_seconds=LEASE) as client:
        created = await client.http.post("/api/crawl/", json={
            "platform": "tieba", "keywords": ["咖啡"], "max_results": 40, "include_comments": True,
        })  # fmt: skip
        final = await client.wait_status(created.json()["task_id"])
        assert final["status"] == "partial"
        assert final["units"][0]["stop_reason"] == "verification_required"
        assert final["counts"]["posts"] == 20  # the page whose comments hit the check is still stored
        assert final["counts"]["comments"] > 0
