"""Warning signs (早发现早提醒) raised on cases, kept until a supervisor acknowledges them with a note."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.db import Base, UTCDateTime


class CaseWarning(Base):
    """One sign on a case: repeated tolerance, wrong applicant, irregular procedure, a conclusion changed on appeal,
    or a rectification overdue or rejected twice."""

    __tablename__ = "case_warning"
    __table_args__ = (Index("ix_case_warning_open", "acknowledged_at", "raised_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    # What the sign rests on: counts, earlier cases, the repair's action (never free text from a form).
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(Text)
