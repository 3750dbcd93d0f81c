"""What the annual report counts: the year's figures and the warning signs raised on the year's cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.errors import Forbidden
from engine.persistence.models import Case, CaseWarning, TypicalCase
from engine.reading.statistics import READERS, FigureQuery, Table, figures
from engine.reading.warnings import Sign, signs_of


@dataclass(frozen=True)
class YearFigures:
    """The figures of a year for a scope, the signs raised in it and the typical cases published in it."""

    query: FigureQuery
    tables: list[Table]
    signs: list[Sign]
    typical: list[TypicalCase]


def year_figures(ctx: EngineContext, session: Session, actor: Actor, year: int, unit: str = "",
                 domain: str = "") -> YearFigures:
    """The year's figures, signs and published typical cases for the district's readers. Raises: Forbidden."""
    if not actor.in_any(READERS):
        raise Forbidden("只有监督人员、组织部干部监督和裁定委员会主任可以生成年度报告")
    query, tables = figures(ctx, session, actor, FigureQuery(date(year, 1, 1), date(year, 12, 31), unit, domain))
    start = datetime.combine(date(year, 1, 1), time(), tzinfo=ctx.calendar.tz)
    end = datetime.combine(date(year + 1, 1, 1), time(), tzinfo=ctx.calendar.tz)
    scope: list[ColumnElement[bool]] = []
    if unit:
        scope.append(Case.unit == unit)
    if domain:
        scope.append(Case.domain == domain)
    rows = session.execute(select(CaseWarning, Case).join(Case, Case.id == CaseWarning.case_id)
                           .where(CaseWarning.raised_at >= start, CaseWarning.raised_at < end, *scope)
                           .order_by(CaseWarning.raised_at, CaseWarning.id))
    signs = signs_of(rows)
    # The typical cases published in the year from the scope's cases, and still in the library.
    typical = list(session.scalars(select(TypicalCase).join(Case, Case.id == TypicalCase.source_case_id).where(
        TypicalCase.published_at >= start, TypicalCase.published_at < end, TypicalCase.unpublished_at.is_(None), *scope)
        .order_by(TypicalCase.published_at, TypicalCase.id)))
    return YearFigures(query, tables, signs, typical)
