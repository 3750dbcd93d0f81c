"""Listing cases: the ones an actor may see, filtered by status, process, group, overdue, stuck or text."""

from __future__ import annotations

import operator
from dataclasses import dataclass, replace
from datetime import datetime, time
from functools import reduce
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, not_, or_, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session, defer

from engine.access.policy import Actor, sees_every_case, visible_cases, visible_count
from engine.context import EngineContext
from engine.persistence import case_words
from engine.persistence.lifecycle import CaseStatus
from engine.persistence.models import Case, CaseGroup, ProcessVersion, TaskIndex
from engine.reading.text_search import contains

STUCK_STATUSES = (CaseStatus.ERROR, CaseStatus.SUSPENDED)


@dataclass(frozen=True)
class CaseFilter:
    """What a case list is narrowed to; None means no narrowing."""

    status: str | None = None
    process_id: str | None = None
    group: str | None = None
    overdue: bool | None = None
    stuck: bool | None = None
    q: str | None = None


@dataclass(frozen=True)
class CaseSummary:
    """One line of a case list."""

    id: int
    process_id: str
    version: int
    status: str
    cadre_name: str | None
    matter: str | None
    closure: str | None
    outcome: str | None
    started_by: str
    started_unit: str | None
    created_at: datetime
    updated_at: datetime
    overdue: bool
    stuck_reason: str | None
    unit: str | None = None
    # The open step due first (the current one of a case with a single open step), and its due date.
    current_step: str | None = None
    due_at: datetime | None = None


def _overdue(now: datetime) -> ColumnElement[bool]:
    return exists().where(TaskIndex.case_id == Case.id, TaskIndex.due_at < now)


def _untouched_since(ctx: EngineContext, now: datetime) -> datetime:
    """The moment before which an untouched running case counts as stuck (in working days)."""
    day = ctx.calendar.add_working_days(now.date(), -int(ctx.config.settings.get("stuck_after_days", 10)))
    return datetime.combine(day, time(), tzinfo=now.tzinfo)


def _stuck_reason(ctx: EngineContext, now: datetime) -> Any:
    """A SQL CASE naming why a case is stuck, or NULL."""
    no_task = not_(exists().where(TaskIndex.case_id == Case.id))
    return sql_case(
        # A case in error or suspended is stuck for that very reason: the reason is named by its status.
        *((Case.status == status, status.value) for status in STUCK_STATUSES),
        (and_(Case.status == CaseStatus.RUNNING, no_task, Case.next_timer_at.is_(None)), "waiting_on_nothing"),
        (and_(Case.status == CaseStatus.RUNNING, Case.updated_at < _untouched_since(ctx, now)), "untouched"),
        else_=None,
    )


def _stuck_branches(ctx: EngineContext, now: datetime) -> tuple[ColumnElement[bool], ...]:
    """The filter form of _stuck_reason, as conditions no two of which hold for one case: in error or suspended;
    running and untouched for too long; running, touched since, and waiting on nothing. Each is served by an index
    (status; status and updated_at), so that asking for stuck cases does not evaluate the CASE over every case."""
    untouched = _untouched_since(ctx, now)
    no_task = not_(exists().where(TaskIndex.case_id == Case.id))
    return (
        Case.status.in_(STUCK_STATUSES),
        and_(Case.status == CaseStatus.RUNNING, Case.updated_at < untouched),
        and_(Case.status == CaseStatus.RUNNING, Case.updated_at >= untouched, Case.next_timer_at.is_(None), no_task),
    )


