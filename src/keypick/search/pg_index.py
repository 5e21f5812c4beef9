"""PostgreSQL: which index serves full-text search — RUM when the `rum` extension can be had, else GIN.

RUM (PostgresPro's GIN descendant, packaged by Debian as postgresql-NN-rum and offered by Supabase)
keeps lexeme positions in the index and returns matches ordered by rank, where GIN makes
ts_rank_cd read every match's tsvector from the heap. RUM also answers `@@`, so it replaces GIN
instead of sitting next to it (one index to maintain on every write). Run at every upgrade, so an
extension installed later is picked up by the next `keypick db upgrade`.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)

RUM_INDEX = "ix_post_search_rum"
GIN_INDEX = "ix_post_search_vector"
IndexChoice = Literal["auto", "gin"]


def _exists(conn: Any, name: str) -> bool:
    query = text("SELECT count(*) FROM pg_indexes WHERE tablename = 'post' AND indexname = :name")
    return bool(conn.execute(query, {"name": name}).scalar())


def _create_rum_extension(conn: Any) -> str | None:
    """Create the extension if it is installable; return why not otherwise (savepoint keeps the migration)."""
    if conn.execute(text("SELECT count(*) FROM pg_extension WHERE extname = 'rum'")).scalar():
        return None
    if not conn.execute(text("SELECT count(*) FROM pg_available_extensions WHERE name = 'rum'")).scalar():
        return "the rum extension is not installed on the server (Debian: apt install postgresql-NN-rum)"
    savepoint = conn.begin_nested()
    try:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS rum"))
    except DBAPIError as exc:  # no privilege, or a version the server cannot load: keep GIN and say why
        savepoint.rollback()
        return f"CREATE EXTENSION rum failed: {str(exc).splitlines()[0]}"
    savepoint.commit()
    return None


def describe(conn: Any) -> str:
    """Return the index serving full-text search: fts5 (SQLite), rum, gin, or none (sync connection)."""
    if conn.dialect.name != "postgresql":
        return "fts5"
    return "rum" if _exists(conn, RUM_INDEX) else "gin" if _exists(conn, GIN_INDEX) else "none"


def reconcile(conn: Any, *, choice: IndexChoice = "auto") -> str:
    """Make the search index the one wanted (sync connection, inside the upgrade's transaction); return it."""
    if conn.dialect.name != "postgresql":
        return "fts5"
    has_vector = text("SELECT count(*) FROM information_schema.columns WHERE table_name = 'post' AND column_name = :c")
    if not conn.execute(has_vector, {"c": "search_vector"}).scalar():
        return "none"  # a revision before full-text search (an upgrade to an older revision)
    why_not = "KEYPICK_PG_SEARCH_INDEX=gin" if choice == "gin" else _create_rum_extension(conn)
    if why_not is None:
        if not _exists(conn, RUM_INDEX):
            rows = int(conn.execute(text("SELECT count(*) FROM post")).scalar() or 0)
            if rows >= 100_000:  # say why this upgrade takes minutes
                log.warning("building the RUM search index over %s posts: a few minutes", rows)
            conn.execute(text(f"CREATE INDEX {RUM_INDEX} ON post USING rum (search_vector rum_tsvector_ops)"))
        conn.execute(text(f"DROP INDEX IF EXISTS {GIN_INDEX}"))
        return "rum"
    if not _exists(conn, GIN_INDEX):
        conn.execute(text(f"CREATE INDEX {GIN_INDEX} ON post USING gin (search_vector)"))
    conn.execute(text(f"DROP INDEX IF EXISTS {RUM_INDEX}"))
    log.warning("full-text search uses GIN (ranking reads every match from the table): %s", why_not)
    return "gin"
