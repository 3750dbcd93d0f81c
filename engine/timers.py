"""Firing due timers: one transaction per case, a broken case recorded and skipped."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from . import case_rows, runtime, store
from .context import EngineContext
from .errors import ScriptFailed
from .models import Case
from .policy import SYSTEM
from .services import finish, mark_failed, record_event
from .uow import UnitOfWork


@dataclass
class FireReport:
    """Cases whose timers fired, and cases that failed with the reason."""

    fired: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)


def due_case_ids(ctx: EngineContext, limit: int = 100) -> list[int]:
    """Running cases whose earliest timer is due now."""
    now = ctx.clock.now()
    with ctx.sessions() as session:
        query = (
            select(Case.id)
            .where(Case.status == "running", Case.next_timer_at.is_not(None), Case.next_timer_at <= now)
            .order_by(Case.next_timer_at)
            .limit(limit)
        )
        return list(session.scalars(query))


def fire_case(ctx: EngineContext, case_id: int) -> bool:
    """Fire one case's due timers in its own transaction; False when another worker has it or nothing is due.

    Raises: ScriptFailed (the case is marked in error).
    """
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        case = case_rows.lock(uow.session, case_id, skip_locked=True)
        if case is None or case.status != "running" or case.next_timer_at is None or case.next_timer_at > uow.now:
            return False
        bundle, workflow = store.load_workflow(ctx, uow.session, case)
        due = case.next_timer_at
        try:
            runtime.fire_timers(workflow)
        except ScriptFailed as exc:
            failed = exc
        else:
            open_ids = store.save_workflow(ctx, uow.session, case, bundle, workflow)
            record_event(uow, case, "timer_fired", SYSTEM, details={"due_at": due.isoformat()})
            finish(uow, case, open_ids)
            return True
    mark_failed(ctx, SYSTEM, case_id, failed, None, None)
    raise failed


def fire_due_timers(ctx: EngineContext, limit: int = 100) -> FireReport:
    """Fire every due case once; a case that fails is recorded on the case and the sweep goes on."""
    report = FireReport()
    for case_id in due_case_ids(ctx, limit):
        try:
            if fire_case(ctx, case_id):
                report.fired.append(case_id)
        except ScriptFailed as exc:
            report.failed[case_id] = exc.message
    return report
