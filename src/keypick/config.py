"""One settings tree, read once at start from the environment and `.env`.

Every setting is listed here with its default; `.env.example` documents them
for users. Pure modules never import this: settings are passed down.
"""

from __future__ import annotations

import ipaddress
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from keypick.enums import Platform


class Politeness(BaseModel):
    """How gently to treat one platform (applied per platform, across all tasks)."""

    min_interval: float = Field(2.0, ge=0, description="Seconds between two requests to the platform.")
    jitter: float = Field(1.0, ge=0, description="Extra random delay, uniform in [0, jitter] seconds.")
    concurrency: int = Field(1, ge=1, le=16, description="Requests in flight at once.")
    daily_budget: int = Field(3000, ge=0, description="Requests per UTC day; 0 means unlimited.")
    max_retries: int = Field(3, ge=0, le=10, description="Retries of a retryable failure (5xx, 429, timeout).")
    backoff_base: float = Field(5.0, ge=0, description="First backoff in seconds; doubles per retry.")
    backoff_max: float = Field(120.0, ge=0, description="Longest single backoff in seconds.")


class Settings(BaseSettings):
    """KeyPick's settings. Names without the KEYPICK_ prefix keep the original deployment's names."""

    model_config = SettingsConfigDict(
        env_prefix="KEYPICK_",
        env_file=".env",
        env_file_encoding="utf-8",
        env_nested_delimiter="__",
        extra="ignore",
        populate_by_name=True,
    )

    environment: Literal["development", "production"] = Field(
        "development", validation_alias=AliasChoices("ENVIRONMENT", "KEYPICK_ENVIRONMENT")
    )
    api_keys_raw: SecretStr = Field(SecretStr(""), validation_alias=AliasChoices("KEYPICK_API_KEYS"))
    internal_key: SecretStr = Field(SecretStr(""), validation_alias=AliasChoices("INTERNAL_KEY"))
    database_url: str = Field(
        "", validation_alias=AliasChoices("DATABASE_URL", "SUPABASE_DB_URL", "KEYPICK_DATABASE_URL")
    )
    redis_url: str = Field("", validation_alias=AliasChoices("REDIS_URL", "KEYPICK_REDIS_URL"))
    host: str = Field("", validation_alias=AliasChoices("HOST", "KEYPICK_HOST"))
    port: int = Field(8000, ge=1, le=65535, validation_alias=AliasChoices("PORT", "KEYPICK_PORT"))
    data_dir: Path = Field(Path("./data"))
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", validation_alias=AliasChoices("LOG_LEVEL", "KEYPICK_LOG_LEVEL")
    )
    sandbox_url: str = ""
    public_url: str = ""

    metrics_port: int = Field(0, ge=0, le=65535, description="Also serve /metrics on this port (Fly: 9091); 0: off.")
    search_rank_window: int = Field(
        10_000, ge=0, description="Search relevance ranks at most this many of the newest matches (0: all)."
    )
    pg_search_index: Literal["auto", "gin"] = Field(
        "auto", description="PostgreSQL search index: auto (RUM when the rum extension can be created) or gin."
    )
    dify_text_chars: int = Field(300, ge=20, le=5000, description="Post text length in Dify/MCP answers.")
    workers: int = Field(2, ge=0, le=64, description="Tasks run at once by one process (0: API only).")
    task_lease_seconds: float = Field(30.0, gt=0, description="A running task not heartbeating is resumed.")
    http_timeout: float = Field(15.0, gt=0)
    user_agent_mobile: str = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1"
    )

    secret_key: SecretStr = Field(SecretStr(""), description="Encrypts stored cookies (required in production).")
    account_cooldown_seconds: float = Field(1800.0, ge=0, description="Rest of an account after a risk answer.")
    browser_executable: str = Field(
        "", description="Chromium for the browser signer (keypick[browser]); empty: /usr/bin/chromium or PATH."
    )
    # Platform cookies from the environment (KEYPICK_COOKIES_XHS, ..._DY, _KS, _BILI, _WB, _TIEBA, _ZHIHU).
    # `POST /api/cookies/refresh` imports them as accounts; never logged, never returned.
    cookies_xhs: SecretStr = SecretStr("")
    cookies_dy: SecretStr = SecretStr("")
    cookies_ks: SecretStr = SecretStr("")
    cookies_bili: SecretStr = SecretStr("")
    cookies_wb: SecretStr = SecretStr("")
    cookies_tieba: SecretStr = SecretStr("")
    cookies_zhihu: SecretStr = SecretStr("")

    xiaohongshu: Politeness = Politeness()
    douyin: Politeness = Politeness()
    kuaishou: Politeness = Politeness()
    bilibili: Politeness = Politeness()
    weibo: Politeness = Politeness()
    tieba: Politeness = Politeness()
    zhihu: Politeness = Politeness()

    @field_validator("sandbox_url", "public_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @cached_property
    def api_keys(self) -> tuple[str, ...]:
        """The accepted API keys (comma-separated in KEYPICK_API_KEYS)."""
        return tuple(k.strip() for k in self.api_keys_raw.get_secret_value().split(",") if k.strip())

    @property
    def is_production(self) -> bool:
        """True in production."""
        return self.environment == "production"

    @property
    def resolved_database_url(self) -> str:
        """The SQLAlchemy async URL: DATABASE_URL made async, or SQLite in the data dir."""
        url = self.database_url.strip()
        if not url:
            return f"sqlite+aiosqlite:///{(self.data_dir / 'keypick.db').resolve()}"
        for prefix in ("postgres://", "postgresql://", "postgresql+psycopg://", "postgresql+psycopg2://"):
            if url.startswith(prefix):
                return "postgresql+asyncpg://" + url[len(prefix) :]
        if url.startswith("sqlite://") and "+aiosqlite" not in url:
            return url.replace("sqlite://", "sqlite+aiosqlite://", 1)
        return url

    @property
    def bind_host(self) -> str:
        """Where to listen: HOST if set, else all interfaces in production and loopback in development."""
        if self.host:
            return self.host
        return "0.0.0.0" if self.is_production else "127.0.0.1"

    @property
    def open_access(self) -> bool:
        """True when no API key is configured (development only, loopback only)."""
        return not self.api_keys and not self.is_production

    def env_cookie(self, platform: Platform | str) -> str | None:
        """Return the cookie string given for a platform in the environment, if any."""
        short = {"xiaohongshu": "xhs", "douyin": "dy", "kuaishou": "ks", "bilibili": "bili", "weibo": "wb"}
        name = Platform(platform).value
        secret: SecretStr = getattr(self, f"cookies_{short.get(name, name)}")
        return secret.get_secret_value().strip() or None

    def politeness(self, platform: Platform | str) -> Politeness:
        """Return the politeness settings of one platform."""
        value: Politeness = getattr(self, Platform(platform).value)
        return value

    def check(self) -> list[str]:
        """Raise ConfigError on fatal problems; return warnings to print loudly."""
        from keypick.exceptions import ConfigError

        warnings: list[str] = []
        if self.is_production and not self.api_keys:
            raise ConfigError("ENVIRONMENT=production needs KEYPICK_API_KEYS (comma-separated); refusing to start")
        if self.open_access:
            if self.host and not _is_loopback(self.host):
                raise ConfigError(
                    f"HOST={self.host} exposes an API without keys; set KEYPICK_API_KEYS or bind to 127.0.0.1"
                )
            warnings.append(
                "NO API KEYS SET: the API is open to anything on this machine, so it listens on loopback only. "
                "Set KEYPICK_API_KEYS before exposing it on another interface (HOST)."
            )
        return warnings


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def load_settings(**overrides: object) -> Settings:
    """Read the settings once (env, then `.env`); keyword overrides win (used by the CLI and tests)."""
    return Settings(**overrides)  # type: ignore[arg-type]
