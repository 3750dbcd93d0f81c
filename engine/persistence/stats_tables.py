"""What the district's figures are counted from: the stages each case went through, the steps finished late, and
the counts kept up to date from both."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.db import Base, UTCDateTime


class CaseStage(Base):
    """A stage (a called process such as 受理审查 or 调查核实) of a case: when it began, ended and how long it took."""

    __tablename__ = "case_stage"
    __table_args__ = (UniqueConstraint("case_id", "stage"),
                      # Cover the working-day histogram per stage with its open stages in one ordered scan, and the
                      # same counts joined from filtered cases.
                      Index("ix_case_stage_days", "stage", "working_days", "ended_at", "case_id"),
                      Index("ix_case_stage_case", "case_id", "stage", "working_days", "ended_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    # The id of the process whose user tasks make up the stage.
    stage: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set when the stage's last open step ends; cleared again if the case comes back to the stage.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Working days from start to end (official calendar), kept so that figures need no calendar arithmetic.
    working_days: Mapped[int | None] = mapped_column(Integer)


class LateStep(Base):
    """A step that was still open after its due date when it ended (completed, cancelled or moved on)."""

    __tablename__ = "late_step"
    __table_args__ = (Index("ix_late_step_group", "group_key", "case_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    stage: Mapped[str] = mapped_column(String(100))
    group_key: Mapped[str] = mapped_column(String(40))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FigureTally(Base):
    """How many cases filed in one month count under one figure (a status, an outcome by unit, a stage's length...).

    Written in the transaction of every step that changes what a case counts under (persistence/figure_tally.py),
    so that the district's figures over whole months read these rows instead of scanning every case and stage.
    """

    __tablename__ = "figure_tally"
    # The first day of the month (China Standard Time) in which the cases were filed.
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    # What is counted: status, closure, procedure, outcome, domain_outcome, unit_outcome, stage_open, stage_days
    # or late (steps that ended after their due date, by group).
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    # The value counted; two values (a unit and an outcome, a stage and its working days) joined by a unit separator.
    key: Mapped[str] = mapped_column(String(240), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


def adding_to_tally(statement: Any) -> Any:
    """An INSERT of tally rows (PostgreSQL's or SQLite's) made to add its counts to the rows already there."""
    columns = FigureTally.__table__.c
    return statement.on_conflict_do_update(index_elements=[columns.month, columns.kind, columns.key],
                                           set_={"n": columns.n + statement.excluded.n})
