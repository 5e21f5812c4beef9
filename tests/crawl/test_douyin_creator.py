"""Author's posts (mode "creator") on Douyin end to end: a real sample user's posts paged from
/aweme/v1/web/aweme/post/ by max_cursor, each call sent by fetch() inside a REAL headless Chromium page whose
hook signs it (a_bogus) as the real page does, through the same engine, comments and tables as a search, on
SQLite and PostgreSQL. Needs Chromium (Debian's /usr/bin/chromium)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest

from keypick.platforms.douyin.signing import COMMON_PARAMS
from tests.browser.chromium import require_chromium

COOKIE = "sessionid=sandbox-session; LOGIN_STATUS=1"
LEASE = 30.0  # see test_douyin_e2e.py: browser-driven pages are slow
POSTS = "/aweme/v1/web/aweme/post/"
#: 用户甲, the author of the search capture's first aweme (anonymised, SOURCES.md).
SEC_UID = "MS4wLjABAAAAPmoug13e0rU2uePaPL55-PQjtEenOTM-An-acSgbnin8sfKmjCRcJfrToxKLcpv9"


@pytest.fixture(scope="module", autouse=True)
def _needs_chromium() -> None:
    require_chromium("the Douyin creator end-to-end tests")


def _pages(sandbox: Any) -> list[dict[str, Any]]:
    log = httpx.get(f"{sandbox.url}/_sandbox/requests").json()["requests"]
    return [r for r in log if r["path"] == f"/www.douyin.com{POSTS}"]


async def _crawl(client: Any, **body: Any) -> tuple[str, dict[str, Any]]:
    created = await client.http.post("/api/crawl/", json={"platform": "dy", "mode": "creator"} | body)
    assert created.status_code == 202, created.text
    task_id: str = created.json()["task_id"]
    return task_id, await client.wait_status(task_id, timeout=120)


async def _results(client: Any, task_id: str) -> list[dict[str, Any]]:
    params = {"page_size": 200, "sort_by": "recent", "include_comments": True}
    response = await client.http.get(f"/api/crawl/task/{task_id}/results", params=params)
    results: list[dict[str, Any]] = response.json()["results"]
    return results


async def test_creator_mode_pages_the_users_posts(api: Any, sandbox: Any, database_url: str) -> None:
    async with api(database_url=database_url, sandbox_url=sandbox.url, cookies_dy=COOKIE,
                   task_lease_seconds=LEASE) as client:  # fmt: skip
        task_id, status = await _crawl(client, keywords=[SEC_UID], max_results=30, include_comments=True,
                                       max_comments_per_post=3)  # fmt: skip
        assert status["status"] == "completed", status
        unit = status["units"][0]
        assert unit["keyword"] == SEC_UID and unit["stop_reason"] == "max_results"
        assert unit["pages_fetched"] == 2 and unit["new_items"] == 30 and unit["items_seen"] == 36
        assert status["counts"]["comments"] == 30 * 3
        posts = await _results(client, task_id)
    assert len(posts) == 30 and len({p["id"] for p in posts}) == 30
    assert {p["author_id"] for p in posts} == {SEC_UID} and {p["author"] for p in posts} == {"用户甲"}
    assert all(len(p["comment_list"]) == 3 and isinstance(p["likes"], int) for p in posts)
    pages = _pages(sandbox)
    # max_cursor 0 first, then the answer's: the create_time (ms) of page 1's last, the 18th newest, post.
    eighteenth = int(datetime.fromisoformat(posts[17]["publish_time"]).timestamp() * 1000)
    assert [p["params"]["max_cursor"] for p in pages] == ["0", str(eighteenth)]
    for page in pages:
        params = page["params"]
        assert page["status"] == 200 and params["a_bogus"] and "sessionid" in page["cookies"]  # signed in the page
        assert {k: params[k] for k in COMMON_PARAMS} == COMMON_PARAMS and params["webid"].isdigit()
        assert (params["sec_user_id"], params["count"], params["locate_query"]) == (SEC_UID, "18", "false")
        assert params["publish_video_strategy_type"] == "2"


async def test_creator_mode_reaches_the_end_from_a_profile_link(api: Any, sandbox: Any) -> None:
    async with api(sandbox_url=sandbox.url, cookies_dy=COOKIE, task_lease_seconds=LEASE) as client:
        link = f"https://www.douyin.com/user/{SEC_UID}?from_tab_name=main"
        task_id, status = await _crawl(client, keywords=[link, "MS4wLjABAAAAnobodynobodynobody"], max_results=1000)
        assert status["status"] == "completed", status
        known, unknown = status["units"]
        assert known["keyword"] == SEC_UID  # the link is read into the sec_uid
        # 50 posts: pages of 18, 18 and 14, the last with has_more 0.
        assert known["stop_reason"] == "end_of_results" and known["pages_fetched"] == 3 and known["new_items"] == 50
        assert unknown["stop_reason"] == "end_of_results" and unknown["new_items"] == 0  # no posts listed
        assert len(await _results(client, task_id)) == 50
        bad = await client.http.post("/api/crawl/", json={"platform": "dy", "mode": "creator", "keywords": ["12345"]})
        assert bad.status_code == 422 and bad.json()["error"]["message"].startswith("keywords: ")
    assert len({p["params"]["max_cursor"] for p in _pages(sandbox) if p["params"]["sec_user_id"] == SEC_UID}) == 3


# (fault on the list, stop_reason). "after=1" lets the first page (18 posts) through.
CASES = [
    ("blocked", "risk_control"),  # HTTP 200, empty body: Douyin's "blocked" answer
    ("verification", "verification_required"),
    ("login_expired", "login_required"),
]


@pytest.mark.parametrize(("fault", "reason"), CASES, ids=[c[0] for c in CASES])
async def test_risk_answer_on_the_list_keeps_the_posts(api: Any, sandbox: Any, fault: str, reason: str) -> None:
    assert httpx.post(f"{sandbox.url}/_sandbox/faults", json=[f"{fault}@path={POSTS},after=1"]).status_code == 200
    async with api(sandbox_url=sandbox.url, cookies_dy=COOKIE, task_lease_seconds=LEASE) as client:
        task_id, status = await _crawl(client, keywords=[SEC_UID], max_results=50)
        assert status["status"] == "partial", status
        unit = status["units"][0]
        assert unit["stop_reason"] == reason and unit["pages_fetched"] == 1 and reason in status["error"]
        assert len(await _results(client, task_id)) == 18
