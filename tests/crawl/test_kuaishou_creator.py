"""Author's posts (mode "creator") on Kuaishou end to end: API → workers → REAL headless Chromium signer →
sandbox over HTTP → storage, on SQLite and PostgreSQL.

Each /rest/v/profile/feed page is signed by the `$encode` object of the sandbox's www.kuaishou.com page,
as search is; the replay refuses a bad signature ({"result":50}) and a pcursor it never gave out, so a
completed crawl proves both. No Kuaishou capture exists: the user's videos are the real douyin sample
items reshaped (kuaishou_data.py), all with the requested user as author.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from keypick.sandbox.kuaishou_data import KuaishouData, ks_id
from keypick.sandbox.signing_pages import sign
from tests.browser.chromium import require_chromium
from tests.samples import load_sample

COOKIE = "passToken=sandbox-pass-token; did=web_sandbox; userId=1"
PROFILE = "/rest/v/profile/feed"
#: A real author of the douyin search capture, under the Kuaishou-style id the replay gives it.
USER = ks_id("user", load_sample("douyin", "app_general_search-1.json")["data"][0]["aweme_info"]["author"]["uid"])
LEASE = 30.0  # see test_kuaishou_e2e.py: one commit may hold the event loop longer than the 3 s default


@pytest.fixture(scope="module", autouse=True)
def _needs_chromium() -> None:
    require_chromium("the Kuaishou creator-mode tests")


def _settings(sandbox: Any, **extra: Any) -> dict[str, Any]:
    return {"sandbox_url": sandbox.url, "cookies_ks": COOKIE, "task_lease_seconds": LEASE, **extra}


def _profile_requests(sandbox: Any) -> list[dict[str, Any]]:
    log = httpx.get(f"{sandbox.url}/_sandbox/requests").json()["requests"]
    return [r for r in log if r["path"] == f"/www.kuaishou.com{PROFILE}"]


def _signature(pcursor: str) -> str:
    """The sandbox page's signature of the body the adapter must send for this pcursor."""
    body = {"user_id": USER, "pcursor": pcursor, "page": "profile"}
    return sign("kuaishou", f"{PROFILE}\n{json.dumps(body, ensure_ascii=False, separators=(',', ':'))}")


async def test_creator_mode_pages_the_users_videos(api: Any, sandbox: Any, database_url: str) -> None:
    async with api(**_settings(sandbox, database_url=database_url)) as client:
        created = await client.http.post("/api/crawl/", json={
            "platform": "ks", "mode": "creator", "keywords": [USER], "max_results": 45, "include_comments": True,
            "max_comments_per_post": 3,
        })  # fmt: skip
        assert created.status_code == 202, created.text
        task_id = created.json()["task_id"]
        status = await client.wait_status(task_id, timeout=120)
        assert status["status"] == "completed", status
        unit = status["units"][0]
        assert unit["keyword"] == USER and unit["stop_reason"] == "max_results"
        assert unit["pages_fetched"] == 3 and unit["new_items"] == 45 and unit["skipped_cards"] == 0
        posts = (await client.http.get(f"/api/crawl/task/{task_id}/results", params={"page_size": 100})).json()
        assert posts["total"] == 45 and len({p["id"] for p in posts["results"]}) == 45
        for post in posts["results"]:
            assert post["author_id"] == USER and post["id"].startswith("3x") and post["publish_time"]
            assert isinstance(post["likes"], int) and not post["content"].startswith("#")
        # One card per page has no timestamp: it was completed from visionVideoDetail (pages 1, 2 and maybe 3).
        assert 2 <= sum(bool(p["platform_data"].get("from_detail")) for p in posts["results"]) <= 3
        assert 0 < status["counts"]["comments"] <= 45 * 3
    pages = _profile_requests(sandbox)
    # Page 1 with pcursor "", then each with the pcursor the previous answer gave; each body signed by the page.
    data = KuaishouData(seed="keypick", anchor=datetime.now(UTC))  # pcursors depend on the seed, not the anchor
    cursors = ["", data.profile_cursor(USER, 2), data.profile_cursor(USER, 3)]
    assert [r["params"]["__NS_hxfalcon"] for r in pages] == [_signature(c) for c in cursors]
    assert all(r["status"] == 200 and r["params"]["caver"] == "2" and "passToken" in r["cookies"] for r in pages)


async def test_creator_mode_reaches_the_end_of_the_feed(api: Any, sandbox: Any) -> None:
    async with api(**_settings(sandbox)) as client:
        created = await client.http.post("/api/crawl/", json={"platform": "kuaishou", "mode": "creator",
                                                               "keywords": [USER], "max_results": 1000})  # fmt: skip
        status = await client.wait_status(created.json()["task_id"], timeout=180)
        assert status["status"] == "completed", status
        unit = status["units"][0]
        assert unit["stop_reason"] == "end_of_results" and unit["pages_fetched"] == 5 and unit["new_items"] == 100
    assert len(_profile_requests(sandbox)) == 5


# (fault, task status, stop_reason, posts kept). "after=1" lets the first page of the feed through.
CASES = [
    (f"business_error:2@path={PROFILE},after=1", "partial", "rate_limited", 20),  # result 2, retried, given up
    (f"verification@path={PROFILE},after=1", "partial", "verification_required", 20),
    (f"login_expired@path={PROFILE}", "failed", "login_required", 0),
    (f"business_error:2@path={PROFILE},times=2", "completed", "max_results", 30),
]


@pytest.mark.parametrize(("fault", "status", "reason", "kept"), CASES, ids=[c[0] for c in CASES])
async def test_creator_mode_faults(api: Any, sandbox: Any, fault: str, status: str, reason: str, kept: int) -> None:
    assert httpx.post(f"{sandbox.url}/_sandbox/faults", json=[fault]).status_code == 200
    async with api(**_settings(sandbox)) as client:
        created = await client.http.post("/api/crawl/", json={"platform": "ks", "mode": "creator",
                                                               "keywords": [USER], "max_results": 30})  # fmt: skip
        task_id = created.json()["task_id"]
        final = await client.wait_status(task_id, timeout=120)
        assert final["status"] == status, final
        assert final["units"][0]["stop_reason"] == reason, final
        assert final["counts"]["posts"] == kept
        results = (await client.http.get(f"/api/crawl/task/{task_id}/results", params={"page_size": 50})).json()
        assert results["total"] == kept and all(p["author_id"] == USER for p in results["results"])


async def test_creator_mode_unknown_user_fails_loudly(api: Any, sandbox: Any) -> None:
    async with api(**_settings(sandbox)) as client:
        created = await client.http.post("/api/crawl/", json={"platform": "ks", "mode": "creator",
                                                               "keywords": ["3xnobody00000000"]})  # fmt: skip
        final = await client.wait_status(created.json()["task_id"], timeout=120)
    assert final["status"] == "failed" and final["units"][0]["stop_reason"] == "error", final
    assert "用户不存在" in final["units"][0]["error"]
