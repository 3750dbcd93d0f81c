"""Loading and saving cases: workflow state, task index, readers' groups and the ruling register."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task as SpiffTask
from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.access import routing
from engine.bundles import scripting
from engine.bundles.definitions import Bundle, task_info
from engine.context import EngineContext
from engine.notifications import work
from engine.persistence import case_clocks, figure_tally
from engine.persistence.case_rows import CaseRow
from engine.persistence.db import connection
from engine.persistence.lifecycle import CaseStatus, transition
from engine.persistence.models import Case, CaseGroup, TaskIndex, table
from engine.persistence.prepared import Prepared
from engine.procedure import cadre_register, prior_filings, prior_rulings, pruning, runtime, stage_tracking, warning_signs
from engine.procedure.case_functions import case_functions
from engine.procedure.holiday_schedules import pick_up_imported, task_due

TASKS = table(TaskIndex)
_EXISTING = Prepared(select(TASKS.c.id, TASKS.c.created_at, TASKS.c.group_key, TASKS.c.process_id, TASKS.c.due_at)
                     .where(TASKS.c.case_id == bindparam("case_id")))
# By id rather than `id IN (...)`: an expanding IN is re-rendered on every execution.
_DELETE = Prepared(delete(TASKS).where(TASKS.c.id == bindparam("task_id")))
_INSERT = Prepared(insert(TASKS))
# The columns a step gives a new task row (sync_task_index).
_NEW_ROW = ("id", "case_id", "bpmn_id", "name", "process_id", "group_key", "unit", "candidate", "assignee", "form_key",
            "created_at", "due_at", "due_provisional")
# On PostgreSQL a step's one new task goes in with the read of whom to tell: one round trip, not two.
_INSERT_READING_MEMBERS = Prepared(work.MEMBERS_OF_GROUP.add_cte(insert(TASKS).values(
    {k: bindparam(f"task_{k}", type_=TASKS.c[k].type) for k in _NEW_ROW}).cte("added")))
_ADD_GROUPS = {
    "postgresql": Prepared(postgresql.insert(table(CaseGroup)).on_conflict_do_nothing()),
    "sqlite": Prepared(sqlite.insert(table(CaseGroup)).on_conflict_do_nothing()),
}


class OpenTasks(tuple[str, ...]):
    """The open task ids of a case, oldest first; with their task index rows as the step left them when the step
    read the case's rows whole under its lock (`rows` is None otherwise)."""

    rows: tuple[Any, ...] | None

    def __new__(cls, ids: Sequence[str], rows: Sequence[Any] | None = None) -> OpenTasks:
        found = super().__new__(cls, ids)
        found.rows = tuple(rows) if rows is not None else None
        return found


def script_engine(ctx: EngineContext, session: Session, case_id: int | None) -> Any:
    """A restricted script engine whose functions are bound to this case."""
    env = scripting.RestrictedEnvironment(case_functions(ctx, session, case_id), ctx.config.script_time_limit)
    return scripting.make_script_engine(env)


def load_workflow(ctx: EngineContext, session: Session, case: CaseRow | Case) -> tuple[Bundle, BpmnWorkflow]:
    """Restore the case's workflow on its own bundle with the restricted engine attached."""
    bundle = ctx.bundle_of_version(session, case.process_version_id)
    workflow = bundle.serializer.loads(case.state)
    # The serializer never stores the script engine: without this the library's unrestricted one runs.
    workflow.script_engine = script_engine(ctx, session, case.id)
    return bundle, workflow


def save_workflow(
    ctx: EngineContext, session: Session, case: CaseRow, bundle: Bundle, workflow: BpmnWorkflow,
    task_rows: Sequence[Any] | None = None, deleted: Sequence[str] = (),
) -> OpenTasks:
    """Put state and derived columns on the case row, rewrite its task index; return the open tasks.

    `task_rows` are the case's task index rows when the caller read them under the case's lock; else they are read.
    `deleted` are ids among them whose rows the caller deleted already (their steps still end here).
    The caller writes the case row itself (case_rows.write), once, after its audit event.
    """
    now = ctx.clock.now()
    open_tasks = runtime.open_human_tasks(workflow)
    data = runtime.case_data(workflow, open_tasks)
    # Earlier rounds of a loop go before the save, so that a step costs the same in round 200 as in round 1.
    pruning.prune(workflow)
    case.state = bundle.serializer.dumps(workflow)
    case.next_timer_at = runtime.next_timer_at(workflow)
    case.updated_at = now
    case.cadre_name = _text(data.get("cadre_name")) or case.cadre_name
    case.matter = _text(data.get("matter")) or case.matter
    case.closure = _text(data.get("closure")) or _text(data.get("clarification_closure")) or case.closure
    case.outcome = _text(data.get("outcome")) or case.outcome
    case.domain = _key(data.get("domain")) or case.domain
    case.procedure = _key(data.get("procedure")) or case.procedure
    # A suspended case stays suspended through a migration: only resume lets it go on.
    if case.status != CaseStatus.SUSPENDED:
        transition(case, CaseStatus.COMPLETED if workflow.completed else CaseStatus.RUNNING)
    case.error = None
    open_ids = sync_task_index(ctx, session, case, bundle, open_tasks, task_rows, deleted)
    # Rulings, clarifications and accepted rectifications go into the register the prior-ruling check reads.
    prior_rulings.register(session, case.id, data, now, completed=workflow.completed)
    # The cadre register follows the case: a ruling from its issue, its scope, an appeal's change, a clarification.
    cadre_register.file_records(session, case.id, data, now, now.astimezone(ZoneInfo(ctx.config.timezone)).date())
    warning_signs.raise_from_data(session, case.id, data, now)
    prior_filings.sync(session, case, data, now)
    return open_ids


