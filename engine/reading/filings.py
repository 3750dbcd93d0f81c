"""Prior filings (事前备案) as their readers see them: a unit its own, the organization department (which reviews
them) and supervisors all; each with where it stands, its reports and when the next is due."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from engine.access.policy import SUPERVISOR, UNIT_SCOPED, Actor, may_view_case
from engine.context import EngineContext
from engine.errors import Forbidden, NotFound
from engine.persistence.models import Case, FilingCitation, PriorFiling
from engine.procedure import filing_citations
from engine.reading.text_search import each_word

# Who reads every unit's filings: the reviewers (organization department) and supervisors.
REVIEWERS = frozenset({"org_dept", SUPERVISOR})
STATUSES = ("filed", "registered", "declined", "closed")


@dataclass(frozen=True)
class FilingQuery:
    """Which filings: by status, unit, words of the matter, number or responsible cadre, and overdue reports."""

    status: str = ""
    unit: str = ""
    q: str = ""
    overdue: bool = False


@dataclass
class FilingView:
    """A filing as lists and its page show it."""

    id: int
    case_id: int
    number: str | None
    unit: str | None
    cadre_name: str | None
    cadre_position: str | None
    matter: str
    status: str
    closure: str | None
    major: bool
    risk_level: str | None
    filed_at: datetime
    registered_at: datetime | None
    closed_at: datetime | None
    next_report_due: datetime | None
    report_overdue: bool
    reports: int
    late_reports: int
    drifts: int
    # What the filing proves to a case citing it now: filed, or filed_with_reports (reported on time, none overdue).
    standing: str = ""
    progress_reports: list[dict[str, Any]] = field(default_factory=list)


def may_list(actor: Actor) -> bool:
    """Whether the actor has a filings list: reviewers and supervisors, and a unit's members with a unit."""
    return actor.in_any(REVIEWERS) or (actor.in_any(UNIT_SCOPED) and bool(actor.unit))


def _visible(actor: Actor) -> ColumnElement[bool] | None:
    """The condition for the filings the actor may read (None: all). Raises: Forbidden."""
    if actor.in_any(REVIEWERS):
        return None
    if actor.in_any(UNIT_SCOPED) and actor.unit:
        return PriorFiling.unit == actor.unit
    raise Forbidden("只有备案单位、组织部干部监督和监督人员可以查看事前备案")


def _view(row: PriorFiling, now: datetime) -> FilingView:
    overdue = row.status == "registered" and row.next_report_due is not None and row.next_report_due < now
    return FilingView(row.id, row.case_id, row.number, row.unit, row.cadre_name, row.cadre_position, row.matter,
                      row.status, row.closure, row.major, row.risk_level, row.filed_at, row.registered_at, row.closed_at,
                      row.next_report_due, overdue, row.reports, row.late_reports, row.drifts,
                      filing_citations.standing(row, now) if row.registered_at is not None else "")


def list_filings(ctx: EngineContext, session: Session, actor: Actor, query: FilingQuery, page: int = 1,
                 per_page: int = 20) -> tuple[list[FilingView], int]:
    """The filings the actor may read that match, the next report due first, then the newest; with how many match.

    Raises: Forbidden.
    """
    where: list[ColumnElement[bool]] = []
    visible = _visible(actor)
    if visible is not None:
        where.append(visible)
    if query.status:
        where.append(PriorFiling.status == query.status)
    if query.unit:
        where.append(PriorFiling.unit == query.unit)
    now = ctx.clock.now()
    if query.overdue:
        where += [PriorFiling.status == "registered", PriorFiling.next_report_due < now]
    where += each_word(query.q, PriorFiling.matter, PriorFiling.number, PriorFiling.cadre_name)
    total = session.scalar(select(func.count()).select_from(PriorFiling).where(*where)) or 0
    rows = session.scalars(select(PriorFiling).where(*where)
                           .order_by(PriorFiling.next_report_due.is_(None), PriorFiling.next_report_due,
                                     PriorFiling.filed_at.desc(), PriorFiling.id.desc())
                           .limit(per_page).offset((page - 1) * per_page))
    return [_view(r, now) for r in rows], total


def filing_id_of_case(session: Session, case_id: int) -> int:
    """The filing kept by a filing process's instance. Raises: NotFound."""
    found = session.scalar(select(PriorFiling.id).where(PriorFiling.case_id == case_id))
    if found is None:
        raise NotFound("案件 %(case_id)s 不是事前备案", case_id=case_id)
    return found


def read_filing(ctx: EngineContext, session: Session, actor: Actor, filing_id: int) -> FilingView:
    """One filing with its progress reports, for its readers and those working on a case that cites it.

    Raises: Forbidden, NotFound (also another unit's).
    """
    row = session.get(PriorFiling, filing_id)
    case = session.get(Case, row.case_id) if row is not None else None
    if row is None or case is None or not may_view_case(session, actor, case):
        visible = _visible(actor)
        if row is None or session.scalar(select(PriorFiling.id).where(PriorFiling.id == filing_id, *(
                [visible] if visible is not None else []))) is None:
            raise NotFound("事前备案不存在")
    return _with_reports(ctx, session, row)


def cited_filing(ctx: EngineContext, session: Session, actor: Actor, case_id: int) -> FilingView | None:
    """The prior filing a case cites, with its reports, for those who may read the case (None otherwise)."""
    case = session.get(Case, case_id)
    citation = session.get(FilingCitation, case_id)
    if case is None or citation is None or not may_view_case(session, actor, case):
        return None
    row = session.get(PriorFiling, citation.filing_id)
    return _with_reports(ctx, session, row) if row is not None else None


def _with_reports(ctx: EngineContext, session: Session, row: PriorFiling) -> FilingView:
    view = _view(row, ctx.clock.now())
    case = session.get(Case, row.case_id)
    if case is not None:
        # Imported here: the store builds the script functions, which this reader's callers sit beside.
        from engine.procedure import runtime, workflow_store

        _bundle, workflow = workflow_store.load_workflow(ctx, session, case)
        view.progress_reports = [dict(r) for r in runtime.case_data(workflow).get("progress_reports") or []
                                 if isinstance(r, dict)]
    return view


def filings_for_lookup(ctx: EngineContext, session: Session, actor: Actor, name: str, unit: str,
                       limit: int = 20) -> list[FilingView]:
    """Registered filings whose responsible cadre or unit matches a register lookup (none when neither is given).

    Raises: Forbidden.
    """
    if _visible(actor) is not None:
        raise Forbidden("只有组织部干部监督和监督人员可以查询各单位的事前备案")
    where: list[ColumnElement[bool]] = [PriorFiling.registered_at.is_not(None)]
    if name.strip():
        where.append(PriorFiling.cadre_name.contains(name.strip(), autoescape=True))
    if unit.strip():
        where.append(PriorFiling.unit.contains(unit.strip(), autoescape=True))
    if len(where) == 1:
        return []
    now = ctx.clock.now()
    rows = session.scalars(select(PriorFiling).where(*where)
                           .order_by(PriorFiling.registered_at.desc(), PriorFiling.id.desc()).limit(limit))
    return [_view(r, now) for r in rows]
