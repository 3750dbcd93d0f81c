"""Use cases that change state: one transaction each, committed here and nowhere else."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from engine.access import policy, users
from engine.access.policy import Actor
from engine.bundles import form_submissions
from engine.bundles.definitions import TaskInfo, task_info
from engine.config import MESSAGE_PAYLOAD_BYTES
from engine.context import EngineContext
from engine.errors import Conflict, Forbidden, FormInvalid, NotFound, ScriptFailed, TaskNotReady
from engine.persistence import audit, case_clocks, case_rows, riders
from engine.persistence.case_rows import CaseRow
from engine.persistence.db import connection
from engine.persistence.lifecycle import CaseStatus, transition
from engine.persistence.models import CaseHandler, ProcessVersion, TaskIndex, table
from engine.persistence.prepared import Prepared
from engine.persistence.uow import UnitOfWork
from engine.procedure import application_window, attachment_rows, filing_citations, issuing, runtime, task_drafts, workflow_store
from engine.procedure.attachment_rows import Upload

TASKS = table(TaskIndex)
_SAME_CASE = TASKS.alias("same_case")
# Found by the task, not by the case: sent with the lock, before its answer names the case.
_CASE_TASKS_OF_TASK = Prepared(select(TASKS).where(
    TASKS.c.case_id == select(_SAME_CASE.c.case_id).where(_SAME_CASE.c.id == bindparam("task_id")).scalar_subquery()))
_SET_ASSIGNEE = Prepared(update(TASKS).where(TASKS.c.id == bindparam("task_id")).values(assignee=bindparam("assignee")))
_OPEN_IDS = Prepared(
    select(TASKS.c.id).where(TASKS.c.case_id == bindparam("case_id")).order_by(TASKS.c.created_at, TASKS.c.id))
_ADD_HANDLER = Prepared(insert(table(CaseHandler)))
# On PostgreSQL the step's drafts go in the same round trip, as a CTE of the handler's INSERT.
_DROPPED_DRAFTS = delete(task_drafts.DRAFTS).where(task_drafts.DRAFTS.c.task_id == bindparam("draft_task_id")).cte("dropped")
_ADD_HANDLER_DROPPING_DRAFTS = Prepared(insert(table(CaseHandler)).add_cte(_DROPPED_DRAFTS))
# A completed task's index row too, when the caller's save is told so (it read the rows before, under the lock).
_ADD_HANDLER_DROPPING_STEP = Prepared(insert(table(CaseHandler)).add_cte(_DROPPED_DRAFTS).add_cte(
    delete(TASKS).where(TASKS.c.id == bindparam("done_task_id")).cte("done")))
VERSIONS = table(ProcessVersion)
_LATEST = Prepared(
    select(VERSIONS.c.id, VERSIONS.c.deployment_id, VERSIONS.c.version)
    .where(VERSIONS.c.process_id == bindparam("process_id"))
    .order_by(VERSIONS.c.version.desc())
    .limit(1)
)


@dataclass(frozen=True)
class StepResult:
    """What a handler needs to know after acting: the case, its status and the tasks now open."""

    case_id: int
    status: str
    open_task_ids: tuple[str, ...]
    # What the caller's answer shows, read in the step's own transaction: no second transaction per request.
    view: dict[str, Any] | None = None


# Reads the caller's answer after the step's writes, before its commit: the session of the step, the case as written,
# and the case's open task rows when the step knows them (None: read them).
StepView = Callable[[Session, CaseRow, Sequence[Any] | None], dict[str, Any]]


def record_event(uow: UnitOfWork, case: CaseRow, event: str, actor: Actor, **fields: Any) -> None:
    """Append an event to the case's audit chain; the locked case row holds the chain's newest link."""
    prev = audit.Link(case.audit_seq, case.audit_head) if case.audit_seq and case.audit_head else audit.START
    link = audit.append(
        uow.session, chain=audit.case_chain(case.id), case_id=case.id, event=event, actor=actor.username,
        at=uow.now, prev=prev, **fields,
    )
    case.audit_seq, case.audit_head = link.seq, link.hash


def record_handler(uow: UnitOfWork, case_id: int, task_id: str, info: TaskInfo, username: str,
                   drop_task: bool = False) -> tuple[str, ...]:
    """Record who completed a step of a case: the one writer of CaseHandler rows (history and 回避 read them).

    Input saved as drafts of the step goes in the same transaction: nothing is left behind for anyone. With
    `drop_task`, the step's task index row may go in the same round trip; the ids of the rows that went.
    """
    conn = connection(uow.session)
    row = {"case_id": case_id, "task_id": task_id, "bpmn_id": info.bpmn_id, "name": info.name,
           "group_key": info.group, "username": username, "completed_at": uow.now}
    if conn.dialect.name == "postgresql":
        # Nothing reads these rows in the step: they travel with its next statement that waits for an answer.
        if drop_task:
            _ADD_HANDLER_DROPPING_STEP.queue(conn, {**row, "draft_task_id": task_id, "done_task_id": task_id})
            return (task_id,)
        _ADD_HANDLER_DROPPING_DRAFTS.queue(conn, {**row, "draft_task_id": task_id})
        return ()
    _ADD_HANDLER.run(conn, row)
    task_drafts.discard_drafts(uow.session, task_id)
    return ()


def finish(
    uow: UnitOfWork, case: CaseRow, open_ids: tuple[str, ...] | None = None, view: StepView | None = None
) -> StepResult:
    """Write the case row once, read the caller's view of it if asked, commit, and say where the case stands."""
    if open_ids is None:
        open_ids = tuple(row[0] for row in _OPEN_IDS.run(connection(uow.session), {"case_id": case.id}))
    case_rows.write(uow.session, case)
    rows = open_ids.rows if isinstance(open_ids, workflow_store.OpenTasks) else None
    answer = view(uow.session, case, rows) if view is not None else None
    uow.commit()
    return StepResult(case.id, case.status, open_ids, answer)