def list_cases(
    ctx: EngineContext, session: Session, actor: Actor, flt: CaseFilter, now: datetime, page: int = 1, per_page: int = 20
) -> tuple[list[CaseSummary], int]:
    """One page of the cases the actor may see under the filter, newest first, and how many there are."""
    stuck = _stuck_reason(ctx, now)
    # As a filter, the cases with a late task come from the index on due dates, not from a probe per case.
    overdue = Case.id.in_(select(TaskIndex.case_id).where(TaskIndex.due_at < now))
    conditions: list[ColumnElement[bool]] = []
    if flt.status:
        conditions.append(Case.status == flt.status)
    if flt.process_id:
        conditions.append(Case.process_id == flt.process_id)
    if flt.group:
        conditions.append(exists().where(CaseGroup.case_id == Case.id, CaseGroup.group_key == flt.group))
    if flt.overdue is not None:
        conditions.append(overdue if flt.overdue else not_(overdue))
    stuck_branches = _stuck_branches(ctx, now) if flt.stuck is not None else ()
    if flt.stuck is False:
        conditions.append(not_(or_(*stuck_branches)))
    only_words = not conditions and not flt.stuck  # nothing narrows the list but (perhaps) words
    exact = case_words.exact(flt.q) if flt.q else None
    # A supervisor's search of one or two Chinese characters or digits, with nothing else narrowing it: the count
    # and the page read the words index's entries, not the cases. Anything else tests the cases with LIKE, those
    # holding the words' rarest two characters only (cheaper than joining a common character's entries).
    words_alone = exact if exact and only_words and sees_every_case(actor) else None
    if flt.q and words_alone is None:
        conditions.append(contains(flt.q, Case.cadre_name, Case.matter))
        narrowed = case_words.narrowing(session, flt.q)
        if narrowed is not None:
            conditions.append(narrowed)
    # The count tests the reader's right as a planner likes for many cases, the page as it likes for a few.
    where, page_where = and_(visible_cases(actor), *conditions), and_(visible_cases(actor, each=True), *conditions)
    if words_alone is not None:
        total = case_words.count_holding(session, words_alone)
    elif flt.stuck:
        # Counted branch by branch and added up: each count then reads an index alone, where counting their OR
        # visits the row of every stuck case (a fifth of the time on PostgreSQL at a province's scale).
        counts = [select(func.count()).select_from(Case).where(where, branch).scalar_subquery() for branch in stuck_branches]
        total = session.scalar(select(reduce(operator.add, counts))) or 0
        page_where = and_(page_where, or_(*stuck_branches))
    elif only_words and not flt.q and not sees_every_case(actor):
        total = session.scalar(visible_count(actor)) or 0
    else:
        total = session.scalar(select(func.count()).select_from(Case).where(where)) or 0
    # The page's ids first, from the indexes alone; then those few rows, without their workflow state: sorting
    # whole case rows (state and all) to keep twenty costs more than the search itself.
    by_id = case_words.holders(words_alone) if words_alone is not None else select(Case.id).where(page_where)
    ids = list(session.scalars(by_id.order_by(by_id.selected_columns[0].desc())
                               .limit(per_page).offset((page - 1) * per_page)))
    rows: list[Any] = list(session.execute(
        select(Case, ProcessVersion.version, _overdue(now).label("overdue"), stuck.label("stuck"))
        .options(defer(Case.state))
        .join(ProcessVersion, ProcessVersion.id == Case.process_version_id)
        .where(Case.id.in_(ids))
        .order_by(Case.id.desc())
    )) if ids else []
    items = [
        CaseSummary(c.id, c.process_id, version, c.status, c.cadre_name, c.matter, c.closure, c.outcome, c.started_by,
                    c.started_unit, c.created_at, c.updated_at, bool(is_overdue), reason, c.unit)
        for c, version, is_overdue, reason in rows
    ]
    steps = _current_steps(session, [item.id for item in items])
    return [replace(item, current_step=steps[item.id][0], due_at=steps[item.id][1]) if item.id in steps else item
            for item in items], total


def _current_steps(session: Session, case_ids: list[int]) -> dict[int, tuple[str, datetime | None]]:
    """Each listed case's open step due first and its due date, read for the page's cases only."""
    found: dict[int, tuple[str, datetime | None]] = {}
    if not case_ids:
        return found
    steps = session.execute(select(TaskIndex.case_id, TaskIndex.name, TaskIndex.due_at)
                            .where(TaskIndex.case_id.in_(case_ids))
                            .order_by(TaskIndex.case_id, TaskIndex.due_at.is_(None), TaskIndex.due_at, TaskIndex.created_at))
    for case_id, name, due_at in steps:
        found.setdefault(case_id, (name, due_at))
    return found
