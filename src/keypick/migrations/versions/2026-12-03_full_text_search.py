"""full-text search: FTS5 table on SQLite, tsvector + GIN on PostgreSQL

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 20:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    if op.get_bind().dialect.name == "postgresql":
        op.add_column("post", sa.Column("search_vector", postgresql.TSVECTOR(), nullable=True))
        op.create_index("ix_post_search_vector", "post", ["search_vector"], postgresql_using="gin")
        return
    # unicode61 splits on the spaces jieba's segmentation put between tokens; CJK runs stay whole.
    op.execute("CREATE VIRTUAL TABLE post_fts USING fts5(doc, tokenize = 'unicode61 remove_diacritics 2')")
    op.execute(
        "CREATE TRIGGER post_fts_delete AFTER DELETE ON post BEGIN DELETE FROM post_fts WHERE rowid = old.pk; END"
    )


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "postgresql":
        # keypick.search.pg_index may have put a RUM index in GIN's place; dropping the column drops either.
        op.execute("DROP INDEX IF EXISTS ix_post_search_vector")
        op.drop_column("post", "search_vector")
        return
    op.execute("DROP TRIGGER IF EXISTS post_fts_delete")
    op.execute("DROP TABLE IF EXISTS post_fts")
