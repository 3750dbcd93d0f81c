"""Prior filings (事前备案): a unit's innovative or risky decision filed before it acts, as its process settles it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.db import Base, UTCDateTime


class PriorFiling(Base):
    """One filing and where it stands: filed, registered under its number, declined or closed, with its reports."""

    __tablename__ = "prior_filing"
    __table_args__ = (Index("ix_prior_filing_unit", "unit", "status"), Index("ix_prior_filing_due", "status", "next_report_due"),
                      Index("ix_prior_filing_cadre", "cadre_name"))
    id: Mapped[int] = mapped_column(primary_key=True)
    # The workflow instance of the filing process that keeps its steps, forms, files and documents.
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), unique=True)
    # The filing number (备案编号), taken when it is registered; the registration certificate carries it.
    number: Mapped[str | None] = mapped_column(String(80), unique=True)
    unit: Mapped[str | None] = mapped_column(String(200))
    cadre_name: Mapped[str | None] = mapped_column(String(100))
    cadre_position: Mapped[str | None] = mapped_column(String(200))
    matter: Mapped[str] = mapped_column(Text)
    # filed, registered, declined or closed.
    status: Mapped[str] = mapped_column(String(20))
    # How a closed or declined filing ended: completed (the unit reported it done), closed_by_reviewer, declined.
    closure: Mapped[str | None] = mapped_column(String(40))
    major: Mapped[bool] = mapped_column(Boolean, default=False)
    # low, medium or high: the assessment table's rating of a major matter, or the reviewer's with a reason.
    risk_level: Mapped[str | None] = mapped_column(String(20))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the unit's next progress report is due (the report asked for, or the next one scheduled).
    next_report_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reports: Mapped[int] = mapped_column(Integer, default=0)
    late_reports: Mapped[int] = mapped_column(Integer, default=0)
    drifts: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FilingCitation(Base):
    """A tolerance case citing its unit's prior filing: who may read the case may read the filing it cites."""

    __tablename__ = "filing_citation"
    __table_args__ = (Index("ix_filing_citation_filing", "filing_case_id"),)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("prior_filing.id", ondelete="CASCADE"))
    # The filing's own process instance, whose documents and files the citing case's readers may open.
    filing_case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
