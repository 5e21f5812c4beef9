"""/api/cookies: several accounts per platform, never returning cookie values, encrypted at rest."""

from __future__ import annotations

import sqlite3
from typing import Any

import httpx
import pytest

from keypick.accounts.crypto import CookieCipher, load_cipher
from keypick.exceptions import ConfigError

COOKIE = "SUB=_2A25secretvalue; SUBP=0033WrSXqPxfM"


async def test_set_list_get_delete(api: Any, tmp_path: Any) -> None:
    async with api(workers=0, secret_key="s3cret") as client:
        first = await client.http.post("/api/cookies/set", json={"platform": "wb", "cookie_string": COOKIE})
        assert first.status_code == 201, first.text
        account = first.json()["account"]
        assert account["platform"] == "weibo" and account["cookie_names"] == ["SUB", "SUBP"]
        assert account["status"] == "unknown" and account["healthy"] is True
        again = await client.http.post("/api/cookies/set", json={"platform": "weibo", "cookie_string": COOKIE})
        assert again.status_code == 200 and again.json()["account"]["id"] == account["id"]
        second = await client.http.post("/api/cookies/set", json={"platform": "weibo", "cookie_string": "SUB=other",
                                                                   "label": "backup"})  # fmt: skip
        assert second.status_code == 201 and second.json()["account"]["label"] == "backup"

        listed = await client.http.get("/api/cookies/")
        assert listed.json()["platforms"]["weibo"] == {"accounts": 2, "healthy": 2}
        one = await client.http.get("/api/cookies/wb")
        assert len(one.json()["accounts"]) == 2
        for response in (first, again, second, listed, one):
            assert "secretvalue" not in response.text and "other" not in response.text.replace('"other', "")

        urls = (await client.http.get("/api/cookies/platforms/urls")).json()["platforms"]
        assert set(urls) == {"xiaohongshu", "douyin", "kuaishou", "bilibili", "weibo", "tieba", "zhihu"}

        removed = await client.http.delete("/api/cookies/weibo", params={"account_id": account["id"]})
        assert removed.json()["deleted"] == 1
        assert len((await client.http.get("/api/cookies/weibo")).json()["accounts"]) == 1

    # At rest the cookie is ciphertext, readable only with the key.
    db = sqlite3.connect(tmp_path / "data" / "keypick.db")
    stored = db.execute("SELECT cookie_encrypted FROM account").fetchall()
    db.close()
    assert stored and all("SUB=" not in row[0] for row in stored)
    assert CookieCipher("s3cret").decrypt(stored[0][0]) == "SUB=other"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"platform": "myspace", "cookie_string": COOKIE}, "platform"),
        ({"platform": "weibo", "cookie_string": "no pairs here"}, "cookie_string"),
        ({"platform": "weibo", "cookie_string": COOKIE, "login_type": "magic"}, "login_type"),
        ({"platform": "weibo"}, "cookie_string"),
    ],
)
async def test_bad_input(api: Any, body: dict[str, Any], field: str) -> None:
    async with api(workers=0) as client:
        response = await client.http.post("/api/cookies/set", json=body)
        assert response.status_code == 422
        assert field in response.json()["error"]["message"]
        assert (await client.http.get("/api/cookies/")).json()["accounts"] == []


async def test_refresh_imports_env_cookies(api: Any) -> None:
    async with api(workers=0, cookies_wb=COOKIE, cookies_zhihu="d_c0=abc; z_c0=def") as client:
        # Imported at start already; refresh is idempotent.
        listed = (await client.http.get("/api/cookies/")).json()
        assert {a["platform"] for a in listed["accounts"]} == {"weibo", "zhihu"}
        refreshed = (await client.http.post("/api/cookies/refresh")).json()["imported"]
        assert {i["platform"] for i in refreshed} == {"weibo", "zhihu"} and not any(i["created"] for i in refreshed)


async def test_login_check_against_sandbox(api: Any, sandbox: Any) -> None:
    async with api(workers=0, sandbox_url=sandbox.url) as client:
        await client.http.post("/api/cookies/set", json={"platform": "weibo", "cookie_string": COOKIE})
        checked = (await client.http.post("/api/cookies/weibo/check")).json()["accounts"]
        assert checked[0]["status"] == "valid" and checked[0]["last_checked_at"]
        httpx.post(f"{sandbox.url}/_sandbox/faults", json=["login_expired@path=/api/config"])
        checked = (await client.http.post("/api/cookies/weibo/check")).json()["accounts"]
        assert checked[0]["status"] == "expired" and "login_required" in checked[0]["detail"]


def test_production_refuses_plain_storage(tmp_path: Any) -> None:
    with pytest.raises(ConfigError, match="KEYPICK_SECRET_KEY"):
        load_cipher(secret="", data_dir=tmp_path, production=True)
    dev = load_cipher(secret="", data_dir=tmp_path, production=False)
    assert (tmp_path / "secret.key").stat().st_mode & 0o777 == 0o600
    assert load_cipher(secret="", data_dir=tmp_path, production=False).decrypt(dev.encrypt("a=b")) == "a=b"
    with pytest.raises(ConfigError, match="changed"):
        CookieCipher("other").decrypt(dev.encrypt("a=b"))


async def test_platforms_list_counts_accounts(api: Any) -> None:
    async with api(workers=0) as client:
        await client.http.post("/api/cookies/set", json={"platform": "weibo", "cookie_string": COOKIE})
        platforms = {p["platform"]: p for p in (await client.http.get("/api/crawl/platforms")).json()["platforms"]}
        assert platforms["weibo"]["enabled"] is True
        assert platforms["weibo"]["accounts_configured"] == 1 and platforms["weibo"]["accounts_healthy"] == 1
        assert platforms["weibo"]["capabilities"]["comments"] is True
        assert len(platforms) == 7
