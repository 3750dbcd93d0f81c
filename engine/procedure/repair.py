"""Repairing cases, by supervisors and audited: retry, skip, suspend, resume, terminate, move to a newer version.

Each action works on one case in one transaction; `bulk` applies an action to a selection and reports
per case, so that one refusal does not stop the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update

from engine.access.policy import Actor, ensure_supervisor
from engine.bundles import form_submissions
from engine.bundles.definitions import TaskInfo, task_info
from engine.context import EngineContext
from engine.errors import Conflict, EngineError, FormInvalid, NotFound, ScriptFailed
from engine.persistence import case_rows, figure_tally
from engine.persistence.case_rows import CaseRow
from engine.persistence.lifecycle import CaseStatus, transition
from engine.persistence.models import OPEN_STATUSES, Case, Notification, TaskIndex
from engine.persistence.uow import UnitOfWork
from engine.procedure import runtime, stage_tracking, warning_signs, workflow_store
from engine.procedure.services import StepResult, finish, latest_version, mark_failed, record_event, record_handler

MAX_REASON = 500


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise FormInvalid({"reason": ["请说明理由"]})
    return text[:MAX_REASON]


def _locked(uow: UnitOfWork, case_id: int, allowed: Iterable[CaseStatus]) -> CaseRow:
    # Each action has its own precondition, narrower than the lifecycle's moves (retry needs a case in error).
    case = case_rows.lock_existing(uow.session, case_id)
    if case.status not in allowed:
        raise Conflict("案件 %(case_id)s 当前状态为“%(status)s”，不能执行该操作", case_id=case_id, status=case.status)
    return case


def retry(ctx: EngineContext, actor: Actor, case_id: int, data: Mapping[str, Any] | None = None) -> StepResult:
    """Run the failed step again with the kept input, or with an edited version of it (both are audited).

    Raises: Forbidden, NotFound, Conflict (not in error), FormInvalid, ScriptFailed (the case stays in error).
    """
    ensure_supervisor(actor, "只有监督人员可以修复案件")
    failure: tuple[ScriptFailed, str | None, Any] | None = None
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        case = _locked(uow, case_id, (CaseStatus.ERROR,))
        error = dict(case.error or {})
        bundle, workflow = workflow_store.load_workflow(ctx, uow.session, case)
        task_id: str | None = error.get("task_id")
        before = error.get("data")
        after: Any = None
        info: TaskInfo | None = None
        try:
            if task_id:
                task = runtime.open_task(workflow, task_id)
                info = task_info(task.task_spec)
                submitted = data if data is not None else (before or {})
                after = form_submissions.validate_submission(bundle.form(info.form), submitted, context=task.data)
                runtime.complete(workflow, task, after)
            else:
                runtime.fire_timers(workflow)
        except ScriptFailed as exc:
            failure = (exc, task_id, after if after is not None else before)
        else:
            transition(case, CaseStatus.RUNNING)
            open_ids = workflow_store.save_workflow(ctx, uow.session, case, bundle, workflow)
            if task_id and info is not None:
                record_handler(uow, case.id, task_id, info, str(error.get("actor") or actor.username))
            warning_signs.raise_event(uow.session, case.id, "procedure_irregular", "retry", uow.now)
            record_event(uow, case, "case_repaired", actor, task_id=task_id,
                         details={"action": "retry", "error": error.get("message"), "before": before, "after": after})
            return finish(uow, case, open_ids)
    assert failure is not None
    error_again, failed_task, kept = failure
    mark_failed(ctx, actor, case_id, error_again, failed_task, kept)
    raise error_again


def skip(ctx: EngineContext, actor: Actor, case_id: int, task_id: str, reason: str) -> StepResult:
    """Complete an open step without its form, for a stated reason (the procedure then goes on as it would).

    Raises: Forbidden, NotFound, Conflict, FormInvalid (no reason), ScriptFailed (the case is marked in error).
    """
    ensure_supervisor(actor, "只有监督人员可以修复案件")
    why = _reason(reason)
    failure: ScriptFailed | None = None
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        case = _locked(uow, case_id, (CaseStatus.RUNNING, CaseStatus.ERROR))
        bundle, workflow = workflow_store.load_workflow(ctx, uow.session, case)
        task = runtime.open_task(workflow, task_id)
        info = task_info(task.task_spec)
        try:
            runtime.complete(workflow, task, {})
        except ScriptFailed as exc:
            failure = exc
        else:
            transition(case, CaseStatus.RUNNING)
            open_ids = workflow_store.save_workflow(ctx, uow.session, case, bundle, workflow)
            record_handler(uow, case.id, task_id, info, actor.username)
            warning_signs.raise_event(uow.session, case.id, "procedure_irregular", "skip", uow.now)
            record_event(uow, case, "case_repaired", actor, task_id=task_id, bpmn_id=info.bpmn_id,
                         details={"action": "skip", "name": info.name, "reason": why})
            return finish(uow, case, open_ids)
    assert failure is not None
    mark_failed(ctx, actor, case_id, failure, task_id, None)
    raise failure


def skip_step(ctx: EngineContext, actor: Actor, case_id: int, bpmn_id: str, reason: str) -> StepResult:
    """Skip the case's open step with this BPMN id (how a selection of cases names the step to skip).

    Raises: as skip; NotFound when the case has no such open step.
    """
    ensure_supervisor(actor, "只有监督人员可以修复案件")
    with ctx.sessions() as session:
        task_id = session.scalar(select(TaskIndex.id).where(TaskIndex.case_id == case_id, TaskIndex.bpmn_id == bpmn_id))
    if task_id is None:
        raise NotFound("案件 %(case_id)s 没有待办环节 %(bpmn_id)s", case_id=case_id, bpmn_id=bpmn_id)
    return skip(ctx, actor, case_id, task_id, reason)


@dataclass(frozen=True)
class FailedStep:
    """The step a case failed on: its form definition and the input kept with the error, for a retry."""

    form: dict[str, Any]
    kept: dict[str, Any]


def failed_step(ctx: EngineContext, actor: Actor, case_id: int) -> FailedStep | None:
    """The failed step a supervisor may retry with edited input; None when the case is not in error at a step.

    Raises: Forbidden (the kept input is the handler's, shown to supervisors only).
    """
    ensure_supervisor(actor, "只有监督人员可以修复案件")
    with ctx.sessions() as session:
        case = session.get(Case, case_id)
        error = case.error if case is not None and case.status == CaseStatus.ERROR else None
        row = session.get(TaskIndex, error["task_id"]) if error and error.get("task_id") else None
        if case is None or error is None or row is None:
            return None
        form = ctx.bundle_of_version(session, case.process_version_id).form(row.form_key)
        return FailedStep(dict(form.source), dict(error.get("data") or {}))


def suspend(ctx: EngineContext, actor: Actor, case_id: int, reason: str) -> StepResult:
    """Stop a case: no one can act on it and its timers wait until it is resumed.

    Raises: Forbidden, NotFound, Conflict (not running or in error), FormInvalid (no reason).
    """
    ensure_supervisor(actor, "只有监督人员可以修复案件")
    why = _reason(reason)
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        case = _locked(uow, case_id, (CaseStatus.RUNNING, CaseStatus.ERROR))
        previous = case.status.value
        transition(case, CaseStatus.SUSPENDED)
        record_event(uow, case, "case_repaired", actor, details={"action": "suspend", "reason": why, "was": previous})
        return finish(uow, case)


def resume(ctx: EngineContext, actor: Actor, case_id: int, reason: str = "") -> StepResult:
    """Let a suspended case go on (back in error when it failed before it was suspended).

    Raises: Forbidden, NotFound, Conflict (not suspended).
    """
    ensure_supervisor(actor, "只有监督人员可以修复案件")
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        case = _locked(uow, case_id, (CaseStatus.SUSPENDED,))
        transition(case, CaseStatus.ERROR if case.error else CaseStatus.RUNNING)
        record_event(uow, case, "case_repaired", actor, details={"action": "resume", "reason": reason[:MAX_REASON]})
        return finish(uow, case)


def terminate(ctx: EngineContext, actor: Actor, case_id: int, reason: str) -> StepResult:
    """End a case for good, for a stated reason: its open tasks and timers are dropped.

    Raises: Forbidden, NotFound, Conflict (already ended), FormInvalid (no reason).
    """
    ensure_supervisor(actor, "只有监督人员可以修复案件")
    why = _reason(reason)
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        case = _locked(uow, case_id, OPEN_STATUSES)
        transition(case, CaseStatus.TERMINATED)
        case.closure = "terminated"
        case.next_timer_at = None
        uow.session.execute(delete(TaskIndex).where(TaskIndex.case_id == case.id))
        stage_tracking.end_unfinished(uow.session, case.id, figure_tally.month_of(case.created_at), uow.now)
        uow.session.execute(update(Notification).where(Notification.case_id == case.id, Notification.read_at.is_(None))
                            .values(read_at=uow.now))
        warning_signs.raise_event(uow.session, case.id, "procedure_irregular", "terminate", uow.now)
        record_event(uow, case, "case_repaired", actor, details={"action": "terminate", "reason": why})
        return finish(uow, case, ())


def migrate(ctx: EngineContext, actor: Actor, case_id: int) -> StepResult:
    """Move a case to the newest version of its process when every element its state refers to is still there.

    Raises: Forbidden, NotFound, Conflict (already newest, ended, or incompatible: the missing elements are named).
    """
    ensure_supervisor(actor, "只有监督人员可以修复案件")
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        case = _locked(uow, case_id, OPEN_STATUSES)
        newest = latest_version(ctx, uow.session, case.process_id)
        if newest.id == case.process_version_id:
            raise Conflict("案件 %(case_id)s 已在最新版本上", case_id=case_id)
        old_bundle, workflow = workflow_store.load_workflow(ctx, uow.session, case)
        new_bundle = ctx.bundle(uow.session, newest.deployment_id)
        missing = _missing_elements(workflow, new_bundle.specs)
        if missing:
            raise Conflict("新版本缺少案件正在使用的环节，不能迁移：%(value)s", value='、'.join(missing))
        try:
            moved = new_bundle.serializer.loads(old_bundle.serializer.dumps(workflow))
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise Conflict("新版本与案件状态不兼容：%(exc)s", exc=exc) from exc
        moved.script_engine = workflow.script_engine
        old_version = case.process_version_id
        workflow_store.save_workflow(ctx, uow.session, case, new_bundle, moved)
        _refresh_task_index(uow, moved)
        uow.session.execute(update(case_rows.CASES).where(case_rows.CASES.c.id == case.id)
                            .values(process_version_id=newest.id))
        warning_signs.raise_event(uow.session, case.id, "procedure_irregular", "migrate", uow.now)
        record_event(uow, case, "case_repaired", actor, details={
            "action": "migrate", "from_version_id": old_version, "to_version": newest.version,
            "bundle_hash": new_bundle.hash})
        return finish(uow, case)


def _missing_elements(workflow: Any, specs: Mapping[str, Any]) -> list[str]:
    """Elements the case's state refers to (done, open or waiting) that the new version does not have."""
    missing = set()
    for task in workflow.get_tasks():
        process = task.workflow.spec.name
        target = specs.get(process)
        if target is None or task.task_spec.name not in target.task_specs:
            missing.add(f"{process}/{getattr(task.task_spec, 'bpmn_id', None) or task.task_spec.name}")
    return sorted(missing)


def _refresh_task_index(uow: UnitOfWork, workflow: Any) -> None:
    """Open tasks keep their claims and due dates but take name, lane and form from the new version."""
    for task in runtime.open_human_tasks(workflow):
        info = task_info(task.task_spec)
        uow.session.execute(update(TaskIndex).where(TaskIndex.id == str(task.id))
                            .values(name=info.name, group_key=info.group, form_key=info.form))


@dataclass(frozen=True)
class BulkOutcome:
    """What happened to one case of a selection."""

    case_id: int
    ok: bool
    message: str


def bulk(case_ids: Iterable[int], action: Callable[[int], object]) -> list[BulkOutcome]:
    """Apply an action to each case of a selection, each in its own transaction, reporting per case."""
    outcomes = []
    for case_id in dict.fromkeys(case_ids):
        try:
            action(case_id)
        except EngineError as exc:
            outcomes.append(BulkOutcome(case_id, False, exc.summary))
        else:
            outcomes.append(BulkOutcome(case_id, True, "已完成"))
    return outcomes
