"""The supervisors' overview: overdue tasks, stuck cases, and how open work is spread."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from engine.access import users
from engine.access.policy import SUPERVISOR, Actor
from engine.context import EngineContext
from engine.errors import Forbidden, NotFound
from engine.persistence.models import OPEN_STATUSES, Case, TaskIndex
from engine.reading.case_list import CaseFilter, CaseSummary, list_cases

AGE_BUCKETS = ((0, 10, "≤10"), (11, 30, "11–30"), (31, 90, "31–90"), (91, 10**6, ">90"))
# Rows per page of overdue tasks and of stuck cases: the page stays small however much is late.
PER_PAGE = 50


@dataclass(frozen=True)
class OverdueTask:
    """An open task past its due date."""

    task_id: str
    case_id: int
    name: str
    group: str
    candidate: str | None
    assignee: str | None
    due_at: datetime | None
    working_days_overdue: int
    cadre_name: str | None


@dataclass
class Overview:
    """Everything the dashboard shows: one page of overdue tasks and of stuck cases, with how many there are, and
    open work counted in SQL."""

    overdue: list[OverdueTask]
    stuck: list[CaseSummary]
    overdue_total: int = 0
    stuck_total: int = 0
    page: int = 1
    pages: int = 1
    by_stage: Counter[str] = field(default_factory=Counter)
    by_group: Counter[str] = field(default_factory=Counter)
    by_assignee: Counter[str] = field(default_factory=Counter)
    by_age: dict[str, int] = field(default_factory=dict)
    open_cases: int = 0


@dataclass(frozen=True)
class ReassignChoice:
    """An open task and the members of its group it may be given to, by name and unit."""

    task: OverdueTask
    candidates: list[tuple[str, str]]


def _ensure_supervisor(actor: Actor) -> None:
    if SUPERVISOR not in actor.groups:
        raise Forbidden("只有监督人员可以查看监督看板")


def overview(ctx: EngineContext, session: Session, actor: Actor, now: datetime, page: int = 1) -> Overview:
    """The dashboard's page of figures (supervisors only): overdue tasks most overdue first, PER_PAGE at a time."""
    _ensure_supervisor(actor)
    late = (TaskIndex.due_at.is_not(None), TaskIndex.due_at < now)
    overdue_total = session.scalar(select(func.count()).select_from(TaskIndex).where(*late)) or 0
    pages = max(1, -(-overdue_total // PER_PAGE))
    page = max(1, min(page, pages))
    rows = session.execute(
        select(TaskIndex.id, TaskIndex.case_id, TaskIndex.name, TaskIndex.group_key, TaskIndex.candidate,
               TaskIndex.assignee, TaskIndex.due_at, Case.cadre_name)
        .join(Case, Case.id == TaskIndex.case_id).where(*late)
        .order_by(TaskIndex.due_at, TaskIndex.id).limit(PER_PAGE).offset((page - 1) * PER_PAGE))
    overdue = [OverdueTask(r.id, r.case_id, r.name, r.group_key, r.candidate, r.assignee, r.due_at,
                           -ctx.calendar.working_days_left(r.due_at, now), r.cadre_name) for r in rows]
    stuck, stuck_total = list_cases(ctx, session, actor, CaseFilter(stuck=True), now, 1, PER_PAGE)
    result = Overview(overdue, stuck, overdue_total, stuck_total, page, pages)
    held: Counter[str | None] = Counter()
    # One scan of the open tasks for all three spreads, instead of one GROUP BY each.
    for name, group, assignee, n in session.execute(
            select(TaskIndex.name, TaskIndex.group_key, TaskIndex.assignee, func.count())
            .group_by(TaskIndex.name, TaskIndex.group_key, TaskIndex.assignee)):
        result.by_stage[name] += n
        result.by_group[group] += n
        held[assignee] += n
    # People by name and unit, as everywhere they appear.
    labels = users.person_labels(session, [holder for holder in held if holder])
    for holder, n in held.items():
        result.by_assignee[labels.get(holder, holder) if holder else "（未认领）"] += n
    result.open_cases, result.by_age = _ages(session, now)
    return result


def _ages(session: Session, now: datetime) -> tuple[int, dict[str, int]]:
    """How many cases are open, and how many of them by age in days (one scan, buckets counted in SQL)."""
    younger = [func.sum(case((Case.created_at > now - timedelta(days=high + 1), 1), else_=0))
               for _low, high, _label in AGE_BUCKETS[:-1]]
    total, *within = session.execute(select(func.count(), *younger).where(Case.status.in_(OPEN_STATUSES))).one()
    cumulative = [int(n or 0) for n in within] + [int(total)]
    counts = [n - before for n, before in zip(cumulative, [0, *cumulative], strict=False)]
    return int(total), {label: n for (_low, _high, label), n in zip(AGE_BUCKETS, counts, strict=True)}


def reassign_choice(session: Session, actor: Actor, task_id: str, now: datetime, ctx: EngineContext) -> ReassignChoice:
    """An open task with the members of its group (of its unit, for a unit's task) but its holder. Raises:
    Forbidden, NotFound."""
    _ensure_supervisor(actor)
    found = session.execute(select(TaskIndex, Case.cadre_name).join(Case, Case.id == TaskIndex.case_id)
                            .where(TaskIndex.id == task_id)).first()
    if found is None:
        raise NotFound("任务不存在或已办理完毕")
    t, cadre = found
    due = -ctx.calendar.working_days_left(t.due_at, now) if t.due_at is not None else 0
    members = [m for m in users.members_who_may_take(session, t) if m != t.assignee]
    labels = users.person_labels(session, members)
    task = OverdueTask(t.id, t.case_id, t.name, t.group_key, t.candidate, t.assignee, t.due_at, due, cadre)
    return ReassignChoice(task, [(m, labels.get(m, m)) for m in members])
