"""The cadre register (干部容错纠错档案): one record per ruling or clarification of a cadre, kept current."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.db import Base, UTCDateTime


class CadreRecord(Base):
    """What a ruling or clarification settled for a cadre, with its "no negative evaluation" flag and scope."""

    __tablename__ = "cadre_record"
    __table_args__ = (UniqueConstraint("case_id", "kind"), Index("ix_cadre_record_decided", "decided_on", "id"),
                      # Covers the figures' count of rulings per day and outcome.
                      Index("ix_cadre_record_figures", "kind", "decided_on", "outcome", "case_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"))
    # "ruling" or "clarification"
    kind: Mapped[str] = mapped_column(String(20))
    cadre_name: Mapped[str] = mapped_column(String(100), index=True)
    cadre_unit: Mapped[str | None] = mapped_column(String(200), index=True)
    cadre_id_number: Mapped[str | None] = mapped_column(String(18), index=True)
    cadre_position: Mapped[str | None] = mapped_column(String(200))
    matter: Mapped[str] = mapped_column(String(500))
    outcome: Mapped[str | None] = mapped_column(String(20), index=True)
    # The outcome before an appeal changed it (None when it was not changed).
    previous_outcome: Mapped[str | None] = mapped_column(String(20))
    decided_on: Mapped[date] = mapped_column(Date)
    no_negative: Mapped[bool] = mapped_column(Boolean)
    # Where no negative evaluation applies: assessment, awards, selection, unit_assessment.
    no_negative_scope: Mapped[list[str]] = mapped_column(JSON)
    # The flag holds from decided_on until an appeal withdraws it (withdrawn_on).
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
