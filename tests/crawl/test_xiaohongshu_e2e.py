"""A Xiaohongshu crawl end to end: API → workers → signed HTTP to the sandbox → storage → results.

Runs on SQLite and PostgreSQL. The account cookie comes from the settings (cookies_xhs), as in
production; every API call is signed with xhshow and checked by the replay (cookies, X-S over the
exact bytes, X-T, xsec_token per note). Fault cases use the platform's own risk answers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from keypick.content.models import AuthorRow, CommentRow, PostRow
from keypick.tasks.models import KeywordHitRow

COOKIE = (
    "a1=19a3c2b1e4fcafebabe1234567890abcdef1234567890abcdef; webId=0123456789abcdef0123456789abcdef; "
    "web_session=040069b5f3c1e2d4a6b8c0d2e4f6a8b0"
)
API = "/edith.xiaohongshu.com/api/sns/web"
#: A first commit initialises jieba (search index) on the event loop for ~3 s; the default test
#: lease (3 s) would then lapse and the other worker would fetch the same page again.
LEASE = 30.0


async def _count(client: Any, model: Any, *where: Any) -> int:
    async with client.app.state.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def _crawl(client: Any, **body: Any) -> tuple[str, dict[str, Any]]:
    created = await client.http.post("/api/crawl/", json={"platform": "xhs", "keywords": ["咖啡"]} | body)
    assert created.status_code == 202, created.text
    task_id: str = created.json()["task_id"]
    return task_id, await client.wait_status(task_id, timeout=90)


async def _results(client: Any, task_id: str, **params: Any) -> list[dict[str, Any]]:
    response = await client.http.get(f"/api/crawl/task/{task_id}/results", params={"page_size": 200} | params)
    results: list[dict[str, Any]] = response.json()["results"]
    return results


async def test_crawl_xiaohongshu_end_to_end(api: Any, sandbox: Any, database_url: str) -> None:
    async with api(
        database_url=database_url, sandbox_url=sandbox.url, cookies_xhs=COOKIE, task_lease_seconds=LEASE
    ) as client:
        task_id, status = await _crawl(
            client, keywords=["咖啡", "手冲"], max_results=25, include_comments=True, max_comments_per_post=30,
            crawl_author_details=True, sort_by="recent",
        )  # fmt: skip
        assert status["status"] == "completed", status
        for unit in status["units"]:
            assert unit["stop_reason"] == "max_results"
            assert unit["new_items"] == 25 and unit["pages_fetched"] == 2
            assert unit["skipped_cards"] == 1  # the related-search (rec_query) card of page 1
        assert status["counts"]["posts"] == 50 and status["counts"]["comments"] > 50 * 21

        posts = await _results(client, task_id, include_comments=True)
        assert len(posts) == 50 and len({p["id"] for p in posts}) == 50
        for post in posts:
            assert isinstance(post["id"], str) and len(post["id"]) == 24 and post["platform"] == "xiaohongshu"
            assert all(isinstance(post[k], int) for k in ("likes", "collects", "comments", "shares"))
            published = datetime.fromisoformat(post["publish_time"])
            assert published.utcoffset() is not None and published.utcoffset().total_seconds() == 0
            assert post["platform_data"]["detail"] == "feed"  # complete() replaced the card's display date
            assert post["url"].startswith(f"https://www.xiaohongshu.com/explore/{post['id']}?xsec_token=AB")
            assert "[话题]" not in post["content"] and post["tags"][0] in post["keywords"]
            assert post["keywords"][0] in post["content"] + (post["title"] or "")
            comments = post["comment_list"]
            assert 21 < len(comments) <= 30 and len({c["comment_id"] for c in comments}) == len(comments)
            roots = {c["comment_id"] for c in comments if c["parent_id"] is None}
            replies = [c for c in comments if c["parent_id"] is not None]
            assert replies and all(c["parent_id"] in roots for c in replies)  # flattened under their roots
            assert all(c["post_id"] == post["id"] and isinstance(c["likes"], int) for c in comments)
        # The time window of a later crawl has exact times: all posts are within 4 days of now.
        assert await _count(client, PostRow) == 50 and await _count(client, KeywordHitRow) == 50
        assert await _count(client, CommentRow) == status["counts"]["comments"]
        profiles = await _count(client, AuthorRow, AuthorRow.followers.is_not(None))
        assert profiles >= 1  # fetched from the /user/profile pages

        log = httpx.get(f"{sandbox.url}/_sandbox/requests").json()["requests"]
        paths = {entry["path"] for entry in log}
        assert {
            f"{API}/v1/search/notes",
            f"{API}/v1/feed",
            f"{API}/v2/comment/page",
            f"{API}/v2/comment/sub/page",
        } <= paths
        assert all(entry["status"] == 200 for entry in log), [e for e in log if e["status"] != 200][:3]


async def test_without_a_cookie_the_task_fails_with_login_required(api: Any, sandbox: Any) -> None:
    async with api(sandbox_url=sandbox.url, task_lease_seconds=LEASE) as client:
        _, status = await _crawl(client)
        assert status["status"] == "failed"
        assert status["units"][0]["stop_reason"] == "login_required"
        assert "a1 and web_session" in status["units"][0]["error"]
    assert httpx.get(f"{sandbox.url}/_sandbox/requests").json()["requests"] == []


async def test_recent_sort_stops_when_the_time_window_has_passed(api: Any, sandbox: Any) -> None:
    async with api(sandbox_url=sandbox.url, cookies_xhs=COOKIE, task_lease_seconds=LEASE) as client:
        _, status = await _crawl(client, max_results=200, sort_by="recent", time_range="1d")
        assert status["status"] == "completed", status
        unit = status["units"][0]
        # Notes are an hour apart: about 24 in a day; the card dates stop the crawl on page 2.
        assert unit["stop_reason"] == "time_window_passed" and unit["pages_fetched"] == 2
        assert 20 <= unit["new_items"] <= 25


@pytest.mark.parametrize(("content_type", "note_type"), [("video", "video"), ("image", "normal")])
async def test_content_type_is_the_native_note_type(api: Any, sandbox: Any, content_type: str, note_type: str) -> None:
    # The sandbox applies note_type as the site does; every note kept must be of the asked type.
    async with api(sandbox_url=sandbox.url, cookies_xhs=COOKIE, task_lease_seconds=LEASE) as client:
        task_id, status = await _crawl(client, max_results=6, content_type=content_type)
        assert status["status"] == "completed", status
        assert status["params"]["content_type"] == content_type
        posts = await _results(client, task_id)
        assert len(posts) == 6 and {p["platform_data"]["note_type"] for p in posts} == {note_type}
        if content_type == "video":
            assert all(p["videos"] for p in posts)
        bad = await client.http.post("/api/crawl/", json={"platform": "xhs", "keywords": ["咖啡"],
                                                          "content_type": "answer"})  # fmt: skip
        assert bad.status_code == 422 and "content_type" in bad.json()["error"]["message"]


async def test_feed_without_items_falls_back_to_the_note_page(api: Any, sandbox: Any) -> None:
    httpx.post(f"{sandbox.url}/_sandbox/faults", json=["empty_page@path=/api/sns/web/v1/feed"])
    async with api(sandbox_url=sandbox.url, cookies_xhs=COOKIE, task_lease_seconds=LEASE) as client:
        task_id, status = await _crawl(client, max_results=20)
        assert status["status"] == "completed", status
        posts = await _results(client, task_id)
        assert len(posts) == 20 and {p["platform_data"]["detail"] for p in posts} == {"note_page"}
        assert all(p["tags"][0] == "咖啡" and p["content"] for p in posts)


# (fault, task status, stop_reason, posts kept). "after=1" lets search page 1 through: its 20 notes
# are kept (as search cards) when the next call, their first detail, is refused.
CASES = [
    ("verification@after=1", "partial", "verification_required", 20),
    ("http_461@after=1", "partial", "verification_required", 20),
    ("http_471@after=1", "partial", "verification_required", 20),
    ("business_error@after=1", "partial", "risk_control", 20),
    ("business_error:300011@after=1", "partial", "risk_control", 20),
    ("business_error:300012", "failed", "risk_control", 0),
    ("login_expired@after=1", "partial", "login_required", 20),
    ("http_429@after=1", "partial", "rate_limited", 20),
    ("malformed_json@after=1", "partial", "error", 20),
    ("business_error:-510001@path=/api/sns/web/v1/feed", "completed", "max_results", 30),
    ("http_429@times=2", "completed", "max_results", 30),
]


@pytest.mark.parametrize(("fault", "status", "reason", "kept"), CASES, ids=[c[0] for c in CASES])
async def test_fault(api: Any, sandbox: Any, fault: str, status: str, reason: str, kept: int) -> None:
    assert httpx.post(f"{sandbox.url}/_sandbox/faults", json=[fault]).status_code == 200
    async with api(sandbox_url=sandbox.url, cookies_xhs=COOKIE, http_timeout=2.0, task_lease_seconds=LEASE) as client:
        task_id, final = await _crawl(client, max_results=30)
        assert final["status"] == status, final
        unit = final["units"][0]
        assert unit["stop_reason"] == reason, unit
        assert final["counts"]["posts"] == kept
        if status != "completed":
            assert final["error"] and reason in final["error"] and unit["error"]
        posts = await _results(client, task_id)
        assert len(posts) == kept == len({p["id"] for p in posts})
        if status == "partial":  # kept as search cards: the display date stands in for the time
            assert all(p["publish_time"] and "xsec_token" in p["platform_data"] for p in posts)


async def test_comment_block_keeps_posts_and_comments(api: Any, sandbox: Any) -> None:
    # 40 comments of a note take 7 reply pages: the captcha comes on the second note's replies.
    httpx.post(f"{sandbox.url}/_sandbox/faults", json=["verification@path=/api/sns/web/v2/comment/sub/page,after=10"])
    async with api(sandbox_url=sandbox.url, cookies_xhs=COOKIE, task_lease_seconds=LEASE) as client:
        _, final = await _crawl(client, max_results=30, include_comments=True, max_comments_per_post=40)
        assert final["status"] == "partial"
        assert final["units"][0]["stop_reason"] == "verification_required"
        assert final["counts"]["posts"] == 20  # the page whose replies hit the captcha is stored
        assert final["counts"]["comments"] == 40  # the first note's; the blocked note's partial ones are not kept
