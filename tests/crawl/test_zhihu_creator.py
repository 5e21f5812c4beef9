"""Author's posts (mode "creator") on Zhihu end to end: a real sample author's answers
(/api/v4/members/{t}/answers), sent from inside the sandbox's www.zhihu.com page in a REAL headless
Chromium (its hook signs x-zse-96; the replay refuses unsigned calls), through the same engine and tables
as a search, on SQLite and PostgreSQL. No capture of the list exists: the replay serves the capture's real
answer objects under the documented envelope, with that author as author (sandbox/zhihu_members.py).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from keypick.platforms.zhihu.constants import MEMBER_ANSWERS_INCLUDE
from keypick.search.tokenize import segment
from tests.browser.chromium import require_chromium
from tests.samples import load_sample

COOKIE = "_xsrf=sandbox; d_c0=AJDf2sandbox1712584885; z_c0=2|1:0|10:1712584885|4:z_c0|sandbox"
#: A real (anonymised) answer author of the search capture: the 32-hex id posts carry, and the url_token.
AUTHOR = next(i["object"]["author"] for i in load_sample("zhihu", "search_v3-1.json")["data"]
              if i.get("object", {}).get("type") == "answer")  # fmt: skip
AUTHOR_ID, TOKEN = AUTHOR["id"], AUTHOR["url_token"]
LEASE = 30.0  # a page of 20 with its answer pages and comments can hold the loop past the 3 s default


@pytest.fixture(scope="module", autouse=True)
def _needs_chromium() -> None:
    require_chromium("the Zhihu creator-mode tests")


@pytest.fixture(scope="module", autouse=True)
def _warm_segmenter() -> None:
    segment("知乎")  # jieba's first load blocks the loop (see test_zhihu_e2e.py)


def _members(sandbox: Any) -> list[dict[str, Any]]:
    log = httpx.get(f"{sandbox.url}/_sandbox/requests").json()["requests"]
    return [e for e in log if "/api/v4/members/" in e["path"]]


def _settings(sandbox: Any, **extra: Any) -> dict[str, Any]:
    return {"sandbox_url": sandbox.url, "cookies_zhihu": COOKIE, "task_lease_seconds": LEASE, **extra}


async def test_creator_mode_pages_the_authors_answers(api: Any, sandbox: Any, database_url: str) -> None:
    async with api(**_settings(sandbox, database_url=database_url)) as client:
        created = await client.http.post("/api/crawl/", json={
            "platform": "zhihu", "mode": "creator", "keywords": [AUTHOR_ID], "max_results": 45,
            "include_comments": True, "max_comments_per_post": 3,
        })  # fmt: skip
        assert created.status_code == 202, created.text
        task_id = created.json()["task_id"]
        status = await client.wait_status(task_id, timeout=150)
        assert status["status"] == "completed", status
        unit = status["units"][0]
        assert unit["keyword"] == AUTHOR_ID and unit["stop_reason"] == "max_results"
        assert unit["pages_fetched"] == 3 and unit["new_items"] == 45 and unit["skipped_cards"] == 0
        assert status["counts"]["comments"] == 45 * 3
        posts = (await client.http.get(f"/api/crawl/task/{task_id}/results", params={"page_size": 100})).json()
        assert posts["total"] == 45 and len({p["id"] for p in posts["results"]}) == 45
        for post in posts["results"]:
            assert post["author_id"] == AUTHOR_ID and post["author"] == AUTHOR["name"]
            assert post["platform_data"]["content_type"] == "answer" and post["content"] and "<" not in post["content"]
            assert post["url"].startswith("https://www.zhihu.com/question/") and post["url"].endswith(post["id"])
            assert isinstance(post["likes"], int) and isinstance(post["comments"], int)
        # One answer a page came without its text: its answer page was fetched for it (pages 1, 2 and maybe 3).
        assert 2 <= sum(bool(p["platform_data"].get("full_text")) for p in posts["results"]) <= 3
    pages = _members(sandbox)
    assert [e["params"]["offset"] for e in pages] == ["0", "20", "40"]
    assert all(e["path"] == f"/www.zhihu.com/api/v4/members/{AUTHOR_ID}/answers" for e in pages)
    for entry in pages:  # sent from the page, which signed it (the replay answers 403 otherwise)
        assert entry["status"] == 200 and "d_c0" in entry["cookies"]
        assert (entry["params"]["include"], entry["params"]["limit"], entry["params"]["order_by"]) == (
            MEMBER_ANSWERS_INCLUDE, "20", "created")  # fmt: skip


async def test_creator_mode_by_url_token_reaches_the_end(api: Any, sandbox: Any) -> None:
    async with api(**_settings(sandbox)) as client:
        created = await client.http.post("/api/crawl/", json={"platform": "zhihu", "mode": "creator",
                                                               "keywords": [TOKEN], "max_results": 1000})  # fmt: skip
        task_id = created.json()["task_id"]
        status = await client.wait_status(task_id, timeout=180)
        assert status["status"] == "completed", status
        unit = status["units"][0]
        assert unit["stop_reason"] == "end_of_results" and unit["pages_fetched"] == 5 and unit["new_items"] == 100
        posts = (await client.http.get(f"/api/crawl/task/{task_id}/results", params={"page_size": 200})).json()
        assert {p["author_id"] for p in posts["results"]} == {AUTHOR_ID}  # the id, whichever name was given
    assert {e["path"] for e in _members(sandbox)} == {f"/www.zhihu.com/api/v4/members/{TOKEN}/answers"}


# (fault, task status, stop_reason, posts kept). "after=1" lets the first page of the list through.
CASES = [
    ("business_error:40362@path=/api/v4/members,after=1", "partial", "risk_control", 20),
    ("verification@path=/api/v4/members,after=1", "partial", "verification_required", 20),
    ("http_429@path=/api/v4/members,after=1", "partial", "rate_limited", 20),
    ("login_expired@path=/api/v4/members", "failed", "login_required", 0),
]


@pytest.mark.parametrize(("fault", "status", "reason", "kept"), CASES, ids=[c[0] for c in CASES])
async def test_creator_mode_faults(api: Any, sandbox: Any, fault: str, status: str, reason: str, kept: int) -> None:
    assert httpx.post(f"{sandbox.url}/_sandbox/faults", json=[fault]).status_code == 200
    async with api(**_settings(sandbox)) as client:
        created = await client.http.post("/api/crawl/", json={"platform": "zhihu", "mode": "creator",
                                                               "keywords": [AUTHOR_ID], "max_results": 30})  # fmt: skip
        task_id = created.json()["task_id"]
        final = await client.wait_status(task_id, timeout=120)
        assert final["status"] == status, final
        assert final["units"][0]["stop_reason"] == reason, final
        assert final["counts"]["posts"] == kept and (status == "completed" or reason in final["error"])
        results = (await client.http.get(f"/api/crawl/task/{task_id}/results", params={"page_size": 50})).json()
        assert results["total"] == kept and all(p["author_id"] == AUTHOR_ID for p in results["results"])


async def test_creator_mode_unknown_member_fails_loudly(api: Any, sandbox: Any) -> None:
    async with api(**_settings(sandbox)) as client:
        created = await client.http.post("/api/crawl/", json={"platform": "zhihu", "mode": "creator",
                                                               "keywords": ["nobody-at-all"]})  # fmt: skip
        final = await client.wait_status(created.json()["task_id"], timeout=60)
    assert final["status"] == "failed" and final["units"][0]["stop_reason"] == "error", final
    assert "404" in final["units"][0]["error"]
