"""post_sentiment: cached SnowNLP scores for sentiment aggregates

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 06:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "post_sentiment",
        sa.Column("post_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("text_hash", sa.String(length=16), nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["post_pk"], ["post.pk"], name="fk_post_sentiment_post_pk_post", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("post_pk", name="pk_post_sentiment"),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("post_sentiment")
