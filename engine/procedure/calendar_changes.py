"""When the working-day calendar changes: a year's official schedule imported, or the configured closures changed.

Both recompute, in one transaction, the due dates of open tasks and the dates of the timers running cases
have armed (reminders, escalations, lapses, application and appeal windows), with an audit event for
every case whose timers moved.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, bindparam, select, update
from sqlalchemy.orm import Session

from engine.access.policy import SYSTEM, Actor
from engine.bundles.definitions import task_info
from engine.calendar import YearSchedule, package_knows
from engine.context import EngineContext
from engine.errors import Forbidden, FormInvalid, TaskNotReady
from engine.persistence import audit, case_clocks, case_rows
from engine.persistence.models import AuditEvent, CalendarYear, TaskIndex, table
from engine.persistence.uow import UnitOfWork
from engine.procedure import retiming, runtime
from engine.procedure.holiday_schedules import task_due

TASKS = table(TaskIndex)
IMPORTERS = frozenset({"admin", "process_owner"})
OVERRIDES_APPLIED = "calendar_overrides_applied"
_SET_DUE = (
    update(TASKS)
    .where(TASKS.c.id == bindparam("task_id"))
    .values(due_at=bindparam("due_at", type_=TASKS.c.due_at.type), due_provisional=bindparam("due_provisional"))
)


@dataclass(frozen=True)
class ImportResult:
    """What importing a year's schedule did."""

    year: int
    replaced: bool
    recomputed: int
    timers_moved: int = 0
    cases_moved: int = 0


def import_schedule(ctx: EngineContext, actor: Actor, schedule: YearSchedule) -> ImportResult:
    """Store (or replace) the schedule of a year the calendar package does not know, install it, and recompute
    the provisional due dates and the armed timers it affects.

    Raises: Forbidden (not an administrator or process owner), FormInvalid (a year the package knows).
    """
    if not actor.in_any(IMPORTERS):
        raise Forbidden("只有系统管理员或流程管理员可以导入节假日安排")
    if package_knows(schedule.year):
        message = (f"{schedule.year} 年的节假日安排已内置于日历组件（chinese-calendar），不能导入覆盖；"
                   "个别日期的调整请写入配置的 extra_holidays / extra_workdays")
        raise FormInvalid({"year": [message]}, message)
    holidays = sorted(d.isoformat() for d in schedule.holidays)
    workdays = sorted(d.isoformat() for d in schedule.workdays)
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        session = uow.session
        row = session.get(CalendarYear, schedule.year)
        replaced = row is not None
        if row is None:
            row = CalendarYear(year=schedule.year)
            session.add(row)
        row.holidays, row.workdays = holidays, workdays
        row.imported_at, row.imported_by = uow.now, actor.username
        session.flush()
        # Installed before the recomputation, which counts with it; taken back if the import does not commit.
        previous = ctx.calendar.install(schedule)
        try:
            recomputed = recompute_due_dates(ctx, session, schedule.year)
            # A timer due before the year began counted none of its days.
            moves = retiming.rearm_open_cases(ctx, uow, actor, f"calendar_imported:{schedule.year}",
                                              _year_start(ctx, schedule.year))
            audit.append(session, chain=audit.SYSTEM_CHAIN, event="calendar_imported", actor=actor.username,
                         at=uow.now, details={"year": schedule.year, "holidays": holidays, "workdays": workdays,
                                              "replaced": replaced, "recomputed": recomputed,
                                              "timers_moved": len(moves), "cases_moved": len({m.case_id for m in moves})})
            uow.commit()
        except BaseException:
            ctx.calendar.uninstall(schedule.year, previous)
            raise
    return ImportResult(schedule.year, replaced, recomputed, len(moves), len({m.case_id for m in moves}))


def _year_start(ctx: EngineContext, year: int) -> datetime:
    return datetime(year, 1, 1, tzinfo=ctx.calendar.tz).astimezone(UTC)


