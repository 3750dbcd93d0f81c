"""Loading and saving cases: workflow state, task index, readers' groups and the ruling register."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task as SpiffTask
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import runtime, scripting
from .calendar import parse_limit
from .case_functions import case_functions, end_of_day, normalize
from .context import EngineContext
from .definitions import Bundle, task_info
from .errors import NotFound
from .models import Case, CaseGroup, Ruling, TaskIndex

FINISHED = ("completed", "terminated")


def lock_case(session: Session, case_id: int) -> Case:
    """Load a case and lock its row for the rest of the transaction (PostgreSQL; SQLite locks the file)."""
    case = session.scalar(select(Case).where(Case.id == case_id).with_for_update(of=Case))
    if case is None:
        raise NotFound(f"案件 {case_id} 不存在")
    return case


def script_engine(ctx: EngineContext, session: Session, case_id: int | None) -> Any:
    """A restricted script engine whose functions are bound to this case."""
    env = scripting.RestrictedEnvironment(case_functions(ctx, session, case_id), ctx.config.script_time_limit)
    return scripting.make_script_engine(env)


def load_workflow(ctx: EngineContext, session: Session, case: Case) -> tuple[Bundle, BpmnWorkflow]:
    """Restore the case's workflow on its own bundle with the restricted engine attached."""
    bundle = ctx.bundle(session, case.process_version.deployment_id)
    workflow = bundle.serializer.loads(case.state)
    # The serializer never stores the script engine: without this the library's unrestricted one runs.
    workflow.script_engine = script_engine(ctx, session, case.id)
    return bundle, workflow


def save_workflow(ctx: EngineContext, session: Session, case: Case, bundle: Bundle, workflow: BpmnWorkflow) -> None:
    """Write state and derived columns of the case, then rewrite its task index."""
    now = ctx.clock.now()
    data = runtime.case_data(workflow)
    case.state = bundle.serializer.dumps(workflow)
    case.next_timer_at = runtime.next_timer_at(workflow)
    case.updated_at = now
    case.cadre_name = _text(data.get("cadre_name")) or case.cadre_name
    case.matter = _text(data.get("matter")) or case.matter
    case.closure = _text(data.get("closure")) or _text(data.get("clarification_closure")) or case.closure
    case.outcome = _text(data.get("outcome")) or case.outcome
    if case.status != "suspended":
        case.status = "completed" if workflow.completed else "running"
    case.error = None
    session.flush()
    sync_task_index(ctx, session, case, bundle, workflow, data)
    if workflow.completed:
        _register_ruling(session, case, data, now)


def _text(value: Any) -> str | None:
    return str(value)[:500] if value not in (None, "") else None


def sync_task_index(
    ctx: EngineContext, session: Session, case: Case, bundle: Bundle, workflow: BpmnWorkflow, data: dict[str, Any]
) -> None:
    """Make the task index rows of a case equal its open user tasks, keeping claims and due dates."""
    existing = {row.id: row for row in session.scalars(select(TaskIndex).where(TaskIndex.case_id == case.id))}
    open_tasks = runtime.open_human_tasks(workflow)
    open_ids = {str(t.id) for t in open_tasks}
    for task_id, row in existing.items():
        if task_id not in open_ids:
            session.delete(row)
    groups = set(session.scalars(select(CaseGroup.group_key).where(CaseGroup.case_id == case.id)))
    for task in open_tasks:
        if str(task.id) in existing:
            continue
        info = task_info(task.task_spec)
        due_at, provisional = _due(ctx, task, info.limit, info.limit_from)
        session.add(
            TaskIndex(
                id=str(task.id),
                case_id=case.id,
                bpmn_id=info.bpmn_id,
                name=info.name,
                process_id=task.workflow.spec.name,
                group_key=info.group,
                candidate=_text(task.data.get(info.assignee_var)) if info.assignee_var else None,
                assignee=None,
                form_key=info.form,
                created_at=ctx.clock.now(),
                due_at=due_at,
                due_provisional=provisional,
            )
        )
        if info.group and info.group not in groups:
            session.add(CaseGroup(case_id=case.id, group_key=info.group))
            groups.add(info.group)
    session.flush()


def _due(ctx: EngineContext, task: SpiffTask, limit: str | None, limit_from: str | None) -> tuple[datetime | None, bool]:
    if limit and limit in ctx.config.limits:
        amount, unit = parse_limit(ctx.config.limits[limit])
        deadline = ctx.calendar.deadline(ctx.clock.now(), amount, unit)
        return deadline.at, deadline.provisional
    if limit_from and task.data.get(limit_from):
        try:
            return end_of_day(ctx, date.fromisoformat(str(task.data[limit_from]))), False
        except ValueError:
            return None, False
    return None, False


def _register_ruling(session: Session, case: Case, data: dict[str, Any], now: datetime) -> None:
    if session.scalar(select(Ruling.id).where(Ruling.case_id == case.id)) is not None:
        return
    cadre, matter = normalize(data.get("cadre_name", "")), normalize(data.get("matter", ""))
    if not cadre or not matter:
        return
    if data.get("outcome"):
        session.add(Ruling(case_id=case.id, kind="ruling", cadre_name=cadre, matter=matter,
                           outcome=str(data["outcome"]), decided_at=now))
    elif data.get("clarification_closure") == "clarified":
        session.add(Ruling(case_id=case.id, kind="clarification", cadre_name=cadre, matter=matter,
                           outcome=None, decided_at=now))

