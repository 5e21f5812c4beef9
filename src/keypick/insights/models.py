"""Stored SnowNLP scores of posts, so sentiment aggregates over the history do not re-score every time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from keypick.db import Base, BigId, UTCDateTime


class PostSentimentRow(Base):
    """One post's SnowNLP score (null for a post without text) and a hash of the text it was computed on."""

    __tablename__ = "post_sentiment"

    post_pk: Mapped[int] = mapped_column(BigId, ForeignKey("post.pk", ondelete="CASCADE"), primary_key=True)
    score: Mapped[float | None] = mapped_column(Float)
    text_hash: Mapped[str] = mapped_column(String(16))
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime)
