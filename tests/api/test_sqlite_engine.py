"""The embedded default: SQLite in KEYPICK_DATA_DIR, in WAL mode with foreign keys enforced."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import text


async def test_default_database_is_sqlite_wal_in_the_data_dir(api: Any, tmp_path: Path) -> None:
    async with api(workers=0) as client:
        runtime = client.app.state.runtime
        assert runtime.settings.resolved_database_url == f"sqlite+aiosqlite:///{tmp_path / 'data' / 'keypick.db'}"
        async with runtime.engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
            assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() == 30000
    # WAL is a property of the file: a plain sqlite3 connection sees it too.
    db = sqlite3.connect(tmp_path / "data" / "keypick.db")
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        db.close()
