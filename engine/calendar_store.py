"""Imported holiday schedules: store them, install them into the calendar, and recompute provisional due dates.

The chinese_calendar package only knows the years it was released for. For a later year the deployment
imports the State Council's published schedule; until then due dates counted over that year use
Monday–Friday and are flagged provisional, and importing the year recomputes them.

Timer events already armed in running workflows (their dates were fixed by `deadline()` when the timer
was reached) are not recomputed here: the workflow state holds them, and changing them means changing
the process's course, which only a step of the case may do.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import bindparam, func, inspect, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from . import audit, case_rows, clocks, runtime
from .calendar import YearSchedule, load_schedule_json, package_knows, package_schedule, parse_limit
from .case_functions import end_of_day
from .context import EngineContext
from .definitions import task_info
from .errors import Forbidden, FormInvalid, TaskNotReady
from .models import CalendarYear, TaskIndex, table
from .policy import Actor
from .uow import UnitOfWork

log = logging.getLogger(__name__)

YEARS = table(CalendarYear)
TASKS = table(TaskIndex)
IMPORTERS = frozenset({"admin", "process_owner"})
_STORED = select(YEARS.c.year, YEARS.c.holidays, YEARS.c.workdays)
_SET_DUE = (
    update(TASKS)
    .where(TASKS.c.id == bindparam("task_id"))
    .values(due_at=bindparam("due_at", type_=TASKS.c.due_at.type), due_provisional=bindparam("due_provisional"))
)


@dataclass(frozen=True)
class YearStatus:
    """Where a year's schedule comes from and what it says; `source` is "package", "imported" or "fallback"."""

    year: int
    source: str
    holidays: tuple[date, ...]
    workdays: tuple[date, ...]
    imported_at: datetime | None = None
    imported_by: str | None = None


@dataclass(frozen=True)
class ImportResult:
    """What importing a year's schedule did."""

    year: int
    replaced: bool
    recomputed: int


def task_due(
    ctx: EngineContext, created_at: datetime, data: Mapping[str, Any], limit: str | None, limit_from: str | None,
    used_days: int = 0,
) -> tuple[datetime | None, bool]:
    """A task's due date and whether it is provisional: its limit counted from its creation, or from the end
    of the day named by the task variable `limit_from`."""
    start = created_at
    if limit_from:
        try:
            start = end_of_day(ctx, date.fromisoformat(str(data.get(limit_from))))
        except ValueError:
            return None, False  # the date was never entered: no due date rather than a wrong one
        if not limit:
            return start, False
    if limit and limit in ctx.config.limits:
        amount, unit = parse_limit(ctx.config.limits[limit])
        deadline = ctx.calendar.deadline(start, clocks.remaining(amount, unit, used_days), unit)
        return deadline.at, deadline.provisional
    return None, False


def _schedule_of_row(year: int, holidays: Any, workdays: Any) -> YearSchedule | None:
    try:
        return load_schedule_json({"year": year, "holidays": holidays, "workdays": workdays})
    except ValueError as exc:
        # A row edited by hand must not stop the app: its year simply stays on the fallback.
        log.warning("stored holiday schedule of %s ignored: %s", year, exc)
        return None


def pick_up_imported(ctx: EngineContext, session: Session) -> bool:
    """Install schedules stored since this process last looked (e.g. imported from the command line by
    another process); True when any was new."""
    installed = ctx.calendar.imported()
    found = False
    for year, holidays, workdays in session.connection().execute(_STORED):
        # The package is the reference for the years it knows; importing them is refused.
        if year in installed or package_knows(year):
            continue
        schedule = _schedule_of_row(year, holidays, workdays)
        if schedule is not None:
            ctx.calendar.install(schedule)
            found = True
    return found


