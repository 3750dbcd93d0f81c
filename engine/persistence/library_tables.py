"""The typical case library (典型案例库): anonymised cases published for every cadre to read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.db import Base, UTCDateTime


class TypicalCase(Base):
    """A published typical case; unpublishing keeps the row (and its history) and only takes it out of the library."""

    __tablename__ = "typical_case"
    __table_args__ = (Index("ix_typical_case_listed", "unpublished_at", "published_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    source_case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    # The typical-case process that drafted, reviewed and approved it.
    process_case_id: Mapped[int] = mapped_column(ForeignKey("case.id"))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    guidance: Mapped[str] = mapped_column(Text)
    domain: Mapped[str | None] = mapped_column(String(100))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    unpublished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unpublished_by: Mapped[str | None] = mapped_column(String(80))
    unpublish_reason: Mapped[str | None] = mapped_column(Text)
