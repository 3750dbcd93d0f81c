"""What the annual report counts: the year's figures and the warning signs raised on the year's cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.errors import Forbidden
from engine.persistence.models import Case, CaseWarning
from engine.reading.statistics import READERS, FigureQuery, Table, figures
from engine.reading.warnings import Sign, signs_of


@dataclass(frozen=True)
class YearFigures:
    """The figures of a year for a scope, and the signs raised in it."""

    query: FigureQuery
    tables: list[Table]
    signs: list[Sign]


def year_figures(ctx: EngineContext, session: Session, actor: Actor, year: int, unit: str = "",
                 domain: str = "") -> YearFigures:
    """The year's figures and signs for the district's readers. Raises: Forbidden."""
    if not actor.in_any(READERS):
        raise Forbidden("只有监督人员、组织部干部监督和裁定委员会主任可以生成年度报告")
    query, tables = figures(ctx, session, actor, FigureQuery(date(year, 1, 1), date(year, 12, 31), unit, domain))
    tz = ctx.calendar.tz
    where = [CaseWarning.raised_at >= datetime.combine(date(year, 1, 1), time(), tzinfo=tz),
             CaseWarning.raised_at < datetime.combine(date(year + 1, 1, 1), time(), tzinfo=tz)]
    if unit:
        where.append(Case.unit == unit)
    if domain:
        where.append(Case.domain == domain)
    rows = session.execute(select(CaseWarning, Case).join(Case, Case.id == CaseWarning.case_id).where(*where)
                           .order_by(CaseWarning.raised_at, CaseWarning.id))
    return YearFigures(query, tables, signs_of(rows))
