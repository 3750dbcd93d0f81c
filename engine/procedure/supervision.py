"""What supervisors do about tasks that lag: hand them to another member of the group, and remind."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import update

from engine.access import policy, users
from engine.access.policy import Actor, ensure_supervisor
from engine.bundles.definitions import task_info
from engine.context import EngineContext
from engine.errors import EngineError, Forbidden, FormInvalid, NotFound
from engine.notifications.inbox import about, notify
from engine.persistence.models import TaskIndex
from engine.persistence.uow import UnitOfWork
from engine.procedure import runtime, workflow_store
from engine.procedure.services import StepResult, finish, open_task_locked, record_event


def reassign_task(ctx: EngineContext, actor: Actor, task_id: str, to_username: str) -> StepResult:
    """Give an open task to another member of its group (who must not be excluded by 回避).

    Raises: Forbidden (not a supervisor), NotFound, TaskNotReady, FormInvalid (the person cannot take it).
    """
    ensure_supervisor(actor)
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        row, case = open_task_locked(uow, task_id)
        if row.candidate:
            raise FormInvalid({"assignee": ["该任务只能由指定人员本人办理，不能改派"]})
        try:
            target = users.actor_for(uow.session, to_username)
        except NotFound as exc:
            raise FormInvalid({"assignee": ["该用户不存在或已停用"]}) from exc
        _, workflow = workflow_store.load_workflow(ctx, uow.session, case)
        info = task_info(runtime.open_task(workflow, task_id).task_spec)
        taken_by_other = row.assignee
        try:
            # The current holder does not count: taking the task away from them is the point.
            unclaimed = SimpleNamespace(case_id=row.case_id, group_key=row.group_key, candidate=None, assignee=None,
                                        unit=row.unit)
            policy.ensure_may_act(uow.session, target, unclaimed, info)
        except Forbidden as exc:
            raise FormInvalid({"assignee": [exc.message]}) from exc
        uow.session.execute(update(TaskIndex).where(TaskIndex.id == task_id).values(assignee=target.username))
        record_event(uow, case, "task_reassigned", actor, task_id=task_id, bpmn_id=row.bpmn_id,
                     details={"name": row.name, "from": taken_by_other, "to": target.username})
        by = users.person_labels(uow.session, [actor.username])[actor.username]
        notify(uow, target.username, case.id, task_id, "reassigned",
               f"监督人员 {by} 将{about(case.id, case.cadre_name, row.name)}改派给您办理", actor)
        return finish(uow, case)


@dataclass(frozen=True)
class TaskOutcome:
    """What happened to one task of a selection."""

    task_id: str
    ok: bool
    message: str


def reassign_many(ctx: EngineContext, actor: Actor, task_ids: Iterable[str], to_username: str) -> list[TaskOutcome]:
    """Reassign each task of a selection in its own transaction; the outcome per task.

    Raises: Forbidden (not a supervisor).
    """
    ensure_supervisor(actor)
    outcomes = []
    for task_id in dict.fromkeys(task_ids):
        try:
            reassign_task(ctx, actor, task_id, to_username)
        except EngineError as exc:
            outcomes.append(TaskOutcome(task_id, False, exc.summary))
        else:
            outcomes.append(TaskOutcome(task_id, True, "已改派"))
    return outcomes


def remind(ctx: EngineContext, actor: Actor, task_id: str, note: str = "") -> list[str]:
    """Remind whoever holds a task (or, unclaimed, every member who may take it); the names reminded.

    Raises: Forbidden (not a supervisor), NotFound, TaskNotReady.
    """
    ensure_supervisor(actor)
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        row, case = open_task_locked(uow, task_id)
        if row.assignee:
            names = [row.assignee]
        elif row.candidate:
            names = [row.candidate]
        else:
            names = users.members_who_may_take(uow.session, row)
        by = users.person_labels(uow.session, [actor.username])[actor.username]
        text = f"监督人员 {by} 提醒您尽快办理{about(case.id, case.cadre_name, row.name)}" + (f"：{note[:200]}" if note else "")
        for name in names:
            notify(uow, name, case.id, task_id, "reminder", text, actor)
        record_event(uow, case, "reminder_sent", actor, task_id=task_id, bpmn_id=row.bpmn_id,
                     details={"name": row.name, "to": names, "note": note[:200]})
        finish(uow, case)
        return names
