"""The supervisors' overview: overdue tasks, stuck cases, and how open work is spread."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import users
from engine.access.policy import SUPERVISOR, Actor
from engine.context import EngineContext
from engine.errors import Forbidden
from engine.persistence.models import OPEN_STATUSES, Case, TaskIndex
from engine.reading.case_list import CaseFilter, CaseSummary, list_cases

AGE_BUCKETS = ((0, 10, "≤10"), (11, 30, "11–30"), (31, 90, "31–90"), (91, 10**6, ">90"))


@dataclass(frozen=True)
class OverdueTask:
    """An open task past its due date."""

    task_id: str
    case_id: int
    name: str
    group: str
    candidate: str | None
    assignee: str | None
    due_at: datetime
    working_days_overdue: int
    cadre_name: str | None


@dataclass
class Overview:
    """Everything the dashboard shows."""

    overdue: list[OverdueTask]
    stuck: list[CaseSummary]
    by_stage: Counter[str] = field(default_factory=Counter)
    by_group: Counter[str] = field(default_factory=Counter)
    by_assignee: Counter[str] = field(default_factory=Counter)
    by_age: dict[str, int] = field(default_factory=dict)
    open_cases: int = 0


def overview(ctx: EngineContext, session: Session, actor: Actor, now: datetime) -> Overview:
    """The dashboard's figures (supervisors only)."""
    if SUPERVISOR not in actor.groups:
        raise Forbidden("只有监督人员可以查看监督看板")
    rows: list[Any] = list(session.execute(
        select(TaskIndex, Case.cadre_name).join(Case, Case.id == TaskIndex.case_id).order_by(TaskIndex.due_at)))
    overdue = [
        OverdueTask(t.id, t.case_id, t.name, t.group_key, t.candidate, t.assignee, t.due_at,
                    -ctx.calendar.working_days_left(t.due_at, now), cadre)
        for t, cadre in rows if t.due_at is not None and t.due_at < now
    ]
    stuck, _ = list_cases(ctx, session, actor, CaseFilter(stuck=True), now, 1, 100)
    result = Overview(overdue=overdue, stuck=stuck)
    # People by name and unit, as everywhere they appear.
    labels = users.person_labels(session, [t.assignee for t, _cadre in rows if t.assignee])
    for t, _cadre in rows:
        result.by_stage[t.name] += 1
        result.by_group[t.group_key] += 1
        result.by_assignee[labels.get(t.assignee, t.assignee) if t.assignee else "（未认领）"] += 1
    created = list(session.scalars(select(Case.created_at).where(Case.status.in_(OPEN_STATUSES))))
    result.open_cases = len(created)
    result.by_age = {label: 0 for _, _, label in AGE_BUCKETS}
    for when in created:
        age = (now - when).days
        label = next(label for low, high, label in AGE_BUCKETS if low <= age <= high)
        result.by_age[label] += 1
    return result