def recompute_due_dates(ctx: EngineContext, session: Session, year: int | None) -> int:
    """Recompute the provisional due dates that may reach into `year` (every open task's with None); how many changed."""
    conn = session.connection()
    affected: ColumnElement[bool]
    if year is None:
        affected = TASKS.c.due_at.is_not(None)
    else:
        # A due period that ends before the year cannot have counted any of its days.
        affected = (TASKS.c.due_provisional.is_(True)) & (TASKS.c.due_at >= _year_start(ctx, year))
    case_ids = sorted(set(conn.scalars(select(TASKS.c.case_id).where(affected))))
    changed = 0
    for case_id in case_ids:
        # The case row's lock keeps a step of the case from rewriting its task rows meanwhile.
        case = case_rows.lock(session, case_id)
        if case is None:
            continue
        rows = conn.execute(
            select(TASKS.c.id, TASKS.c.created_at, TASKS.c.due_at, TASKS.c.due_provisional)
            .where(affected, TASKS.c.case_id == case_id)
        ).all()
        if not rows:
            continue
        # Only task data is read: no script runs, so the workflow needs no script engine.
        workflow = ctx.bundle_of_version(session, case.process_version_id).serializer.loads(case.state)
        for row in rows:
            try:
                task = runtime.open_task(workflow, row.id)
            except TaskNotReady:
                continue
            info = task_info(task.task_spec)
            used = case_clocks.used_days(session, case_id, info.limit) if info.resumes_clock and info.limit else 0
            due_at, due_provisional = task_due(ctx, row.created_at, task.data, info.limit, info.limit_from, used)
            if (due_at, due_provisional) != (row.due_at, row.due_provisional):
                conn.execute(_SET_DUE, {"task_id": row.id, "due_at": due_at, "due_provisional": due_provisional})
                changed += 1
    return changed


@dataclass(frozen=True)
class OverridesResult:
    """What following a change of the configured closures and extra working days did."""

    recomputed: int
    timers_moved: int
    cases_moved: int


def overrides_fingerprint(ctx: EngineContext) -> str:
    """A digest of the configured closures and extra working days."""
    text = json.dumps({"holidays": sorted(d.isoformat() for d in ctx.config.extra_holidays),
                       "workdays": sorted(d.isoformat() for d in ctx.config.extra_workdays)}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


NO_OVERRIDES = hashlib.sha256(json.dumps({"holidays": [], "workdays": []}, sort_keys=True).encode()).hexdigest()


def _applied_fingerprint(session: Session) -> str:
    details = session.scalar(
        select(AuditEvent.details).where(AuditEvent.chain == audit.SYSTEM_CHAIN, AuditEvent.event == OVERRIDES_APPLIED)
        .order_by(AuditEvent.seq.desc()).limit(1))
    return str((details or {}).get("fingerprint", NO_OVERRIDES))


def follow_configured_overrides(ctx: EngineContext) -> OverridesResult | None:
    """When the configured closures or extra working days differ from those last applied, recompute every open
    task's due date and re-count every armed timer on the calendar as now configured; None when nothing changed.

    Every node runs this at start-up; the first to take the write lock applies the change, the others find it applied.
    """
    fingerprint = overrides_fingerprint(ctx)
    with ctx.sessions() as session:
        if _applied_fingerprint(session) == fingerprint:
            return None
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        if _applied_fingerprint(uow.session) == fingerprint:
            return None
        recomputed = recompute_due_dates(ctx, uow.session, None)
        moves = retiming.rearm_open_cases(ctx, uow, SYSTEM, "calendar_overrides_changed")
        result = OverridesResult(recomputed, len(moves), len({m.case_id for m in moves}))
        audit.append(uow.session, chain=audit.SYSTEM_CHAIN, event=OVERRIDES_APPLIED, actor=SYSTEM.username, at=uow.now,
                     details={"fingerprint": fingerprint,
                              "extra_holidays": sorted(d.isoformat() for d in ctx.config.extra_holidays),
                              "extra_workdays": sorted(d.isoformat() for d in ctx.config.extra_workdays),
                              "recomputed": result.recomputed, "timers_moved": result.timers_moved,
                              "cases_moved": result.cases_moved})
        uow.commit()
    return result
