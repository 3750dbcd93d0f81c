"""Warning signs as people read them: the supervisors' list of every case's signs, each case's signs for those who
handle it (intake, investigators, the committee), and acknowledging a sign with a note (audited on the case)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from engine.access.policy import SUPERVISOR, Actor, ensure_supervisor, may_view_case
from engine.context import EngineContext
from engine.errors import Conflict, FormInvalid, NotFound
from engine.persistence import case_rows
from engine.persistence.models import Case, CaseWarning
from engine.persistence.uow import UnitOfWork
from engine.procedure.services import record_event

# Who sees a case's signs beside it: those who examine and decide the case, and supervisors.
CASE_READERS = frozenset({"intake", "investigator", "committee", "committee_chair", SUPERVISOR})
MAX_NOTE = 500


@dataclass(frozen=True)
class Sign:
    """A warning sign with the case it was raised on."""

    id: int
    case_id: int
    kind: str
    details: dict[str, Any]
    raised_at: datetime
    cadre_name: str | None
    unit: str | None
    matter: str | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    note: str | None


def signs_of(rows: Any) -> list[Sign]:
    """Signs from (warning, case) rows."""
    return [Sign(w.id, w.case_id, w.kind, dict(w.details or {}), w.raised_at, c.cadre_name, c.unit, c.matter,
                 w.acknowledged_at, w.acknowledged_by, w.note) for w, c in rows]


def list_signs(session: Session, actor: Actor, kind: str = "", open_only: bool = True, page: int = 1,
               per_page: int = 50) -> tuple[list[Sign], int]:
    """A page of every case's signs, newest first, for supervisors; with how many there are. Raises: Forbidden."""
    ensure_supervisor(actor, "只有监督人员可以查看预警")
    where: list[ColumnElement[bool]] = [CaseWarning.acknowledged_at.is_(None)] if open_only else []
    if kind:
        where.append(CaseWarning.kind == kind)
    total = session.scalar(select(func.count()).select_from(CaseWarning).where(*where)) or 0
    rows = session.execute(select(CaseWarning, Case).join(Case, Case.id == CaseWarning.case_id).where(*where)
                           .order_by(CaseWarning.raised_at.desc(), CaseWarning.id.desc())
                           .limit(per_page).offset((page - 1) * per_page))
    return signs_of(rows), total


def case_signs(session: Session, actor: Actor, case_id: int) -> list[Sign]:
    """The signs of a case the actor may read and handles (none for anyone else)."""
    case = session.get(Case, case_id)
    if case is None or not actor.in_any(CASE_READERS) or not may_view_case(session, actor, case):
        return []
    rows = session.execute(select(CaseWarning, Case).join(Case, Case.id == CaseWarning.case_id)
                           .where(CaseWarning.case_id == case.id).order_by(CaseWarning.id))
    return signs_of(rows)


def acknowledge(ctx: EngineContext, actor: Actor, warning_id: int, note: str) -> Sign:
    """A supervisor acknowledges a sign with a note; the case's audit trail records it.

    Raises: Forbidden, NotFound, FormInvalid (no note), Conflict (already acknowledged).
    """
    ensure_supervisor(actor, "只有监督人员可以处理预警")
    text = " ".join((note or "").split())[:MAX_NOTE]
    if not text:
        raise FormInvalid({"note": ["请写明处理意见"]})
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        case_id = uow.session.scalar(select(CaseWarning.case_id).where(CaseWarning.id == warning_id))
        case = case_rows.lock(uow.session, case_id) if case_id is not None else None
        if case is None:
            raise NotFound("预警不存在")
        sign = uow.session.get(CaseWarning, warning_id)
        assert sign is not None
        if sign.acknowledged_at is not None:
            raise Conflict("该预警已处理")
        sign.acknowledged_at, sign.acknowledged_by, sign.note = uow.now, actor.username, text
        record_event(uow, case, "warning_acknowledged", actor,
                     details={"warning": sign.id, "kind": sign.kind, "note": text})
        case_rows.write_audit_head(uow.session, case)
        row = uow.session.get(Case, case.id)
        assert row is not None
        found = signs_of([(sign, row)])[0]
        uow.commit()
    return found