def load_schedules(ctx: EngineContext) -> int:
    """Install every stored schedule into the context's calendar; returns how many years it now has imported.

    Never raises: without the table (a database not yet initialised) or the database, the calendar keeps
    its fallback, and due dates that come out provisional look for stored schedules again.
    """
    try:
        with ctx.sessions() as session:
            if inspect(session.connection()).has_table(CalendarYear.__tablename__):
                pick_up_imported(ctx, session)
    except DBAPIError as exc:
        log.warning("stored holiday schedules not loaded: %s", exc)
    return len(ctx.calendar.imported())


def year_status(ctx: EngineContext, session: Session, year: int) -> YearStatus:
    """The schedule the calendar uses for `year`, with who imported it when it was imported."""
    pick_up_imported(ctx, session)
    return _status(ctx, session, year)


def _status(ctx: EngineContext, session: Session, year: int) -> YearStatus:
    source = ctx.calendar.source(year)
    schedule = ctx.calendar.imported().get(year) if source == "imported" else package_schedule(year)
    row = session.get(CalendarYear, year) if source == "imported" else None
    if schedule is None:
        return YearStatus(year, source, (), ())
    return YearStatus(year, source, tuple(sorted(schedule.holidays)), tuple(sorted(schedule.workdays)),
                      row.imported_at if row else None, row.imported_by if row else None)


def overview(ctx: EngineContext, session: Session) -> list[YearStatus]:
    """This year, next year and every imported year, oldest first."""
    this_year = ctx.clock.now().astimezone(ctx.calendar.tz).year
    years = {this_year, this_year + 1, *session.scalars(select(CalendarYear.year))}
    pick_up_imported(ctx, session)
    return [_status(ctx, session, year) for year in sorted(years)]


def provisional_count(session: Session) -> int:
    """How many open tasks have a provisional due date."""
    return session.scalar(select(func.count()).select_from(TASKS).where(TASKS.c.due_provisional.is_(True))) or 0


def import_schedule(ctx: EngineContext, actor: Actor, schedule: YearSchedule) -> ImportResult:
    """Store (or replace) the schedule of a year the calendar package does not know, install it and
    recompute the provisional due dates it affects.

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
            audit.append(session, chain=audit.SYSTEM_CHAIN, event="calendar_imported", actor=actor.username,
                         at=uow.now, details={"year": schedule.year, "holidays": holidays, "workdays": workdays,
                                              "replaced": replaced, "recomputed": recomputed})
            uow.commit()
        except BaseException:
            ctx.calendar.uninstall(schedule.year, previous)
            raise
    return ImportResult(schedule.year, replaced, recomputed)


def recompute_due_dates(ctx: EngineContext, session: Session, year: int) -> int:
    """Recompute the provisional due dates that may reach into `year`; returns how many changed."""
    # A due period that ends before the year cannot have counted any of its days.
    year_start = datetime(year, 1, 1, tzinfo=ctx.calendar.tz).astimezone(UTC)
    conn = session.connection()
    provisional = (TASKS.c.due_provisional.is_(True)) & (TASKS.c.due_at >= year_start)
    case_ids = sorted(set(conn.scalars(select(TASKS.c.case_id).where(provisional))))
    changed = 0
    for case_id in case_ids:
        # The case row's lock keeps a step of the case from rewriting its task rows meanwhile.
        case = case_rows.lock(session, case_id)
        if case is None:
            continue
        rows = conn.execute(
            select(TASKS.c.id, TASKS.c.created_at, TASKS.c.due_at, TASKS.c.due_provisional)
            .where(provisional, TASKS.c.case_id == case_id)
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
            used = clocks.used_days(session, case_id, info.limit) if info.resumes_clock and info.limit else 0
            due_at, due_provisional = task_due(ctx, row.created_at, task.data, info.limit, info.limit_from, used)
            if (due_at, due_provisional) != (row.due_at, row.due_provisional):
                conn.execute(_SET_DUE, {"task_id": row.id, "due_at": due_at, "due_provisional": due_provisional})
                changed += 1
    return changed
