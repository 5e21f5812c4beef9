"""A Bilibili crawl end to end: API → workers → real HTTP to the sandbox (WBI-signed) → storage → results.

Runs on SQLite and PostgreSQL; the fault cases use Bilibili's own risk answers (-412, -101, -352,
the HTTP 412 page) and check that a stopped task keeps what it had collected.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from keypick.content.models import AuthorRow, CommentRow, PostRow
from keypick.tasks.models import KeywordHitRow

SEARCH = "/x/web-interface/wbi/search"
#: A long task lease: on a loaded machine a page commit can hold the event loop past the 3 s test lease,
#: and another worker would then resume the task mid-page (see the report on heartbeat starvation).
LEASE = 60.0


async def _count(client: Any, model: Any, *where: Any) -> int:
    async with client.app.state.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _requests(sandbox: Any) -> list[dict[str, Any]]:
    log: list[dict[str, Any]] = httpx.get(f"{sandbox.url}/_sandbox/requests").json()["requests"]
    return [r for r in log if r["path"].startswith("/api.bilibili.com/")]


async def test_crawl_bilibili_end_to_end(api: Any, sandbox: Any, database_url: str) -> None:
    async with api(database_url=database_url, sandbox_url=sandbox.url, task_lease_seconds=LEASE) as client:
        created = await client.http.post("/api/crawl/", json={
            "platform": "bili", "keywords": ["咖啡", "手冲"], "max_results": 25, "include_comments": True,
            "max_comments_per_post": 10, "crawl_author_details": True, "sort_by": "recent",
        })  # fmt: skip
        assert created.status_code == 202, created.text
        task_id = created.json()["task_id"]
        status = await client.wait_status(task_id)
        assert status["status"] == "completed", status
        for unit in status["units"]:
            assert unit["stop_reason"] == "max_results"
            assert unit["new_items"] == 25 and unit["pages_fetched"] == 2 and unit["skipped_cards"] == 0
        assert status["counts"]["posts"] == 50 and status["counts"]["comments"] > 0

        results = await client.http.get(f"/api/crawl/task/{task_id}/results", params={"page_size": 200})
        posts = results.json()["results"]
        assert len(posts) == 50 and len({p["id"] for p in posts}) == 50
        for post in posts:
            assert isinstance(post["id"], str) and post["id"].startswith("BV1") and post["platform"] == "bilibili"
            assert post["url"] == f"https://www.bilibili.com/video/{post['id']}"
            # Shares and coins come from /view/detail, the rest from the search item.
            assert all(isinstance(post[k], int) for k in ("likes", "comments", "shares", "collects", "views"))
            assert post["platform_data"]["detail"] is True and isinstance(post["platform_data"]["coins"], int)
            assert post["platform_data"]["aid"].isdigit()
            published = datetime.fromisoformat(post["publish_time"])
            assert published.utcoffset() == timedelta(0) and published <= datetime.now(UTC)
            assert "<em" not in post["title"] and any(k in post["title"] for k in ("咖啡", "手冲"))
            assert post["images"][0].startswith("https://") and post["author_id"].isdigit()
            assert post["keywords"] and set(post["keywords"]) <= {"咖啡", "手冲"}
        assert len([p for p in posts if "咖啡" in p["keywords"]]) == 25

        assert await _count(client, PostRow) == 50 and await _count(client, KeywordHitRow) == 50
        assert await _count(client, CommentRow) == status["counts"]["comments"]
        assert await _count(client, CommentRow, CommentRow.parent_comment_id.is_not(None)) > 0
        assert await _count(client, AuthorRow) > 0
        async with client.app.state.runtime.sessions() as session:
            per_post = (await session.execute(
                select(CommentRow.post_pk, func.count()).group_by(CommentRow.post_pk))).all()  # fmt: skip
        assert len(per_post) == 50 and all(n == 10 for _, n in per_post)

    log = _requests(sandbox)
    paths = {r["path"].removeprefix("/api.bilibili.com") for r in log}
    assert {"/x/web-interface/nav", "/x/web-interface/wbi/search/type", "/x/web-interface/view/detail",
            "/x/v2/reply/wbi/main", "/x/space/wbi/acc/info"} <= paths  # fmt: skip
    assert all(r["status"] == 200 for r in log)
    signed = [r for r in log if "/wbi/" in r["path"]]
    assert signed and all({"w_rid", "wts"} <= set(r["params"]) for r in signed)
    assert all(re.match(r"https://(www|space)\.bilibili\.com/", r["headers"]["referer"]) for r in log)


async def test_all_replies_are_paged_in(api: Any, sandbox: Any, database_url: str) -> None:
    """Beyond the three replies embedded per root, /x/v2/reply/reply pages bring the rest."""
    async with api(database_url=database_url, sandbox_url=sandbox.url, task_lease_seconds=LEASE) as client:
        created = await client.http.post("/api/crawl/", json={
            "platform": "bilibili", "keywords": ["挂耳"], "max_results": 2, "include_comments": True,
            "max_comments_per_post": 90,
        })  # fmt: skip
        status = await client.wait_status(created.json()["task_id"])
        assert status["status"] == "completed", status
        assert status["counts"]["posts"] == 2 and status["counts"]["comments"] == 180
        async with client.app.state.runtime.sessions() as session:
            rows = list(await session.scalars(select(CommentRow)))
        ids = {r.platform_comment_id for r in rows}
        assert len(ids) == 180
        roots = {r.platform_comment_id for r in rows if r.parent_comment_id is None}
        replies = [r for r in rows if r.parent_comment_id is not None]
        assert replies and all(r.parent_comment_id in roots for r in replies)
        assert any(r.platform_data.get("reply_to") in ids for r in replies)  # a reply to a reply
        assert all(isinstance(r.publish_time, datetime) and r.author_id for r in rows)
    sub_pages = [r for r in _requests(sandbox) if r["path"].endswith("/x/v2/reply/reply")]
    assert sub_pages and all({"w_rid", "wts", "root", "pn"} <= set(r["params"]) for r in sub_pages)


async def test_time_window_is_sent_to_bilibili(api: Any, sandbox: Any) -> None:
    async with api(sandbox_url=sandbox.url, task_lease_seconds=LEASE) as client:
        created = await client.http.post("/api/crawl/", json={
            "platform": "bilibili", "keywords": ["拿铁"], "max_results": 200, "time_range": "3d", "sort_by": "recent",
        })  # fmt: skip
        status = await client.wait_status(created.json()["task_id"])
        assert status["status"] == "completed", status
        unit = status["units"][0]
        # The platform filtered the window itself: nothing came back to drop.
        assert unit["stop_reason"] == "end_of_results" and unit["filtered"] == 0
        assert 0 < unit["new_items"] <= 25
        results = (await client.http.get(f"/api/crawl/task/{created.json()['task_id']}/results",
                                         params={"page_size": 200})).json()["results"]  # fmt: skip
        since = datetime.now(UTC) - timedelta(days=3, minutes=5)
        assert all(datetime.fromisoformat(p["publish_time"]) >= since for p in results)
    searches = [r for r in _requests(sandbox) if r["path"].endswith("/search/type")]
    assert searches and all("pubtime_begin_s" in r["params"] and "pubtime_end_s" in r["params"] for r in searches)


# (fault, task status, stop_reason, posts kept). "after=1" lets search page 1 (20 videos) through.
CASES = [
    (f"business_error@path={SEARCH},after=1", "partial", "risk_control", 20),  # -412 请求被拦截
    (f"login_expired@path={SEARCH},after=1", "partial", "login_required", 20),  # -101 账号未登录
    (f"verification@path={SEARCH},after=1", "partial", "risk_control", 20),  # HTTP 412 risk page
    (f"business_error:-352@path={SEARCH},after=1", "partial", "risk_control", 20),  # -352 even with new keys
    (f"business_error@path={SEARCH}", "failed", "risk_control", 0),
    (f"business_error:-352@path={SEARCH},times=1", "completed", "max_results", 30),  # keys rotated, refreshed
    (f"http_429@path={SEARCH},times=2", "completed", "max_results", 30),
    ("business_error:-404@path=/x/web-interface/view/detail", "completed", "max_results", 30),  # card kept
    (f"empty_page@path={SEARCH},after=1", "completed", "end_of_results", 20),
]


@pytest.mark.parametrize(("fault", "status", "reason", "kept"), CASES, ids=[c[0] for c in CASES])
async def test_bilibili_fault(api: Any, sandbox: Any, fault: str, status: str, reason: str, kept: int) -> None:
    assert httpx.post(f"{sandbox.url}/_sandbox/faults", json=[fault]).status_code == 200
    async with api(sandbox_url=sandbox.url, http_timeout=2.0, task_lease_seconds=LEASE) as client:
        created = await client.http.post(
            "/api/crawl/", json={"platform": "bilibili", "keywords": ["咖啡"], "max_results": 30}
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
        if "detail" in fault:
            assert all(p["shares"] is None and "detail" not in p["platform_data"] for p in results["results"])


async def test_comment_block_keeps_posts_and_comments(api: Any, sandbox: Any) -> None:
    httpx.post(f"{sandbox.url}/_sandbox/faults", json=["business_error@path=/x/v2/reply/wbi/main,after=2"])
    async with api(sandbox_url=sandbox.url, task_lease_seconds=LEASE) as client:
        created = await client.http.post("/api/crawl/", json={
            "platform": "bilibili", "keywords": ["咖啡"], "max_results": 30, "include_comments": True,
            "max_comments_per_post": 5,
        })  # fmt: skip
        final = await client.wait_status(created.json()["task_id"])
        assert final["status"] == "partial" and final["units"][0]["stop_reason"] == "risk_control"
        assert final["counts"]["posts"] == 20  # the page whose comments hit the block is still stored
        assert final["counts"]["comments"] == 10  # two videos' first five comments


#: A real uploader of the search capture (anonymised mid, see samples/SOURCES.md).
UPLOADER = "5843802"


async def test_creator_mode_pages_the_uploaders_videos(api: Any, sandbox: Any, database_url: str) -> None:
    async with api(database_url=database_url, sandbox_url=sandbox.url, task_lease_seconds=LEASE) as client:
        created = await client.http.post("/api/crawl/", json={
            "platform": "bili", "mode": "creator", "keywords": [UPLOADER], "max_results": 45,
            "include_comments": True, "max_comments_per_post": 3,
        })  # fmt: skip
        assert created.status_code == 202, created.text
        task_id = created.json()["task_id"]
        status = await client.wait_status(task_id, timeout=90)
        assert status["status"] == "completed", status
        unit = status["units"][0]
        assert unit["stop_reason"] == "max_results" and unit["pages_fetched"] == 2 and unit["new_items"] == 45
        posts = (await client.http.get(f"/api/crawl/task/{task_id}/results",
                                        params={"page_size": 100, "sort_by": "recent"})).json()["results"]  # fmt: skip
        assert len(posts) == 45 and {p["author_id"] for p in posts} == {UPLOADER}
        assert all(p["id"].startswith("BV1") and p["views"] is not None for p in posts)
        assert all(p["shares"] is not None for p in posts)  # completed from /view/detail, same owner
        assert status["counts"]["comments"] > 0
    spaces = [r for r in httpx.get(f"{sandbox.url}/_sandbox/requests").json()["requests"]
              if r["path"].endswith("/x/space/wbi/arc/search")]  # fmt: skip
    assert [r["params"]["pn"] for r in spaces] == ["1", "2"]
    assert all(r["params"]["mid"] == UPLOADER and r["params"]["w_rid"] for r in spaces)


async def test_creator_mode_reaches_the_end_of_the_list(api: Any, sandbox: Any) -> None:
    async with api(sandbox_url=sandbox.url, task_lease_seconds=LEASE) as client:
        body = {"platform": "bilibili", "mode": "creator", "keywords": [UPLOADER], "max_results": 1000}
        created = await client.http.post("/api/crawl/", json=body)
        status = await client.wait_status(created.json()["task_id"], timeout=120)
        assert status["status"] == "completed", status
        unit = status["units"][0]
        assert unit["stop_reason"] == "end_of_results" and unit["new_items"] == 100 and unit["pages_fetched"] == 4
