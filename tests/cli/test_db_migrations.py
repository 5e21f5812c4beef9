"""`keypick db upgrade`: the same Alembic migrations build the same schema on SQLite and PostgreSQL.

Each run starts from an empty database (a fresh SQLite file, a fresh PostgreSQL database), applies
every revision through the CLI, then checks that the schema matches the models exactly (Alembic's
own autogenerate comparison finds nothing to change) and that both backends hold the same tables,
columns and indexes. The only deliberate difference is full-text search: FTS5 on SQLite, a tsvector
column on PostgreSQL (docs/architecture.md).
"""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from typer.testing import CliRunner

import keypick
from keypick.cli.main import app
from keypick.config import Settings
from keypick.db import Base, create_engine
from keypick.migrate import alembic_config
from tests.conftest import fresh_pg_database

runner = CliRunner()
#: Full-text search is dialect-specific by design; everything else must be identical.
SQLITE_ONLY_TABLES = {"post_fts", "post_fts_config", "post_fts_content", "post_fts_data", "post_fts_docsize",
                      "post_fts_idx"}  # fmt: skip
POSTGRES_ONLY = {("post", "search_vector"), ("post", "ix_post_search_vector"), ("post", "ix_post_search_rum")}


def _load_all_models() -> None:
    # Every domain's models module registers its tables on Base.metadata.
    for module in pkgutil.walk_packages(keypick.__path__, "keypick."):
        if module.name.endswith(".models"):
            importlib.import_module(module.name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    request.getfixturevalue("pg_database")  # fails under KEYPICK_REQUIRE_SERVICES=1 when PostgreSQL is down
    with fresh_pg_database("keypick_migrate") as url:
        yield url


def _schema(url: str) -> tuple[str, dict[str, set[str]], list[Any]]:
    """Return (revision, {table: columns and indexes}, autogenerate diffs) of the database at `url`."""
    _load_all_models()

    def read(conn: Any) -> tuple[str, dict[str, set[str]], list[Any]]:
        inspector = inspect(conn)
        shape = {
            # PostgreSQL also lists a unique constraint's own index; compare the constraint once.
            table: {c["name"] for c in inspector.get_columns(table)}
            | {str(i["name"]) for i in inspector.get_indexes(table) if not i.get("duplicates_constraint")}
            | {f"unique {u['name']}" for u in inspector.get_unique_constraints(table)}
            | {f"fk {f['name']}" for f in inspector.get_foreign_keys(table)}
            for table in inspector.get_table_names()
        }
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return str(context.get_current_revision()), shape, compare_metadata(context, Base.metadata)

    async def run() -> tuple[str, dict[str, set[str]], list[Any]]:
        engine = create_engine(Settings(database_url=url).resolved_database_url)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(read)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _deliberate(diff: Any) -> bool:
    """True for the dialect-specific full-text objects the models do not describe."""
    op = diff[0] if isinstance(diff, tuple) else None
    if op == "remove_table":
        return str(diff[1].name) in SQLITE_ONLY_TABLES
    if op == "remove_column":
        return (diff[2], diff[3].name) in POSTGRES_ONLY
    if op == "remove_index":
        return (diff[1].table.name, diff[1].name) in POSTGRES_ONLY
    return False


def _upgrade(url: str, monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> str:
    """Run `keypick db upgrade` twice on `url` (the second run finds nothing to do); return the head."""
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("KEYPICK_DATA_DIR", str(data_dir))
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    for _ in range(2):
        result = runner.invoke(app, ["db", "upgrade"])
        assert result.exit_code == 0, result.output
        assert f"revision {head}" in result.output
    return head


def test_db_upgrade_builds_the_models_schema(
    empty_database: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    head = _upgrade(empty_database, monkeypatch, tmp_path / "data")
    revision, _, diffs = _schema(empty_database)
    assert revision == head
    unexpected = [d for d in diffs if not _deliberate(d)]
    assert unexpected == [], f"migrations and models disagree: {unexpected}"


@pytest.mark.postgres
def test_sqlite_and_postgres_get_the_same_schema(
    pg_database: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    lite_url = f"sqlite:///{tmp_path / 'fresh.db'}"
    _upgrade(lite_url, monkeypatch, tmp_path / "data")
    with fresh_pg_database("keypick_migrate") as pg_url:
        _upgrade(pg_url, monkeypatch, tmp_path / "data")
        postgres_shape = _schema(pg_url)[1]
    sqlite = {t: cols for t, cols in _schema(lite_url)[1].items() if t not in SQLITE_ONLY_TABLES}
    postgres = {t: {c for c in cols if (t, c) not in POSTGRES_ONLY} for t, cols in postgres_shape.items()}
    assert sqlite.keys() == postgres.keys()
    for table in sqlite:
        assert sqlite[table] == postgres[table], table
