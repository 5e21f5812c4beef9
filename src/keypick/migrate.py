"""Apply Alembic migrations programmatically, on SQLite or PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncEngine

from keypick.history import pg_search
from keypick.search import pg_index
from keypick.search.pg_index import IndexChoice

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    """Return an Alembic config pointing at KeyPick's migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("file_template", "%%(year)d-%%(month).2d-%%(day).2d_%%(slug)s")
    return cfg


async def upgrade(engine: AsyncEngine, revision: str = "head", *, pg_search_index: IndexChoice = "auto") -> str:
    """Bring the database to `revision` (default: the newest) and its search index in line; return that index."""

    def _run(sync_conn: Any) -> str:
        cfg = alembic_config()
        cfg.attributes["connection"] = sync_conn
        command.upgrade(cfg, revision)
        return pg_index.reconcile(sync_conn, choice=pg_search_index)

    async with engine.begin() as conn:
        index: str = await conn.run_sync(_run)
    pg_search.forget(engine.sync_engine)
    return index


async def current(engine: AsyncEngine) -> str | None:
    """Return the database's current revision, or None before the first migration."""
    from alembic.runtime.migration import MigrationContext

    def _get(sync_conn: Any) -> str | None:
        return MigrationContext.configure(sync_conn).get_current_revision()

    async with engine.connect() as conn:
        return await conn.run_sync(_get)
