"""A Douyin crawl end to end: API → workers → a REAL headless Chromium page → sandbox over HTTP → storage.

Every Douyin API call is sent by fetch() inside the sandbox's www.douyin.com home page, whose hook
signs it (`a_bogus`) as the real page's scripts do; the replay refuses unsigned calls with an empty
body. Runs on SQLite and PostgreSQL. Needs Chromium (Debian's /usr/bin/chromium); skipped without it
unless KEYPICK_REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from keypick.content.models import AuthorRow, CommentRow, PostRow
from tests.browser.chromium import require_chromium

COOKIE = "sessionid=sandbox-session; LOGIN_STATUS=1"
#: Browser-driven pages are slow (a real page fetch per call, ~1 MB of awemes per search page): a
#: 3 s test lease can run out under load while SQLite holds a long write, and a second worker then
#: re-runs pages of the same task. The lease is a setting; a longer one keeps the counts exact.
LEASE = 30.0
SEARCH = "/aweme/v1/web/general/search/single/"
POST_URL = re.compile(r"https://www\.douyin\.com/(video|note)/(\d{19})")


@pytest.fixture(scope="module", autouse=True)
def _needs_chromium() -> None:
    require_chromium("the Douyin end-to-end tests")


async def _rows(client: Any, model: Any) -> list[Any]:
    async with client.app.state.runtime.sessions() as session:
        return list(await session.scalars(select(model)))


async def _count(client: Any, model: Any) -> int:
    async with client.app.state.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_crawl_douyin_end_to_end(api: Any, sandbox: Any, database_url: str) -> None:
    async with api(
        database_url=database_url, sandbox_url=sandbox.url, cookies_dy=COOKIE, task_lease_seconds=LEASE
    ) as client:
        created = await client.http.post("/api/crawl/", json={
            "platform": "dy", "keywords": ["咖啡", "手冲"], "max_results": 25, "include_comments": True,
            "max_comments_per_post": 15, "crawl_author_details": True, "sort_by": "recent",
        })  # fmt: skip
        assert created.status_code == 202, created.text
        task_id = created.json()["task_id"]
        status = await client.wait_status(task_id, timeout=120)
        assert status["status"] == "completed", status
        for unit in status["units"]:
            assert unit["stop_reason"] == "max_results"
            assert unit["new_items"] == 25 and unit["pages_fetched"] == 3
            assert unit["skipped_cards"] == 1  # the real related-search card (type 6) on page 1
        assert status["counts"]["posts"] == 50

        results = (await client.http.get(f"/api/crawl/task/{task_id}/results", params={"page_size": 200})).json()
        posts = results["results"]
        assert results["total"] == 50 and len({p["id"] for p in posts}) == 50
        for post in posts:
            match = POST_URL.fullmatch(post["url"])
            assert match and match.group(2) == post["id"] and post["platform"] == "douyin"
            assert all(isinstance(post[k], int) for k in ("likes", "comments", "shares", "collects"))
            published = datetime.fromisoformat(post["publish_time"])
            assert published.utcoffset() == timedelta(0)
            keyword = post["keywords"][0]
            assert keyword in post["content"] and keyword in post["tags"]
            assert post["author_id"].startswith("MS4wLjABAAAA")
            assert bool(post["images"]) == (match.group(1) == "note") and bool(post["videos"]) != bool(post["images"])

        comments = await _rows(client, CommentRow)
        assert len(comments) == status["counts"]["comments"] > 0
        post_ids = {p["id"] for p in posts}
        assert {c.platform_post_id for c in comments} == post_ids  # every post got its comments
        roots = {c.platform_comment_id for c in comments if c.parent_comment_id is None}
        replies = [c for c in comments if c.parent_comment_id is not None]
        assert replies and all(r.parent_comment_id in roots for r in replies)
        assert all(isinstance(c.likes, int) and c.publish_time is not None for c in comments)
        assert await _count(client, PostRow) == 50
        authors = {a.platform_author_id: a for a in await _rows(client, AuthorRow)}
        assert {p["author_id"] for p in posts} <= set(authors)
        fetched = [authors[p["author_id"]] for p in posts]  # profiles asked for: their counts are ints
        assert all(a.followers == 0 and a.profile_url and a.profile_url.endswith(a.platform_author_id) for a in fetched)

        log = httpx.get(f"{sandbox.url}/_sandbox/requests").json()["requests"]
        api_calls = [r for r in log if r["path"].startswith("/www.douyin.com/aweme/")]
        assert api_calls and all(r["status"] == 200 and r["params"].get("a_bogus") for r in api_calls)
        assert all("sessionid" in r["cookies"] for r in api_calls)
        assert any(r["path"].endswith("/user/profile/other/") for r in api_calls)
        searches = [r["params"] for r in api_calls if r["path"].endswith(SEARCH)]
        assert sorted(int(p["offset"]) for p in searches) == [0, 0, 10, 10, 20, 20]
        assert all(p["filter_selected"] == '{"sort_type":"2","publish_time":"0"}' for p in searches)


# (fault, task status, stop_reason, posts kept). Faults are scoped to the search path, so the page
# load itself is never hit; "after=1" lets the first search page (10 posts) through.
CASES = [
    ("login_expired", "partial", "login_required", 10),
    ("verification", "partial", "verification_required", 10),
    ("business_error", "partial", "error", 10),
    ("malformed_json", "partial", "error", 10),
    ("empty_page", "completed", "end_of_results", 10),
    ("blocked", "partial", "risk_control", 10),  # HTTP 200, empty body: Douyin's "blocked" answer
]


@pytest.mark.parametrize(("fault", "status", "reason", "kept"), CASES, ids=[c[0] for c in CASES])
async def test_douyin_risk_answers(
    api: Any, sandbox: Any, database_url: str, fault: str, status: str, reason: str, kept: int
) -> None:
    spec = f"{fault}@path={SEARCH},after=1"
    assert httpx.post(f"{sandbox.url}/_sandbox/faults", json=[spec]).status_code == 200
    async with api(
        database_url=database_url, sandbox_url=sandbox.url, cookies_dy=COOKIE, task_lease_seconds=LEASE
    ) as client:
        created = await client.http.post("/api/crawl/", json={"platform": "douyin", "keywords": ["拿铁"],
                                                               "max_results": 30})  # fmt: skip
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


async def test_douyin_without_login_cookie_fails_with_login_required(api: Any, sandbox: Any) -> None:
    async with api(sandbox_url=sandbox.url) as client:
        created = await client.http.post("/api/crawl/", json={"platform": "douyin", "keywords": ["拿铁"]})
        final = await client.wait_status(created.json()["task_id"], timeout=120)
        assert final["status"] == "failed", final
        assert final["units"][0]["stop_reason"] == "login_required"
        assert "用户未登录" in final["units"][0]["error"]


async def test_douyin_comment_block_keeps_the_page(api: Any, sandbox: Any) -> None:
    # 10 comments per post = one call each: verification on the 5th post's call. The page and the
    # comments of the 4 posts before are kept.
    httpx.post(f"{sandbox.url}/_sandbox/faults", json=["verification@path=/aweme/v1/web/comment/list,after=4"])
    async with api(sandbox_url=sandbox.url, cookies_dy=COOKIE, task_lease_seconds=LEASE) as client:
        created = await client.http.post("/api/crawl/", json={
            "platform": "douyin", "keywords": ["拿铁"], "max_results": 30, "include_comments": True,
            "max_comments_per_post": 10,
        })  # fmt: skip
        final = await client.wait_status(created.json()["task_id"], timeout=120)
        assert final["status"] == "partial", final
        assert final["units"][0]["stop_reason"] == "verification_required"
        assert final["counts"]["posts"] == 10 and final["counts"]["comments"] == 40


async def test_douyin_rate_limit_is_retried(api: Any, sandbox: Any) -> None:
    httpx.post(f"{sandbox.url}/_sandbox/faults", json=[f"http_429@path={SEARCH},times=2"])
    async with api(sandbox_url=sandbox.url, cookies_dy=COOKIE, task_lease_seconds=LEASE) as client:
        created = await client.http.post("/api/crawl/", json={"platform": "douyin", "keywords": ["拿铁"],
                                                               "max_results": 20})  # fmt: skip
        final = await client.wait_status(created.json()["task_id"], timeout=120)
        assert final["status"] == "completed", final
        assert final["units"][0]["stop_reason"] == "max_results" and final["counts"]["posts"] == 20
