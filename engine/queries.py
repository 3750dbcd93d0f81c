"""The read side: inboxes and case views, from the task index and case rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from . import policy, runtime, store
from .context import EngineContext
from .errors import NotFound
from .models import AuditEvent, Case, CaseHandler, TaskIndex
from .policy import Actor


@dataclass(frozen=True)
class InboxItem:
    """One open task as an inbox shows it."""

    task_id: str
    case_id: int
    bpmn_id: str
    name: str
    group: str
    candidate: str | None
    assignee: str | None
    created_at: datetime
    due_at: datetime | None
    due_provisional: bool
    overdue: bool
    cadre_name: str | None
    matter: str | None


def _items(session: Session, query: Any, now: datetime) -> list[InboxItem]:
    rows = session.execute(query.join(Case, Case.id == TaskIndex.case_id).add_columns(Case.cadre_name, Case.matter))
    return [
        InboxItem(t.id, t.case_id, t.bpmn_id, t.name, t.group_key, t.candidate, t.assignee, t.created_at, t.due_at,
                  t.due_provisional, bool(t.due_at and t.due_at < now), cadre, matter)
        for t, cadre, matter in rows
    ]


def my_tasks(session: Session, actor: Actor, now: datetime) -> list[InboxItem]:
    """Tasks the actor has claimed."""
    query = select(TaskIndex).where(TaskIndex.assignee == actor.username).order_by(TaskIndex.due_at, TaskIndex.created_at)
    return _items(session, query, now)


def claimable_tasks(session: Session, actor: Actor, now: datetime) -> list[InboxItem]:
    """Unclaimed tasks of the actor's groups (per-person tasks only for their person)."""
    query = (
        select(TaskIndex)
        .where(
            TaskIndex.group_key.in_(actor.groups),
            TaskIndex.assignee.is_(None),
            or_(TaskIndex.candidate.is_(None), TaskIndex.candidate == actor.username),
        )
        .order_by(TaskIndex.due_at, TaskIndex.created_at)
    )
    return _items(session, query, now)


def visible_case(session: Session, actor: Actor, case_id: int) -> Case:
    """The case if the actor may read it; NotFound otherwise, so that hidden cases do not leak."""
    case = session.get(Case, case_id)
    if case is None or not policy.may_view_case(session, actor, case):
        raise NotFound(f"案件 {case_id} 不存在")
    return case


def case_view(ctx: EngineContext, session: Session, actor: Actor, case_id: int) -> dict[str, Any]:
    """Status, version, data, open tasks, history and diagram marks of a case the actor may read."""
    case = visible_case(session, actor, case_id)
    _, workflow = store.load_workflow(ctx, session, case)
    done, active = runtime.element_ids(workflow)
    tasks = session.scalars(select(TaskIndex).where(TaskIndex.case_id == case.id).order_by(TaskIndex.created_at))
    history = session.scalars(select(CaseHandler).where(CaseHandler.case_id == case.id).order_by(CaseHandler.id))
    return {
        "id": case.id,
        "process_id": case.process_id,
        "version": case.process_version.version,
        "bundle_hash": case.process_version.deployment.bundle_hash,
        "status": case.status,
        "closure": case.closure,
        "outcome": case.outcome,
        "error": case.error,
        "data": policy.visible_data(actor, runtime.case_data(workflow)),
        "open_tasks": [{"id": t.id, "bpmn_id": t.bpmn_id, "name": t.name, "group": t.group_key, "candidate": t.candidate,
                        "assignee": t.assignee, "created_at": t.created_at, "due_at": t.due_at,
                        "due_provisional": t.due_provisional} for t in tasks],
        "history": [{"name": h.name, "group": h.group_key, "by": h.username, "at": h.completed_at} for h in history],
        "completed_elements": done,
        "active_elements": active,
        "lock_version": case.version,
    }


def audit_events(session: Session, actor: Actor, case_id: int) -> list[AuditEvent]:
    """The audit trail of a case the actor may read, oldest first."""
    visible_case(session, actor, case_id)
    return list(session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq)))


def task_view(ctx: EngineContext, session: Session, actor: Actor, task_id: str, now: datetime) -> dict[str, Any]:
    """An open task with its form definition and current values, for someone who may work on it or read its case."""
    row = session.get(TaskIndex, task_id)
    case = session.get(Case, row.case_id) if row is not None else None
    if row is None or case is None:
        raise NotFound("任务不存在")
    may_act = row.group_key in actor.groups and row.candidate in (None, actor.username)
    if not may_act and not policy.may_view_case(session, actor, case):
        raise NotFound("任务不存在")
    bundle, workflow = store.load_workflow(ctx, session, case)
    task = runtime.open_task(workflow, task_id)
    form = bundle.form(row.form_key)
    values = {key: task.data[key] for key in form.keys if key in task.data}
    return {
        "id": row.id, "case_id": row.case_id, "bpmn_id": row.bpmn_id, "name": row.name, "group": row.group_key,
        "candidate": row.candidate, "assignee": row.assignee, "created_at": row.created_at, "due_at": row.due_at,
        "due_provisional": row.due_provisional, "overdue": bool(row.due_at and row.due_at < now),
        "form_key": row.form_key, "form": dict(form.source), "values": values,
        "case": {"cadre_name": case.cadre_name, "matter": case.matter, "status": case.status, "lock_version": case.version},
        "context": policy.visible_data(actor, dict(task.data)),
    }


def completed_steps(session: Session, actor: Actor, case_id: int) -> list[dict[str, Any]]:
    """The steps done so far with who, when, which form and the data they entered, as the actor may see it."""
    steps = []
    for event in audit_events(session, actor, case_id):
        if event.event != "task_completed":
            continue
        details = event.details or {}
        steps.append({"name": details.get("name", event.bpmn_id), "form": details.get("form"), "by": event.actor,
                      "at": event.at, "bpmn_id": event.bpmn_id,
                      "data": policy.visible_data(actor, dict(details.get("after") or {}))})
    return steps
