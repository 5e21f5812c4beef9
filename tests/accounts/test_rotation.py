"""Risk-control answers cool an account down and the crawl goes on with another; with none left it stops."""

from __future__ import annotations

from typing import Any

import httpx


async def _accounts(client: Any, n: int) -> list[int]:
    ids = []
    for i in range(n):
        body = {"platform": "weibo", "cookie_string": f"SUB=account{i}; SUBP=x", "label": f"acc{i}"}
        ids.append((await client.http.post("/api/cookies/set", json=body)).json()["account"]["id"])
    return ids


async def _crawl(client: Any) -> dict[str, Any]:
    created = await client.http.post("/api/crawl/", json={"platform": "weibo", "keywords": ["咖啡"], "max_results": 20})
    return await client.wait_status(created.json()["task_id"])


async def test_rotates_to_a_healthy_account(api: Any, sandbox: Any) -> None:
    httpx.post(f"{sandbox.url}/_sandbox/faults", json=["http_432@times=1"])
    async with api(sandbox_url=sandbox.url) as client:
        first, second = await _accounts(client, 2)
        status = await _crawl(client)
        assert status["status"] == "completed", status
        assert status["counts"]["posts"] == 20
        accounts = {a["id"]: a for a in (await client.http.get("/api/cookies/weibo")).json()["accounts"]}
        assert accounts[first]["cooldown_reason"] == "risk_control" and accounts[first]["healthy"] is False
        assert accounts[second]["healthy"] is True and accounts[second]["uses"] >= 1


async def test_none_left_stops_partial_with_reason(api: Any, sandbox: Any) -> None:
    httpx.post(f"{sandbox.url}/_sandbox/faults", json=["http_432@after=2"])
    async with api(sandbox_url=sandbox.url) as client:
        await _accounts(client, 2)
        status = await _crawl(client)
        assert status["status"] == "partial", status
        unit = status["units"][0]
        assert unit["stop_reason"] == "risk_control"
        assert "no healthy account left after 2" in unit["error"]
        assert status["counts"]["posts"] > 0
        listed = (await client.http.get("/api/cookies/")).json()
        assert listed["platforms"]["weibo"] == {"accounts": 2, "healthy": 0}
        # A new task on the same platform stops at once: every account rests, none is used anyway.
        again = await _crawl(client)
        assert again["status"] == "failed" and again["units"][0]["stop_reason"] == "risk_control"
        assert "cooling down" in again["units"][0]["error"]


async def test_expired_login_marks_account_expired(api: Any, sandbox: Any) -> None:
    httpx.post(f"{sandbox.url}/_sandbox/faults", json=["login_expired@times=1"])
    async with api(sandbox_url=sandbox.url) as client:
        first, second = await _accounts(client, 2)
        status = await _crawl(client)
        assert status["status"] == "completed"
        accounts = {a["id"]: a for a in (await client.http.get("/api/cookies/weibo")).json()["accounts"]}
        assert accounts[first]["status"] == "expired"
        assert accounts[second]["status"] != "expired"
