"""The account table: one row per platform account (cookie encrypted)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from keypick.db import Base, BigId, UTCDateTime


class AccountRow(Base):
    """A user's own account on a platform."""

    __tablename__ = "account"
    __table_args__ = (
        UniqueConstraint("platform", "fingerprint"),
        Index("ix_account_platform", "platform", "cooldown_until"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(128))
    login_type: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))  #: api | env | cli
    #: SHA-256 of the cookie: detects the same cookie added twice without storing it in clear.
    fingerprint: Mapped[str] = mapped_column(String(64))
    cookie_encrypted: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  #: valid | expired | unknown
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cooldown_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cooldown_reason: Mapped[str | None] = mapped_column(String(64))
    uses: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