@dataclass(frozen=True)
class LatestVersion:
    """The newest version of a process: the one new cases start on."""

    id: int
    deployment_id: int
    version: int


def latest_version(ctx: EngineContext, session: Any, process_id: str) -> LatestVersion:
    """The newest deployed version of a process; NotFound when it was never deployed."""
    pv = _LATEST.run(connection(session), {"process_id": process_id}).first()
    if pv is None:
        raise NotFound("流程 %(process_id)s 尚未部署", process_id=process_id)
    return LatestVersion(pv.id, pv.deployment_id, pv.version)


def start_case(ctx: EngineContext, actor: Actor, process_id: str, entry: str, data: Mapping[str, Any],
               uploads: Mapping[str, Sequence[Upload]] | None = None) -> StepResult:
    """Start a case of the newest version of a process through one of its entries, with the files its start form's
    pickers received (`uploads`, by field key) attached to the new case.

    Raises: NotFound, Forbidden, FormInvalid (also for an application filed after its window or a bad file),
    ScriptFailed.
    """
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        pv = latest_version(ctx, uow.session, process_id)
        bundle = ctx.bundle(uow.session, pv.deployment_id)
        found = bundle.entries.get(process_id, {}).get(entry)
        if found is None:
            raise NotFound("流程 %(process_id)s 没有发起方式 %(entry)s", process_id=process_id, entry=entry)
        policy.ensure_may_start(actor, found)
        form = bundle.form(found.form)
        files = {k: list(v) for k, v in (uploads or {}).items() if k in attachment_rows.file_keys(form) and v}
        # The files get their ids once the case exists; until then each counts as one file for the form's checks.
        clean = form_submissions.validate_submission(form, {**data, **{k: [1] * len(v) for k, v in files.items()}})
        application_window.check(ctx, clean)
        unit = policy.case_unit(actor, clean)
        if filing_citations.NUMBER_KEY in form.keys:
            clean.update(filing_citations.cite(ctx, uow.session, unit, clean))
        case = case_rows.create(uow.session, {
            "process_version_id": pv.id, "process_id": process_id, "status": CaseStatus.RUNNING, "state": b"",
            "next_timer_at": None, "started_by": actor.username, "started_unit": actor.unit,
            "unit": unit, "entry": entry,
            "cadre_name": None, "matter": None, "closure": None, "outcome": None,
            "created_at": uow.now, "updated_at": uow.now,
        })
        filing_citations.record(uow.session, case.id, clean)
        stored = {k: [attachment_rows.store_row(ctx, uow, actor, case.id, u, None) for u in v] for k, v in files.items()}
        clean.update({k: [row.id for row in rows] for k, rows in stored.items()})
        attachment_rows.check_references(uow, case.id, form, clean)
        engine = workflow_store.script_engine(ctx, uow.session, case.id)
        workflow = runtime.start(bundle, process_id, {**clean, "entry": entry}, engine)
        open_ids = workflow_store.save_workflow(ctx, uow.session, case, bundle, workflow)
        record_event(uow, case, "case_started", actor, details={
            "process_id": process_id, "version": pv.version, "bundle_hash": bundle.hash, "entry": entry, "data": clean,
        })
        for row in (row for rows in stored.values() for row in rows):
            record_event(uow, case, "attachment_added", actor, details=attachment_rows.added_details(row))
        if found.issues:
            issuing.issue(ctx, uow, case, found.issues, issuing.facts_of(bundle, {**clean, "entry": entry}), actor,
                          record_event, issuing.Step(found.groups[0]), bundle.templates)
        return finish(uow, case, open_ids)


