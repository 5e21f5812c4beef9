"""Everything a running KeyPick process shares: settings, database, politeness, workers."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from keypick.accounts import service as account_service
from keypick.accounts.crypto import CookieCipher, load_cipher
from keypick.accounts.pool import AccountPool
from keypick.browser.base import BrowserFetcher
from keypick.config import Settings
from keypick.crawler.ratelimit import Limiter
from keypick.db import create_engine, session_factory
from keypick.enums import Platform
from keypick.exceptions import ConfigError
from keypick.platforms import registry
from keypick.platforms.base import PlatformAdapter
from keypick.tasks.worker import WorkerPool


@dataclass
class Runtime:
    """Process-wide state, built once at start."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    limiter: Limiter
    pool: WorkerPool | None = None
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, settings: Settings) -> Runtime:
        """Create the engine and politeness registry (no IO yet)."""
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_engine(settings.resolved_database_url)
        return cls(settings=settings, engine=engine, sessions=session_factory(engine),
                   limiter=Limiter(settings.politeness))  # fmt: skip

    browser: BrowserFetcher | None = None

    def browser_fetcher(self) -> BrowserFetcher:
        """Return the process's browser fetcher, starting it on first use (needs keypick[browser])."""
        if self.browser is None:
            try:
                from keypick.browser.playwright import PlaywrightFetcher
            except ImportError as exc:
                raise ConfigError(
                    "this platform needs the browser signer: pip install 'keypick[browser]' and install Chromium"
                ) from exc
            self.browser = PlaywrightFetcher(executable_path=self.settings.browser_executable or None)
        return self.browser

    def adapter(self, platform: str, cookie: str | None = None) -> PlatformAdapter:
        """Build an adapter sharing this process's politeness slots (and browser, if it needs one)."""
        info = registry.INFOS.get(Platform(platform))
        browser = self.browser_fetcher() if info and info.capabilities.needs_browser else None
        cookie = cookie if cookie is not None else self.settings.env_cookie(platform)
        return registry.build_adapter(
            platform, settings=self.settings, limiter=self.limiter, cookie=cookie, browser=browser
        )

    async def aclose(self) -> None:
        """Release the browser and the database pool."""
        if self.browser is not None:
            await self.browser.aclose()
            self.browser = None
        await self.engine.dispose()

    _cipher: CookieCipher | None = None

    def cipher(self) -> CookieCipher:
        """Return the cookie cipher (KEYPICK_SECRET_KEY, or the data dir's key in development)."""
        if self._cipher is None:
            self._cipher = load_cipher(
                secret=self.settings.secret_key.get_secret_value(), data_dir=self.settings.data_dir,
                production=self.settings.is_production,
            )  # fmt: skip
        return self._cipher

    def account_pool(self) -> AccountPool:
        """Return the account pool the engine rotates."""
        return AccountPool(self.sessions, self.cipher, self.settings.account_cooldown_seconds)

    async def import_env_cookies(self) -> list[dict[str, object]]:
        """Store the cookies given in the environment (KEYPICK_COOKIES_*) as accounts; return what changed."""
        imported: list[dict[str, object]] = []
        for platform in Platform:
            cookie = self.settings.env_cookie(platform)
            if not cookie:
                continue
            async with self.sessions() as session:
                row, created = await account_service.add(
                    session, platform=platform.value, cookie=cookie, cipher=self.cipher(), source="env",
                    label=f"{platform.value}-env",
                )  # fmt: skip
            imported.append({"platform": platform.value, "account_id": row.id, "created": created})
        return imported

    def make_pool(self, concurrency: int) -> WorkerPool:
        """Create (not start) the worker pool of this process."""
        self.pool = WorkerPool(
            sessions=self.sessions, adapter_factory=self.adapter, concurrency=concurrency,
            lease=self.settings.task_lease_seconds, accounts=self.account_pool(),
        )  # fmt: skip
        return self.pool


def get_runtime(request: Request) -> Runtime:
    """FastAPI dependency: the app's Runtime."""
    runtime: Runtime = request.app.state.runtime
    return runtime
