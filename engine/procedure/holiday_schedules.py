"""Imported holiday schedules: store them, install them into the calendar, and recompute provisional due dates.

The chinese_calendar package only knows the years it was released for. For a later year the deployment
imports the State Council's published schedule; until then due dates counted over that year use
Monday–Friday and are flagged provisional, and importing the year recomputes them.

Importing a year and changing the configured closures are use cases of engine.calendar_changes, which
also moves the timers running cases have armed.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from engine.calendar import YearSchedule, load_schedule_json, package_knows, package_schedule, parse_limit
from engine.context import EngineContext
from engine.persistence import case_clocks
from engine.persistence.models import OPEN_STATUSES, CalendarYear, Case, TaskIndex, table
from engine.procedure.case_functions import end_of_day

log = logging.getLogger(__name__)

YEARS = table(CalendarYear)
TASKS = table(TaskIndex)
_STORED = select(YEARS.c.year, YEARS.c.holidays, YEARS.c.workdays)


@dataclass(frozen=True)
class YearStatus:
    """Where a year's schedule comes from and what it says; `source` is "package", "imported" or "fallback"."""

    year: int
    source: str
    holidays: tuple[date, ...]
    workdays: tuple[date, ...]
    imported_at: datetime | None = None
    imported_by: str | None = None


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
        deadline = ctx.calendar.deadline(start, case_clocks.remaining(amount, unit, used_days), unit)
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


def provisional_cases(ctx: EngineContext, session: Session, year: int) -> int:
    """How many open cases have a provisional date in `year`: a task's due date, or, while the year is still
    counted Monday–Friday, an armed timer."""
    start = datetime(year, 1, 1, tzinfo=ctx.calendar.tz).astimezone(UTC)
    end = datetime(year + 1, 1, 1, tzinfo=ctx.calendar.tz).astimezone(UTC)
    found = set(session.scalars(select(TASKS.c.case_id).where(
        TASKS.c.due_provisional.is_(True), TASKS.c.due_at >= start, TASKS.c.due_at < end)))
    if ctx.calendar.source(year) == "fallback":
        found |= set(session.scalars(select(Case.id).where(
            Case.status.in_(OPEN_STATUSES), Case.next_timer_at >= start, Case.next_timer_at < end)))
    return len(found)