def open_task_locked(uow: UnitOfWork, task_id: str) -> tuple[Any, CaseRow]:
    """Lock the case of an open task, then read the task row as it is under the lock."""
    row, case, _rows = open_task_rows_locked(uow, task_id)
    return row, case


def open_task_rows_locked(uow: UnitOfWork, task_id: str) -> tuple[Any, CaseRow, list[Any]]:
    """Lock the case of an open task, then read its task rows as they are under the lock: the task's, and all of
    the case's (which the step's save compares with the open tasks instead of reading them again)."""
    locking = case_rows.locking_task(uow.session, task_id)
    # Read after the lock, in the same round trip on PostgreSQL: the server runs it once the lock is granted, with
    # a snapshot taken then, so it sees whether another transaction completed the task while we waited.
    reading = _CASE_TASKS_OF_TASK.queue(connection(uow.session), {"task_id": task_id})
    case = case_rows.case_of(locking)
    rows = list(reading.result()) if case is not None else []
    row = next((r for r in rows if r.id == task_id), None)
    if case is None or row is None:
        done = uow.session.scalar(select(func.count()).select_from(CaseHandler).where(CaseHandler.task_id == task_id))
        raise TaskNotReady("该任务已办理完毕") if done else NotFound("任务不存在")
    if case.status != CaseStatus.RUNNING:
        raise Conflict("案件当前状态为“%(status)s”，不能办理", status=case.status)
    return row, case, rows


def complete_task(
    ctx: EngineContext, actor: Actor, task_id: str, data: Mapping[str, Any], expected_version: int | None = None,
    view: StepView | None = None,
) -> StepResult:
    """Validate a handler's form, complete the task and run the procedure to its next wait; `view` reads the answer.

    Raises: NotFound, TaskNotReady, Forbidden, Conflict, FormInvalid, ScriptFailed (the case is marked in error).
    """
    failed: tuple[ScriptFailed, int, dict[str, Any]] | None = None
    # On PostgreSQL the step's audit events and notifications go with the case row's write: two round trips fewer.
    with UnitOfWork(ctx.sessions, ctx.clock) as uow, riders.carry(uow.session):
        row, case, task_rows = open_task_rows_locked(uow, task_id)
        if expected_version is not None and expected_version != case.version:
            raise Conflict("案件已被他人更新，请刷新后重试")
        bundle, workflow = workflow_store.load_workflow(ctx, uow.session, case)
        task = runtime.open_task(workflow, task_id)
        info = task_info(task.task_spec)
        policy.ensure_may_act(uow.session, actor, row, info)
        form = bundle.form(info.form)
        clean = form_submissions.validate_submission(form, data, context=task.data)
        attachment_rows.check_references(uow, case.id, form, clean)
        before = {k: task.data.get(k) for k in clean}
        try:
            runtime.complete(workflow, task, clean)
        except ScriptFailed as exc:
            failed = (exc, case.id, clean)
        else:
            if info.resumes_clock and info.limit:
                case_clocks.record_round(uow.session, ctx.calendar, case.id, info.limit, row.created_at, uow.now)
            # The completed task is never open again: on PostgreSQL its row goes with the handler's INSERT.
            dropped = record_handler(uow, case.id, task_id, info, actor.username, drop_task=True)
            open_ids = workflow_store.save_workflow(ctx, uow.session, case, bundle, workflow, task_rows, dropped)
            record_event(uow, case, "task_completed", actor, task_id=task_id, bpmn_id=info.bpmn_id,
                         details={"name": info.name, "form": info.form, "before": before, "after": clean})
            if info.issues:
                # The case data as the step left it: the step's own values over those of the newest open branch.
                facts = issuing.facts_of(bundle, {**runtime.case_data(workflow), **task.data})
                issuing.issue(ctx, uow, case, info.issues, facts, actor, record_event,
                              issuing.Step(info.group, task_id, info.bpmn_id), bundle.templates)
            return finish(uow, case, open_ids, view)
    # Only reached when the step failed: its transaction was rolled back, the case is marked in error.
    assert failed is not None
    error, case_id, submitted = failed
    mark_failed(ctx, actor, case_id, error, task_id, submitted)
    raise error


