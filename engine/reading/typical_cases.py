"""The typical case library as its readers use it: every signed-in person searches and reads what is published;
the chair and supervisors also see what was taken out, and take a case out with a reason (audited)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from engine.access.policy import SUPERVISOR, Actor
from engine.context import EngineContext
from engine.errors import Conflict, Forbidden, FormInvalid, NotFound
from engine.persistence import case_rows
from engine.persistence.models import TypicalCase
from engine.persistence.uow import UnitOfWork
from engine.procedure.services import record_event
from engine.reading.text_search import each_word

# Who may take a case out of the library (and sees those taken out).
KEEPERS = frozenset({"committee_chair", SUPERVISOR})
MAX_REASON = 500


def _visible(actor: Actor, withdrawn: bool) -> list[ColumnElement[bool]]:
    if withdrawn and actor.in_any(KEEPERS):
        return []
    return [TypicalCase.unpublished_at.is_(None)]


def search(session: Session, actor: Actor, q: str = "", withdrawn: bool = False, page: int = 1,
           per_page: int = 20) -> tuple[list[TypicalCase], int]:
    """Published cases matching the words in their title, text or guidance, newest first; with how many match."""
    where = _visible(actor, withdrawn)
    where += each_word(q, TypicalCase.title, TypicalCase.text, TypicalCase.guidance)
    total = session.scalar(select(func.count()).select_from(TypicalCase).where(*where)) or 0
    rows = session.scalars(select(TypicalCase).where(*where).order_by(TypicalCase.published_at.desc(), TypicalCase.id.desc())
                           .limit(per_page).offset((page - 1) * per_page))
    return list(rows), total


def read(session: Session, actor: Actor, typical_id: int) -> TypicalCase:
    """One typical case; one taken out only for the chair and supervisors. Raises: NotFound."""
    row = session.get(TypicalCase, typical_id)
    if row is None or (row.unpublished_at is not None and not actor.in_any(KEEPERS)):
        raise NotFound("典型案例不存在")
    return row


def unpublish(ctx: EngineContext, actor: Actor, typical_id: int, reason: str) -> datetime:
    """Take a case out of the library for a reason, kept with it and in its process's audit trail.

    Raises: Forbidden, NotFound, FormInvalid (no reason), Conflict (already taken out).
    """
    if not actor.in_any(KEEPERS):
        raise Forbidden("只有裁定委员会主任或监督人员可以撤回典型案例")
    why = " ".join((reason or "").split())[:MAX_REASON]
    if not why:
        raise FormInvalid({"reason": ["请写明撤回理由"]})
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        process_case_id = uow.session.scalar(select(TypicalCase.process_case_id).where(TypicalCase.id == typical_id))
        case = case_rows.lock(uow.session, process_case_id) if process_case_id is not None else None
        row = uow.session.get(TypicalCase, typical_id)
        if case is None or row is None:
            raise NotFound("典型案例不存在")
        if row.unpublished_at is not None:
            raise Conflict("该典型案例已撤回")
        row.unpublished_at, row.unpublished_by, row.unpublish_reason = uow.now, actor.username, why
        record_event(uow, case, "typical_case_unpublished", actor, details={"typical_case": typical_id, "reason": why})
        case_rows.write_audit_head(uow.session, case)
        when = uow.now
        uow.commit()
    return when
