"""Rotation and cooldown with each platform's own risk answers, the configured cooldown, and recovery.

A first account meets the platform's risk or verification answer once: it rests for exactly the
configured cooldown, the crawl goes on with the next account and completes with nothing lost.
After the cooldown the rested account is healthy again and is used first (least recently used).
Production refuses to keep cookies in plain text.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import httpx
import pytest

XHS = ("a1=19a3c2b1e4fcafebabe1234567890abcdef1234567890abcdef; webId=0123456789abcdef0123456789abcdef; "
       "web_session=040069b5f3c1e2d4a6b8c0d2e4f6a8b{n}")  # fmt: skip

# (platform, cookie of account n, fault met once, the account's cooldown reason)
CASES = [
    ("xiaohongshu", XHS, "http_461@times=1", "verification_required"),
    ("xiaohongshu", XHS, "business_error:300011@times=1", "risk_control"),
    ("bilibili", "SESSDATA=sess{n}; bili_jct=jct{n}; DedeUserID=10{n}",
     "business_error@path=/x/web-interface/wbi/search,times=1", "risk_control"),
    ("tieba", "BDUSS=bduss{n}; STOKEN=stoken{n}", "verification@path=/mo/q/search/multsearch,times=1",
     "verification_required"),
    ("weibo", "SUB=account{n}; SUBP=x", "http_418@times=1", "risk_control"),
]  # fmt: skip


async def _add(client: Any, platform: str, cookie: str, n: int) -> int:
    body = {"platform": platform, "cookie_string": cookie.format(n=n), "label": f"acc{n}"}
    response = await client.http.post("/api/cookies/set", json=body)
    assert response.status_code == 201, response.text
    account_id: int = response.json()["account"]["id"]
    return account_id


async def _crawl(client: Any, platform: str, max_results: int = 20) -> dict[str, Any]:
    created = await client.http.post(
        "/api/crawl/", json={"platform": platform, "keywords": ["咖啡"], "max_results": max_results}
    )
    assert created.status_code == 202, created.text
    status: dict[str, Any] = await client.wait_status(created.json()["task_id"], timeout=90)
    return status


async def _accounts(client: Any, platform: str) -> dict[int, dict[str, Any]]:
    listed = (await client.http.get(f"/api/cookies/{platform}")).json()["accounts"]
    return {a["id"]: a for a in listed}


@pytest.mark.parametrize(("platform", "cookie", "fault", "reason"), CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
async def test_platform_risk_answer_rotates_accounts(
    api: Any, sandbox: Any, platform: str, cookie: str, fault: str, reason: str
) -> None:
    assert httpx.post(f"{sandbox.url}/_sandbox/faults", json=[fault]).status_code == 200
    async with api(sandbox_url=sandbox.url, account_cooldown_seconds=600, task_lease_seconds=60,
                   http_timeout=2.0) as client:  # fmt: skip
        first, second = await _add(client, platform, cookie, 1), await _add(client, platform, cookie, 2)
        status = await _crawl(client, platform)
        assert status["status"] == "completed", status
        assert status["units"][0]["stop_reason"] == "max_results" and status["counts"]["posts"] == 20
        accounts = await _accounts(client, platform)
        rested, used = accounts[first], accounts[second]
        assert rested["cooldown_reason"] == reason and rested["healthy"] is False
        assert used["healthy"] is True and used["uses"] >= 1 and used["cooldown_reason"] is None
        until = datetime.fromisoformat(rested["cooldown_until"])
        assert 590 <= (until - datetime.fromisoformat(rested["last_used_at"])).total_seconds() <= 620


async def test_cooldown_is_configurable_and_ends(api: Any, sandbox: Any) -> None:
    httpx.post(f"{sandbox.url}/_sandbox/faults", json=["http_432@times=1"])
    async with api(sandbox_url=sandbox.url, account_cooldown_seconds=1.5) as client:
        first, second = (
            await _add(client, "weibo", "SUB=account{n}; SUBP=x", 1),
            await _add(client, "weibo", "SUB=account{n}; SUBP=x", 2),
        )
        assert (await _crawl(client, "weibo"))["status"] == "completed"
        accounts = await _accounts(client, "weibo")
        assert accounts[first]["healthy"] is False and accounts[second]["healthy"] is True
        await asyncio.sleep(1.6)
        accounts = await _accounts(client, "weibo")
        assert accounts[first]["healthy"] is True, accounts[first]
        uses = accounts[first]["uses"]
        # Rested longest ago, so it is the least recently used healthy account: it goes first.
        assert (await _crawl(client, "weibo", max_results=5))["status"] == "completed"
        assert (await _accounts(client, "weibo"))[first]["uses"] == uses + 1


async def test_production_api_refuses_to_store_cookies_without_a_secret_key(api: Any) -> None:
    async with api(workers=0, environment="production", api_keys_raw="k", headers={"X-API-Key": "k"}) as client:
        response = await client.http.post(
            "/api/cookies/set", json={"platform": "weibo", "cookie_string": "SUB=plain-secret"}
        )
        assert response.status_code == 500
        error = response.json()["error"]
        assert error["code"] == "config_error" and "KEYPICK_SECRET_KEY" in error["message"]
        assert "plain-secret" not in response.text
        assert (await client.http.get("/api/cookies/")).json()["accounts"] == []
    async with api(workers=0, environment="production", api_keys_raw="k", secret_key="long-random",
                   headers={"X-API-Key": "k"}) as client:  # fmt: skip
        stored = await client.http.post(
            "/api/cookies/set", json={"platform": "weibo", "cookie_string": "SUB=plain-secret"}
        )
        assert stored.status_code == 201 and "plain-secret" not in stored.text