# The one way a case comes to fail: a handler's step, a supervisor's retry or skip and a due timer all end here,
# so the error kept for the retry and the step_failed event look the same whoever failed.
def mark_failed(
    ctx: EngineContext, actor: Actor, case_id: int, exc: ScriptFailed, task_id: str | None, submitted: Any
) -> None:
    """In a short transaction of its own, mark the case in error and keep the submitted input for the retry."""
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        case = case_rows.lock_existing(uow.session, case_id)
        transition(case, CaseStatus.ERROR)
        case.error = {"message": exc.message, "task": exc.task_name, "line": exc.line, "task_id": task_id,
                      "data": submitted, "actor": actor.username, "at": uow.now.isoformat()}
        record_event(uow, case, "step_failed", actor, task_id=task_id, details={"error": exc.message, "data": submitted})
        finish(uow, case)


def claim_task(ctx: EngineContext, actor: Actor, task_id: str) -> StepResult:
    """Take a task from the group's queue so that others see who handles it.

    Raises: NotFound, TaskNotReady, Forbidden, Conflict (claimed by someone else).
    """
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        row, case = open_task_locked(uow, task_id)
        if row.assignee and row.assignee != actor.username:
            raise Conflict("该任务已由 %(assignee)s 认领",
                           assignee=users.display_names(uow.session, [row.assignee]).get(row.assignee, row.assignee))
        bundle, workflow = workflow_store.load_workflow(ctx, uow.session, case)
        policy.ensure_may_act(uow.session, actor, row, task_info(runtime.open_task(workflow, task_id).task_spec))
        _SET_ASSIGNEE.run(connection(uow.session), {"task_id": task_id, "assignee": actor.username})
        record_event(uow, case, "task_claimed", actor, task_id=task_id, bpmn_id=row.bpmn_id, details={"name": row.name})
        return finish(uow, case)


def release_task(ctx: EngineContext, actor: Actor, task_id: str) -> StepResult:
    """Put a claimed task back into its group's queue (the assignee or a supervisor).

    Raises: NotFound, TaskNotReady, Forbidden.
    """
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        row, case = open_task_locked(uow, task_id)
        if row.assignee != actor.username and policy.SUPERVISOR not in actor.groups:
            raise Forbidden("只有认领人或监督人员可以退回该任务")
        _SET_ASSIGNEE.run(connection(uow.session), {"task_id": task_id, "assignee": None})
        record_event(uow, case, "task_released", actor, task_id=task_id, bpmn_id=row.bpmn_id,
                     details={"name": row.name, "previous_assignee": row.assignee})
        return finish(uow, case)


def deliver_message(ctx: EngineContext, actor: Actor, case_id: int, name: str, payload: Any) -> StepResult:
    """Deliver an external event (e.g. materials from the petition system) to a waiting case.

    Raises: NotFound, Forbidden, Conflict (nothing waits for it), FormInvalid (payload), ScriptFailed.
    """
    if form_submissions.has_typename(payload):
        raise FormInvalid({"payload": ["不允许的数据（含有 typename）"]})
    # Kept in the case data and again in the audit trail: a larger payload is refused before anything is stored.
    form_submissions.check_payload_size(payload, int(ctx.config.settings.get("message_payload_bytes", MESSAGE_PAYLOAD_BYTES)))
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        case = case_rows.lock_existing(uow.session, case_id)
        if not policy.may_view_case(uow.session, actor, case) and actor is not policy.SYSTEM:
            raise NotFound("案件 %(case_id)s 不存在", case_id=case_id)
        if case.status != CaseStatus.RUNNING:
            raise Conflict("案件当前状态为“%(status)s”，不能接收消息", status=case.status)
        bundle, workflow = workflow_store.load_workflow(ctx, uow.session, case)
        runtime.deliver_message(workflow, name, payload)
        open_ids = workflow_store.save_workflow(ctx, uow.session, case, bundle, workflow)
        record_event(uow, case, "message_delivered", actor, details={"message": name, "payload": payload})
        return finish(uow, case, open_ids)
