"""The counts the case and stage figures are built from, as (kind, key) facts (see persistence/figure_tally.py).

Whole months of filing are read from the tally, which each step keeps up to date, so that the district's figures
cost the same with a hundred cases as with a hundred thousand. The days of a period outside its whole months, and
any query of one unit or one domain (whose cases an index finds), are counted from the case and stage rows with
the same rule, so both ways give the same numbers.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from engine.persistence.figure_tally import NOT_CASES, TALLY, ZONE, Fact, case_facts, late_facts, stage_facts
from engine.persistence.models import Case, CaseStage, LateStep

Period = tuple[datetime | None, datetime | None]


def counts(session: Session, low: datetime | None, high: datetime | None, unit: str = "", domain: str = "") -> Counter[Fact]:
    """The facts of the cases filed in [low, high) (either end open when None), of one unit and domain when given."""
    if unit or domain:
        return from_rows(session, (low, high), unit, domain)
    first = None if low is None else _month_start(low)
    if first is not None and first != low:
        first = _month_start(first + timedelta(days=32))
    last = None if high is None else _month_start(high)
    if first is not None and last is not None and first >= last:
        return from_rows(session, (low, high))
    found = _tallied(session, first, last)
    if low is not None and first is not None and low < first:
        found += from_rows(session, (low, first))
    if high is not None and last is not None and last < high:
        found += from_rows(session, (last, high))
    return +found


def _month_start(at: datetime) -> datetime:
    return at.astimezone(ZONE).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _tallied(session: Session, first: datetime | None, last: datetime | None) -> Counter[Fact]:
    """The facts of whole months [first, last) from the tally."""
    where = []
    if first is not None:
        where.append(TALLY.c.month >= first.date())
    if last is not None:
        where.append(TALLY.c.month < last.date())
    rows = session.execute(select(TALLY.c.kind, TALLY.c.key, func.sum(TALLY.c.n)).where(*where)
                           .group_by(TALLY.c.kind, TALLY.c.key))
    return Counter({(kind, key): int(n) for kind, key, n in rows if n})


def case_where(period: Period, unit: str = "", domain: str = "") -> list[ColumnElement[bool]]:
    """The conditions on the case rows of a unit and a domain (when given) filed in [low, high)."""
    where: list[ColumnElement[bool]] = []
    if unit:
        where.append(Case.unit == unit)
    if domain:
        where.append(Case.domain == domain)
    low, high = period
    if low is not None:
        where.append(Case.created_at >= low)
    if high is not None:
        where.append(Case.created_at < high)
    return where


def from_rows(session: Session, period: Period, unit: str = "", domain: str = "") -> Counter[Fact]:
    """The facts counted from the case, stage and late step rows (a grouped scan of each)."""
    where = case_where(period, unit, domain)
    found: Counter[Fact] = Counter()
    columns = (Case.process_id, Case.status, Case.outcome, Case.closure, Case.procedure, Case.domain, Case.unit)
    for process, status, outcome, closure, procedure, dom, of_unit, n in session.execute(
            select(*columns, func.count()).where(Case.process_id.not_in(NOT_CASES), *where).group_by(*columns)):
        for fact in case_facts(process, status, outcome, closure, procedure, dom, of_unit):
            found[fact] += n
    # A stage's length is kept when it ends, so an ended stage has its working days and an open one has none.
    # Stages ended by termination have neither place.
    stages = (select(CaseStage.stage, CaseStage.working_days, func.count())
              .where(CaseStage.stage.not_in(NOT_CASES), or_(CaseStage.working_days.is_not(None), CaseStage.ended_at.is_(None))))
    if where:
        stages = stages.join(Case, Case.id == CaseStage.case_id).where(*where)
    for stage, days, n in session.execute(stages.group_by(CaseStage.stage, CaseStage.working_days)):
        for fact in stage_facts(stage, days is None, days):
            found[fact] += n
    late = select(LateStep.stage, LateStep.group_key, func.count())
    if where:
        late = late.join(Case, Case.id == LateStep.case_id).where(*where)
    for stage, group_key, n in session.execute(late.group_by(LateStep.stage, LateStep.group_key)):
        for fact in late_facts(stage, group_key):
            found[fact] += n
    return found
