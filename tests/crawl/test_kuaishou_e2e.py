"""A Kuaishou crawl end to end: API → workers → REAL headless Chromium signer → sandbox over HTTP → storage.

Each search page is signed by the `$encode` object of the sandbox's www.kuaishou.com page, found by
the same init script as on the real site (platforms.md §3.2), then sent by httpx with `__NS_hxfalcon`;
the replay refuses a bad signature with {"result":50} and a missing login with {"result":109}.
There is no real Kuaishou capture: the replay's items are reshaped from the real douyin samples.
Runs on SQLite and PostgreSQL. Needs Chromium (Debian's /usr/bin/chromium); skipped without it
unless KEYPICK_REQUIRE_SERVICES=1.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from keypick.content.models import AuthorRow, CommentRow, PostRow
from tests.browser.chromium import require_chromium

COOKIE = "passToken=sandbox-pass-token; did=web_sandbox; userId=1"
SEARCH = "/www.kuaishou.com/rest/v/search/feed"


@pytest.fixture(scope="module", autouse=True)
def _needs_chromium() -> None:
    require_chromium("the Kuaishou end-to-end tests")


#: A task lease far above any event-loop stall. The tests' default (3 s) is shorter than what one commit can
#: hold the loop on a loaded machine: the first post indexing loads jieba's dictionary on the loop (~3 s), and a
#: page of 20 videos with 300 comments compiles big INSERTs (~1 s). A second worker would then resume the task.
LEASE = 30.0


def _settings(sandbox: Any, database_url: str) -> dict[str, Any]:
    return {"database_url": database_url, "sandbox_url": sandbox.url, "cookies_ks": COOKIE, "task_lease_seconds": LEASE}


async def _rows(client: Any, model: Any) -> list[Any]:
    async with client.app.state.runtime.sessions() as session:
        return list(await session.scalars(select(model)))


async def _count(client: Any, model: Any) -> int:
    async with client.app.state.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_crawl_kuaishou_end_to_end(api: Any, sandbox: Any, database_url: str) -> None:
    async with api(**_settings(sandbox, database_url)) as client:
        created = await client.http.post("/api/crawl/", json={
            "platform": "ks", "keywords": ["咖啡", "手冲"], "max_results": 25, "include_comments": True,
            "max_comments_per_post": 15, "crawl_author_details": True,
        })  # fmt: skip
        assert created.status_code == 202, created.text
        task_id = created.json()["task_id"]
        status = await client.wait_status(task_id, timeout=120)
        assert status["status"] == "completed", status
        for unit in status["units"]:
            assert unit["stop_reason"] == "max_results"
            assert unit["new_items"] == 25 and unit["pages_fetched"] == 2 and unit["duplicates"] == 0
            assert unit["skipped_cards"] == 1  # the related-search card (from the real douyin type 6) on page 1
        assert status["counts"]["posts"] == 50 and status["counts"]["comments"] > 0

        results = (await client.http.get(f"/api/crawl/task/{task_id}/results", params={"page_size": 200})).json()
        posts = results["results"]
        assert results["total"] == 50 and len({p["id"] for p in posts}) == 50
        for post in posts:
            assert isinstance(post["id"], str) and post["id"].startswith("3x") and post["platform"] == "kuaishou"
            assert post["url"] == f"https://www.kuaishou.com/short-video/{post['id']}"
            assert isinstance(post["likes"], int) and post["likes"] >= 0
            assert isinstance(post["author_id"], str) and post["author"]
            published = datetime.fromisoformat(
                post["publish_time"]
            )  # every post has one, cards without came via detail
            assert published.utcoffset() is not None and published.utcoffset().total_seconds() == 0
            assert post["keywords"] and set(post["keywords"]) <= {"咖啡", "手冲"}
            assert post["content"].startswith(f"#{post['keywords'][0]} ") and post["keywords"][0] in post["tags"]
        # One card per search page has no timestamp and is completed from visionVideoDetail: every page-1
        # card is kept, page 2 only gives its first 5 cards.
        assert 2 <= sum(bool(p["platform_data"].get("from_detail")) for p in posts) <= 4

        comments = await _rows(client, CommentRow)
        assert len(comments) == status["counts"]["comments"]
        assert all(c.platform_comment_id.isdigit() and c.publish_time is not None for c in comments)
        by_post: dict[str, list[Any]] = {}
        for row in comments:
            by_post.setdefault(row.platform_post_id, []).append(row)
        assert all(len(rows) <= 15 for rows in by_post.values())
        replies = [c for c in comments if c.parent_comment_id]
        assert replies, "replies from /comment/sublist are stored"
        ids = {(c.platform_post_id, c.platform_comment_id) for c in comments}
        assert all((r.platform_post_id, r.parent_comment_id) in ids for r in replies)

        authors = await _rows(client, AuthorRow)
        assert authors and all(a.platform_author_id.startswith("3x") for a in authors)
        assert await _count(client, PostRow) == 50

    log = httpx.get(f"{sandbox.url}/_sandbox/requests").json()["requests"]
    searches = [r for r in log if r["path"] == SEARCH]
    assert len(searches) == 4 and all(r["status"] == 200 and r["params"]["caver"] == "2" for r in searches)
    assert all(len(r["params"]["__NS_hxfalcon"]) == 64 for r in searches)  # signed by the page, verified
    assert all("passToken" in r["cookies"] for r in log if r["path"].startswith("/www.kuaishou.com/rest/"))


# (fault, task status, stop_reason, posts kept). Faults are scoped by path: the replay cannot see the
# keyword or page of a POST body, and the signing page itself must load.
CASES = [
    ("login_expired@path=/rest/v/search/feed,after=1", "partial", "login_required", 20),
    ("verification@path=/rest/v/search/feed,after=1", "partial", "verification_required", 20),
    ("business_error@path=/rest/v/search/feed,after=1", "partial", "error", 20),
    ("business_error:2@path=/rest/v/search/feed", "failed", "rate_limited", 0),  # result 2, retried, then given up
    ("business_error:2@path=/rest/v/search/feed,times=2", "completed", "max_results", 30),
]


@pytest.mark.parametrize(("fault", "status", "reason", "kept"), CASES, ids=[c[0] for c in CASES])
async def test_kuaishou_fault(api: Any, sandbox: Any, database_url: str, fault: str, status: str, reason: str,
                              kept: int) -> None:  # fmt: skip
    assert httpx.post(f"{sandbox.url}/_sandbox/faults", json=[fault]).status_code == 200
    async with api(**_settings(sandbox, database_url)) as client:
        created = await client.http.post(
            "/api/crawl/", json={"platform": "ks", "keywords": ["咖啡"], "max_results": 30}
        )
        task_id = created.json()["task_id"]
        final = await client.wait_status(task_id, timeout=120)
        assert final["status"] == status, final
        unit = final["units"][0]
        assert unit["stop_reason"] == reason, unit
        assert final["counts"]["posts"] == kept
        if status != "completed":
            assert final["error"] and reason in final["error"] and unit["error"]
        results = (await client.http.get(f"/api/crawl/task/{task_id}/results", params={"page_size": 200})).json()
        assert results["total"] == kept


async def test_kuaishou_without_a_cookie_fails_as_login_required(api: Any, sandbox: Any) -> None:
    async with api(sandbox_url=sandbox.url, task_lease_seconds=LEASE) as client:
        created = await client.http.post("/api/crawl/", json={"platform": "ks", "keywords": ["咖啡"]})
        final = await client.wait_status(created.json()["task_id"], timeout=120)
    assert final["status"] == "failed" and final["units"][0]["stop_reason"] == "login_required", final
    assert "result 109" in final["units"][0]["error"]


async def test_kuaishou_comment_block_keeps_the_page(api: Any, sandbox: Any) -> None:
    httpx.post(f"{sandbox.url}/_sandbox/faults", json=["verification@path=/rest/v/photo/comment,after=3"])
    async with api(sandbox_url=sandbox.url, cookies_ks=COOKIE, task_lease_seconds=LEASE) as client:
        created = await client.http.post("/api/crawl/", json={
            "platform": "ks", "keywords": ["咖啡"], "max_results": 30, "include_comments": True,
        })  # fmt: skip
        final = await client.wait_status(created.json()["task_id"], timeout=120)
    assert final["status"] == "partial" and final["units"][0]["stop_reason"] == "verification_required", final
    assert final["counts"]["posts"] == 20 and final["counts"]["comments"] > 0
