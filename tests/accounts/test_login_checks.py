"""The health check of each account: the platform's own login check, against the sandbox over HTTP.

valid / expired / unknown with last_checked_at, through POST /api/cookies/{platform}/check.
Tieba has no login-check endpoint: its accounts stay "unknown". Zhihu's check runs inside the browser
page, so it is tested with the other Chromium tests (tests/crawl/test_zhihu_e2e.py).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

XHS = ("a1=19a3c2b1e4fcafebabe1234567890abcdef1234567890abcdef; webId=0123456789abcdef0123456789abcdef; "
       "web_session=040069b5f3c1e2d4a6b8c0d2e4f6a8b0")  # fmt: skip
KS = "passToken=sandbox-pass-token; did=web_sandbox; userId=1"

# (platform, cookie, fault or None, expected status)
CASES = [
    ("xiaohongshu", XHS, None, "valid"),
    ("xiaohongshu", XHS, "login_expired@path=/api/sns/web/v1/user/selfinfo", "expired"),
    ("xiaohongshu", "a1=only-a1", None, "expired"),
    ("bilibili", "SESSDATA=sess; bili_jct=jct; DedeUserID=1", None, "valid"),
    ("bilibili", "buvid3=anonymous", None, "expired"),
    ("douyin", "sessionid=s; LOGIN_STATUS=1", None, "valid"),
    ("douyin", "sessionid=s", None, "unknown"),
    ("douyin", "ttwid=anonymous", None, "expired"),
    ("kuaishou", KS, None, "valid"),
    ("weibo", "SUB=abc; SUBP=def", None, "valid"),
    ("tieba", "BDUSS=x", None, "unknown"),
]


@pytest.mark.parametrize(("platform", "cookie", "fault", "expected"), CASES,
                         ids=[f"{c[0]}-{c[3]}-{i}" for i, c in enumerate(CASES)])  # fmt: skip
async def test_login_check(
    api: Any, sandbox: Any, platform: str, cookie: str, fault: str | None, expected: str
) -> None:
    if fault:
        httpx.post(f"{sandbox.url}/_sandbox/faults", json=[fault])
    async with api(workers=0, sandbox_url=sandbox.url) as client:
        added = await client.http.post("/api/cookies/set", json={"platform": platform, "cookie_string": cookie})
        assert added.status_code == 201, added.text
        checked = (await client.http.post(f"/api/cookies/{platform}/check")).json()["accounts"]
        assert len(checked) == 1
        account = checked[0]
        assert account["status"] == expected, account
        assert account["last_checked_at"]
        listed = (await client.http.get(f"/api/cookies/{platform}")).json()["accounts"][0]
        assert listed["status"] == expected and listed["healthy"] is (expected != "expired")
