"""Paused limits: a task marked `clock` = "resume" continues its limit where its earlier rounds left off.

Acceptance, for instance, has 10 working days; asking for supplementary materials stops that clock, and
when the materials come back the review has only the days that were left.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from engine.calendar import WorkingCalendar
from engine.persistence.db import connection
from engine.persistence.models import CaseClock, table
from engine.persistence.prepared import Prepared

CLOCKS = table(CaseClock)
# Read when a timer's deadline is computed, which happens on many steps: a prepared statement, not the ORM.
_USED = Prepared(select(CLOCKS.c.used_days).where(CLOCKS.c.case_id == bindparam("case_id"),
                                                 CLOCKS.c.name == bindparam("name")))


def used_days(session: Session, case_id: int | None, name: str) -> int:
    """Working days already spent on the limit `name` in this case."""
    if case_id is None:
        return 0
    row = _USED.run(connection(session), {"case_id": case_id, "name": name}).first()
    return int(row[0]) if row is not None else 0


def record_round(session: Session, calendar: WorkingCalendar, case_id: int, name: str, started: datetime,
                 ended: datetime) -> int:
    """Add the working days of one round (after the day it started, up to the day it ended); the new total."""
    spent = max(0, calendar.working_days_left(ended, started))
    total = used_days(session, case_id, name) + spent
    changed = session.execute(update(CaseClock).where(CaseClock.case_id == case_id, CaseClock.name == name)
                              .values(used_days=total))
    if not getattr(changed, "rowcount", 0):
        session.add(CaseClock(case_id=case_id, name=name, used_days=total))
        session.flush()
    return total


def remaining(amount: int, unit: str, used: int) -> int:
    """What is left of a limit after `used` working days; limits in months are not paused."""
    return max(0, amount - used) if unit in ("working_days", "days") else amount