def _text(value: Any) -> str | None:
    return str(value)[:500] if value not in (None, "") else None


def _key(value: Any) -> str | None:
    # Choice keys only: a figure grouped by free text would split on every spelling.
    return value[:100] if isinstance(value, str) and value.isidentifier() else None


def sync_task_index(
    ctx: EngineContext, session: Session, case: CaseRow, bundle: Bundle, open_tasks: list[SpiffTask],
    task_rows: Sequence[Any] | None = None, deleted: Sequence[str] = (),
) -> OpenTasks:
    """Make the task index rows of a case equal its open user tasks, keeping claims and due dates.

    Returns the open tasks, oldest first; with their rows when `task_rows` are the case's whole rows.
    """
    case_id = case.id
    conn = connection(session)
    existing: dict[str, datetime] = {}
    # Every group that had a task row is already among the case's readers (added with that row).
    known_groups: set[str] = set()
    stages_before: set[str] = set()
    gone: list[stage_tracking.EndedStep] = []
    open_ids = {str(t.id) for t in open_tasks}
    rows = task_rows if task_rows is not None else _EXISTING.run(conn, {"case_id": case_id})
    for row in rows:
        existing[row.id] = row.created_at
        known_groups.add(row.group_key)
        stages_before.add(row.process_id)
        if row.id not in open_ids:
            gone.append(stage_tracking.EndedStep(row.id, row.process_id, row.group_key, row.due_at))
    if gone:
        _DELETE.queue(conn, [{"task_id": step.task_id} for step in gone if step.task_id not in deleted])
    now = ctx.clock.now()
    new_rows = []
    for task in open_tasks:
        if str(task.id) in existing:
            continue
        info = task_info(task.task_spec)
        used = case_clocks.used_days(session, case_id, info.limit) if info.resumes_clock and info.limit else 0
        due_at, provisional = task_due(ctx, now, task.data, info.limit, info.limit_from, used)
        if provisional and pick_up_imported(ctx, session):
            # Another process may have imported the missing year since this one started.
            due_at, provisional = task_due(ctx, now, task.data, info.limit, info.limit_from, used)
        to = routing.route(session, bundle, case, info.group)
        values = (str(task.id), case_id, info.bpmn_id, info.name, task.workflow.spec.name, to.group, to.unit,
                  _text(task.data.get(info.assignee_var)) if info.assignee_var else None, to.assignee, info.form, now,
                  due_at, provisional)
        new_rows.append(dict(zip(_NEW_ROW, values, strict=True)))
    if new_rows:
        read: dict[str, list[Any]] = {}
        if conn.dialect.name == "postgresql" and len(new_rows) == 1 and work.told_by_group(new_rows[0]):
            (row,) = new_rows
            params = {**{f"task_{k}": v for k, v in row.items()}, "group": row["group_key"]}
            read[row["group_key"]] = _INSERT_READING_MEMBERS.run(conn, params).all()
        else:
            _INSERT.queue(conn, new_rows)
        # Those who may take them are told in the same transaction; a task born overdue is escalated now.
        work.new_tasks(session, case, new_rows, now, ctx.config.timezone, read)
        groups = sorted({row["group_key"] for row in new_rows if row["group_key"]} - known_groups)
        if groups:
            # One statement whether or not the group already reads this case.
            _ADD_GROUPS[conn.dialect.name].queue(conn, [{"case_id": case_id, "group_key": g} for g in groups])
    stages_after = {t.workflow.spec.name for t in open_tasks}
    stage_tracking.record(ctx, session, case_id, figure_tally.month_of(case.created_at), stages_before, stages_after, gone, now)
    created = {**{k: v for k, v in existing.items() if k in open_ids}, **{r["id"]: now for r in new_rows}}
    ordered = sorted(created, key=lambda task_id: (created[task_id], task_id))
    if task_rows is None:
        return OpenTasks(ordered)
    # The step's answer lists these: known here, so not read again.
    by_id = {r.id: r for r in task_rows if r.id in open_ids} | {r["id"]: SimpleNamespace(**r) for r in new_rows}
    return OpenTasks(ordered, [by_id[task_id] for task_id in ordered])
