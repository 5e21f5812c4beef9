"""API keys: X-API-Key, Bearer, X-Internal-Key; production refuses to start without keys."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from keypick.api.app import create_app
from keypick.config import Settings
from keypick.exceptions import ConfigError


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"X-API-Key": "wrong"}, 401),
        ({"X-API-Key": "k-one"}, 200),
        ({"X-API-Key": "k-two"}, 200),
        ({"Authorization": "Bearer k-two"}, 200),
        ({"Authorization": "Bearer wrong"}, 401),
        ({"Authorization": "k-one"}, 200),
        ({"Authorization": "Basic k-one"}, 200),
        ({"Authorization": "Bearer Bearer k-one"}, 200),
        ({"Authorization": "bearer  basic k-two"}, 200),
        ({"Authorization": "Basic " + base64.b64encode(b"dify:k-one").decode()}, 200),
        ({"Authorization": "Basic " + base64.b64encode(b"dify:nope").decode()}, 401),
        ({"Authorization": "Bearer"}, 401),
        ({"X-API-Key": "Bearer k-one"}, 200),
        ({"Authorization": "k-one-and-more"}, 401),
        ({"X-Internal-Key": "gateway-secret"}, 200),
        ({"X-Internal-Key": "k-one"}, 401),
    ],
)
async def test_keys(api: Any, headers: dict[str, str], status: int) -> None:
    async with api(workers=0, headers=headers, api_keys_raw="k-one, k-two", internal_key="gateway-secret") as c:
        response = await c.http.get("/api/crawl/tasks")
        assert response.status_code == status
        if status == 401:
            assert response.json()["error"]["code"] == "unauthorized"
            assert "k-one" not in response.text
        # Health stays open for load balancers.
        assert (await c.http.get("/health")).status_code == 200


@pytest.mark.parametrize(("query", "status"), [("key=k-one", 200), ("key=wrong", 401), ("key=", 401)])
async def test_query_key(api: Any, query: str, status: int) -> None:
    async with api(workers=0, api_keys_raw="k-one") as c:
        assert (await c.http.get(f"/api/crawl/tasks?{query}")).status_code == status


def test_production_needs_keys(tmp_path: Any) -> None:
    with pytest.raises(ConfigError, match="KEYPICK_API_KEYS"):
        create_app(Settings(environment="production", data_dir=tmp_path))


def test_development_without_keys_binds_loopback(tmp_path: Any) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.bind_host == "127.0.0.1"
    assert any("NO API KEYS" in w for w in settings.check())
    with pytest.raises(ConfigError, match="without keys"):
        Settings(data_dir=tmp_path, host="0.0.0.0").check()
    assert Settings(data_dir=tmp_path, api_keys_raw="k").bind_host == "127.0.0.1"
    assert Settings(data_dir=tmp_path, api_keys_raw="k", environment="production").bind_host == "0.0.0.0"
    assert Settings(data_dir=tmp_path, api_keys_raw="k", host="0.0.0.0").check() == []


def test_env_names_and_alias(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.setenv("SUPABASE_DB_URL", "postgres://u:p@db.example:5432/postgres")
    monkeypatch.setenv("PORT", "8080")
    monkeypatch.setenv("KEYPICK_WEIBO__MIN_INTERVAL", "3.5")
    monkeypatch.setenv("KEYPICK_API_KEYS", "a,b")
    settings = Settings()
    assert settings.resolved_database_url == "postgresql+asyncpg://u:p@db.example:5432/postgres"
    assert settings.port == 8080
    assert settings.weibo.min_interval == 3.5
    assert settings.api_keys == ("a", "b")
    assert "a,b" not in repr(settings)


def test_dotenv_is_read(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("KEYPICK_API_KEYS=from-dotenv\nLOG_LEVEL=DEBUG\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    settings = Settings()
    assert settings.api_keys == ("from-dotenv",)
    assert settings.log_level == "DEBUG"
