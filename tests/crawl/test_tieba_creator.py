"""Author's posts (mode "creator") on Tieba end to end: a real sample author's threads (/c/u/feed/myThread,
md5-signed), each completed from page_pc, through the same engine and tables as a search, on SQLite and
PostgreSQL. No Tieba JSON was ever captured: the replay serves the real posts of the captured search page
under the documented envelope, with that user as author (sandbox/tieba_threads.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from keypick.platforms.tieba.signing import compute_sign
from keypick.sandbox.tieba_data import TiebaData, real_posts

#: The portrait the replay gives a real (anonymised) author of the capture; it depends on the seed only.
PORTRAIT = TiebaData(seed="keypick", anchor=datetime.now(UTC)).user(real_posts()[0].author)["portrait"]
MY_THREAD = "/tieba.baidu.com/c/u/feed/myThread"
LEASE = 30.0  # see test_tieba_e2e.py: the first post indexing may hold the loop past the 3 s default


def _log(sandbox: Any) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = httpx.get(f"{sandbox.url}/_sandbox/requests").json()["requests"]
    return entries


async def test_creator_mode_collects_the_users_threads(api: Any, sandbox: Any, database_url: str) -> None:
    async with api(database_url=database_url, sandbox_url=sandbox.url, task_lease_seconds=LEASE) as client:
        created = await client.http.post("/api/crawl/", json={
            "platform": "tieba", "mode": "creator", "keywords": [PORTRAIT], "max_results": 25,
            "include_comments": True, "max_comments_per_post": 5,
        })  # fmt: skip
        assert created.status_code == 202, created.text
        task_id = created.json()["task_id"]
        status = await client.wait_status(task_id, timeout=120)
        assert status["status"] == "completed", status
        unit = status["units"][0]
        assert unit["keyword"] == PORTRAIT and unit["stop_reason"] == "max_results"
        assert unit["pages_fetched"] == 2 and unit["new_items"] == 25
        assert 0 < status["counts"]["comments"] <= 25 * 5
        results = await client.http.get(f"/api/crawl/task/{task_id}/results",
                                         params={"page_size": 50, "include_comments": True})  # fmt: skip
        posts = results.json()["results"]
        assert len(posts) == 25 and len({p["id"] for p in posts}) == 25
        texts = {p.text for p in real_posts()}
        for post in posts:
            assert post["author_id"] == PORTRAIT and post["author"] == real_posts()[0].author
            # Completed from page_pc: the full first floor, the forum and its id, the reply count.
            assert post["content"] in texts and "content_is_snippet" not in post["platform_data"]
            assert post["platform_data"]["forum_id"].isdigit() and isinstance(post["comments"], int)
            assert all(c["post_id"] == post["id"] for c in post["comment_list"])
    pages = [e for e in _log(sandbox) if e["path"] == MY_THREAD]
    assert [e["params"]["pn"] for e in pages] == ["1", "2"]
    for entry in pages:
        params = entry["params"]
        assert (params["portrait"], params["type"], params["rn"], params["un"]) == (PORTRAIT, "1", "20", "")
        assert params["sign"] == compute_sign(params) and entry["status"] == 200
    assert sum(e["path"].endswith("/c/f/pb/page_pc") for e in _log(sandbox)) >= 25


async def test_creator_mode_takes_a_profile_link_and_ends_with_the_list(api: Any, sandbox: Any) -> None:
    link = f"https://tieba.baidu.com/home/main?id={PORTRAIT}&fr=userbar"
    async with api(sandbox_url=sandbox.url, task_lease_seconds=LEASE) as client:
        created = await client.http.post("/api/crawl/", json={"platform": "tieba", "mode": "creator",
                                                               "keywords": [link], "max_results": 1000})  # fmt: skip
        task_id = created.json()["task_id"]
        status = await client.wait_status(task_id, timeout=180)
        assert status["status"] == "completed", status
        unit = status["units"][0]
        assert unit["stop_reason"] == "end_of_results" and unit["pages_fetched"] == 5 and unit["new_items"] == 100
        posts = (await client.http.get(f"/api/crawl/task/{task_id}/results", params={"page_size": 200})).json()
        assert {p["author_id"] for p in posts["results"]} == {PORTRAIT}
    assert {e["params"]["portrait"] for e in _log(sandbox) if e["path"] == MY_THREAD} == {PORTRAIT}


# (fault, task status, stop_reason, posts kept). "after=1" lets the first page of the list through.
CASES = [
    ("business_error@path=/c/u/feed,after=1", "partial", "error", 20),  # an error_code Tieba gives no meaning
    ("verification@path=/c/u/feed,after=1", "partial", "verification_required", 20),  # 302 to wappass.baidu.com
    ("http_403@path=/c/u/feed,after=1", "partial", "risk_control", 20),
    ("login_expired@path=/c/u/feed", "failed", "login_required", 0),  # error_code 110001 未登录
]


@pytest.mark.parametrize(("fault", "status", "reason", "kept"), CASES, ids=[c[0] for c in CASES])
async def test_creator_mode_faults(api: Any, sandbox: Any, fault: str, status: str, reason: str, kept: int) -> None:
    assert httpx.post(f"{sandbox.url}/_sandbox/faults", json=[fault]).status_code == 200
    async with api(sandbox_url=sandbox.url, task_lease_seconds=LEASE) as client:
        created = await client.http.post("/api/crawl/", json={"platform": "tieba", "mode": "creator",
                                                               "keywords": [PORTRAIT], "max_results": 30})  # fmt: skip
        task_id = created.json()["task_id"]
        final = await client.wait_status(task_id, timeout=120)
        assert final["status"] == status, final
        assert final["units"][0]["stop_reason"] == reason, final
        assert final["counts"]["posts"] == kept
        if status != "completed":
            assert final["error"] and reason in final["error"]
        results = (await client.http.get(f"/api/crawl/task/{task_id}/results", params={"page_size": 50})).json()
        assert results["total"] == kept and all(p["author_id"] == PORTRAIT for p in results["results"])


async def test_creator_mode_unknown_portrait_fails_loudly(api: Any, sandbox: Any) -> None:
    unknown = "tb.1.00000000.0000000000000000000000"  # well-formed (a malformed one is a 422), but nobody's
    async with api(sandbox_url=sandbox.url, task_lease_seconds=LEASE) as client:
        created = await client.http.post("/api/crawl/", json={"platform": "tieba", "mode": "creator",
                                                               "keywords": [unknown]})  # fmt: skip
        assert created.status_code == 202, created.text
        final = await client.wait_status(created.json()["task_id"], timeout=60)
    assert final["status"] == "failed" and final["units"][0]["stop_reason"] == "error", final
    assert "用户不存在" in final["units"][0]["error"]
