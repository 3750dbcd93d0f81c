"""Reminders and escalations: non-interrupting boundary timers marked `notify` in the model become notifications.

The model says when (the timer) and what (`notify` = reminder or escalation); the engine says whom:
a reminder goes to the task's holder (or everyone who may take it), an escalation also to the supervisors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from engine.access import users
from engine.access.policy import SUPERVISOR, SYSTEM, CaseLike, TaskLike
from engine.calendar import chinese_date
from engine.groups import GROUP_LABELS
from engine.notifications.choices import Note, deliver
from engine.notifications.inbox import about
from engine.persistence.models import TaskIndex
from engine.persistence.uow import UnitOfWork

KINDS = ("reminder", "escalation")


@dataclass(frozen=True)
class Notice:
    """A boundary timer that is to notify someone about the task it is attached to."""

    event_id: str
    kind: str
    task_id: str


def _kind(task: SpiffTask) -> str | None:
    properties = getattr(task.task_spec, "extensions", {}).get("properties", {}) or {}
    kind = properties.get("notify")
    return kind if kind in KINDS else None


def _attached(event: SpiffTask) -> SpiffTask | None:
    """The activity a boundary event is attached to: its sibling under the boundary split."""
    parent = event.parent
    if parent is None:
        return None
    return next((c for c in parent.children if c is not event and c.task_spec.manual), None)


def waiting(workflow: BpmnWorkflow) -> list[Notice]:
    """The notifying boundary timers armed now, before timers fire."""
    found = []
    for task in workflow.get_tasks(state=TaskState.WAITING):
        kind = _kind(task)
        attached = _attached(task) if kind else None
        if kind and attached is not None:
            found.append(Notice(str(task.id), kind, str(attached.id)))
    return found


def fired(before: list[Notice], workflow: BpmnWorkflow) -> list[Notice]:
    """Those of `before` whose timer has fired."""
    result = []
    for notice in before:
        try:
            task = workflow.get_task_from_id(UUID(notice.event_id))
        except SpiffWorkflowException:
            continue
        if task is not None and task.state in (TaskState.COMPLETED, TaskState.READY, TaskState.STARTED):
            result.append(notice)
    return result


def local_day(moment: datetime | None, timezone: str) -> str:
    """A moment's day in Chinese in the deployment's time zone, or a dash."""
    return chinese_date(moment.astimezone(ZoneInfo(timezone)).date()) if moment else "—"


def created_overdue(due_at: datetime | None, created_at: datetime) -> bool:
    """Whether a task was past its due date when created: it was escalated then, and its timer escalates no more."""
    return due_at is not None and due_at <= created_at


def holder_words(session: Session, row: TaskLike) -> str:
    """Who has the task, by name, unit and position, or the group it waits in."""
    if row.assignee:
        return f"办理人：{users.person_labels(session, [row.assignee])[row.assignee]}"
    return f"尚无人认领（{GROUP_LABELS.get(row.group_key, row.group_key)}）"


def send(uow: UnitOfWork, case: CaseLike, notices: list[Notice], timezone: str) -> list[str]:
    """Store the notifications of fired reminders and escalations; the names notified."""
    notes: list[Note] = []
    case_id = case.id
    for notice in notices:
        row = uow.session.get(TaskIndex, notice.task_id)
        if row is None:
            continue  # the task was done in the same step
        if notice.kind == "escalation" and created_overdue(row.due_at, row.created_at):
            continue  # escalated when it was created (engine/notifications/work.py): once is enough
        holders = [row.assignee] if row.assignee else [row.candidate] if row.candidate else \
            users.members_who_may_take(uow.session, row)
        due = local_day(row.due_at, timezone)
        step = about(case_id, getattr(case, "cadre_name", None), row.name)
        if notice.kind == "reminder":
            message = f"{step}将于{due}到期，请及时办理"
            recipients = holders
        else:
            message = f"{step}已超过办理期限（{due}），{holder_words(uow.session, row)}，请督促办理"
            recipients = list(dict.fromkeys(holders + users.group_members(uow.session, SUPERVISOR)))
        notes.extend(Note(name, case_id, notice.task_id, notice.kind, message) for name in recipients)
    return deliver(uow.session, uow.now, notes, SYSTEM.username)
