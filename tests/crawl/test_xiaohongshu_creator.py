"""Author's posts (mode "creator") on Xiaohongshu end to end: a real sample user's notes paged from
/api/sns/web/v1/user_posted by cursor (signed with xhshow, checked by the replay), each completed from the
feed with the xsec_token it was listed with, through the same engine, filters and tables as a search,
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from keypick.sandbox.xiaohongshu_data import shared_data

COOKIE = (
    "a1=19a3c2b1e4fcafebabe1234567890abcdef1234567890abcdef; webId=0123456789abcdef0123456789abcdef; "
    "web_session=040069b5f3c1e2d4a6b8c0d2e4f6a8b0"
)
#: 用户甲 of xhs/search_notes-1, whose search item carries a user-level xsec_token (anonymised, SOURCES.md).
USER = "3600bc5f000000000b09828e"
USER_TOKEN = "ABqjFwQVaCC0slr7d99ZozueVfzG8oe1ejkMCBR85O034="
PROFILE = f"https://www.xiaohongshu.com/user/profile/{USER}?xsec_token={quote(USER_TOKEN, safe='')}&xsec_source=pc_note"
API = "/edith.xiaohongshu.com/api/sns/web"
LEASE = 30.0  # see test_xiaohongshu_e2e.py: the first commit initialises jieba


def _log(sandbox: Any, path: str) -> list[dict[str, Any]]:
    return [r for r in httpx.get(f"{sandbox.url}/_sandbox/requests").json()["requests"] if r["path"] == API + path]


async def _crawl(client: Any, **body: Any) -> tuple[str, dict[str, Any]]:
    created = await client.http.post("/api/crawl/", json={"platform": "xhs", "mode": "creator"} | body)
    assert created.status_code == 202, created.text
    task_id: str = created.json()["task_id"]
    return task_id, await client.wait_status(task_id, timeout=90)


async def _results(client: Any, task_id: str) -> list[dict[str, Any]]:
    response = await client.http.get(f"/api/crawl/task/{task_id}/results", params={"page_size": 200})
    results: list[dict[str, Any]] = response.json()["results"]
    return results


async def test_creator_mode_pages_the_users_notes(api: Any, sandbox: Any, database_url: str) -> None:
    async with api(database_url=database_url, sandbox_url=sandbox.url, cookies_xhs=COOKIE,
                   task_lease_seconds=LEASE) as client:  # fmt: skip
        task_id, status = await _crawl(client, keywords=[PROFILE], max_results=45, include_comments=True,
                                       max_comments_per_post=3)  # fmt: skip
        assert status["status"] == "completed", status
        unit = status["units"][0]
        assert unit["keyword"] == PROFILE and unit["stop_reason"] == "max_results"
        assert unit["pages_fetched"] == 2 and unit["new_items"] == 45 and unit["items_seen"] == 60
        assert status["counts"]["comments"] == 45 * 3
        posts = await _results(client, task_id)
    health = httpx.get(f"{sandbox.url}/_sandbox/health").json()
    issued = shared_data(health["seed"], datetime.fromisoformat(health["anchor"]))
    assert len(posts) == 45 and len({p["id"] for p in posts}) == 45
    assert {p["author_id"] for p in posts} == {USER} and {p["author"] for p in posts} == {"用户甲"}
    for post in posts:
        data = post["platform_data"]
        # Completed from the feed, which the replay answers only for the token this note was listed with.
        assert data["detail"] == "feed" and data["xsec_token"] == issued.token_of(post["id"])
        assert data["xsec_source"] == "pc_feed" and post["publish_time"] and post["platform_data"]["note_type"]
        assert isinstance(post["likes"], int) and isinstance(post["collects"], int)
    assert len({p["platform_data"]["xsec_token"] for p in posts}) == 45  # one token per note
    pages = _log(sandbox, "/v1/user_posted")
    assert [p["params"]["cursor"] for p in pages] == ["", issued.creator_note_id(USER, 29)]
    for page in pages:
        assert page["status"] == 200 and page["headers"]["x-s"].startswith("XYS_") and page["headers"]["x-t"]
        assert page["params"] | {"cursor": ""} == {"num": "30", "cursor": "", "user_id": USER,
                                                   "image_formats": "jpg,webp,avif", "xsec_token": USER_TOKEN,
                                                   "xsec_source": "pc_feed"}  # fmt: skip
    feeds = _log(sandbox, "/v1/feed")
    assert len(feeds) == 45 and all(f["status"] == 200 and f["headers"]["x-s"] for f in feeds)
    comments = _log(sandbox, "/v2/comment/page")
    assert {c["params"]["note_id"] for c in comments} == {p["id"] for p in posts}
    assert all(c["params"]["xsec_token"] == issued.token_of(c["params"]["note_id"]) for c in comments)


async def test_creator_mode_reaches_the_end_of_the_list(api: Any, sandbox: Any) -> None:
    async with api(sandbox_url=sandbox.url, cookies_xhs=COOKIE, task_lease_seconds=LEASE) as client:
        task_id, status = await _crawl(client, keywords=[USER], max_results=1000)
        assert status["status"] == "completed", status
        unit = status["units"][0]
        # The replay's user has 100 notes: pages of 30, 30, 30 and 10, the last with has_more false.
        assert unit["stop_reason"] == "end_of_results" and unit["pages_fetched"] == 4 and unit["new_items"] == 100
        posts = await _results(client, task_id)
        assert len(posts) == 100 and {p["author_id"] for p in posts} == {USER}
    pages = _log(sandbox, "/v1/user_posted")
    assert len(pages) == 4 and len({p["params"]["cursor"] for p in pages}) == 4
    assert all(p["params"]["xsec_token"] == "" for p in pages)  # a bare id has no user token to send


# (fault on the list, task status, stop_reason). "after=1" lets the first page (30 notes) through.
CASES = [
    ("business_error:300011@path=/api/sns/web/v1/user_posted,after=1", "risk_control"),
    ("business_error:300012@path=/api/sns/web/v1/user_posted,after=1", "risk_control"),
    ("http_461@path=/api/sns/web/v1/user_posted,after=1", "verification_required"),
    ("login_expired@path=/api/sns/web/v1/user_posted,after=1", "login_required"),
]


@pytest.mark.parametrize(("fault", "reason"), CASES, ids=[c[0].partition("@")[0] for c in CASES])
async def test_risk_answer_on_the_list_keeps_the_notes(api: Any, sandbox: Any, fault: str, reason: str) -> None:
    assert httpx.post(f"{sandbox.url}/_sandbox/faults", json=[fault]).status_code == 200
    async with api(sandbox_url=sandbox.url, cookies_xhs=COOKIE, task_lease_seconds=LEASE) as client:
        task_id, status = await _crawl(client, keywords=[USER], max_results=100)
        assert status["status"] == "partial", status
        unit = status["units"][0]
        assert unit["stop_reason"] == reason and unit["pages_fetched"] == 1 and reason in status["error"]
        posts = await _results(client, task_id)
        assert len(posts) == 30 and all(p["platform_data"]["detail"] == "feed" for p in posts)


async def test_unknown_user_and_bad_keywords(api: Any, sandbox: Any) -> None:
    async with api(sandbox_url=sandbox.url, cookies_xhs=COOKIE, task_lease_seconds=LEASE) as client:
        _, status = await _crawl(client, keywords=["0123456789abcdef01234567"])
        assert status["status"] == "failed" and status["units"][0]["stop_reason"] == "error"
        assert "用户不存在" in status["units"][0]["error"]
        for bad in ("5f0c0a", "https://www.xiaohongshu.com/explore/6825bbe1000000002301e347", "用户甲"):
            refused = await client.http.post("/api/crawl/", json={"platform": "xhs", "mode": "creator",
                                                                   "keywords": [bad]})  # fmt: skip
            assert refused.status_code == 422, bad
            message = refused.json()["error"]["message"]
            assert message.startswith("keywords: ") and "profile link" in message and "24 hex" in message
