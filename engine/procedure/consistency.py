"""Whether what is stored about a case agrees with itself: its workflow state loads, the task index holds exactly
its open user tasks with the due dates their limits give, the derived columns follow the workflow, and its audit
chain verifies; and the figures' tally equals a recount. Run after a crash (`rcjc check`) to prove that no
half-written step was left behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from SpiffWorkflow.task import Task as SpiffTask
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.bundles.definitions import task_info
from engine.context import EngineContext
from engine.persistence import audit_verify, case_clocks, figure_tally
from engine.persistence.lifecycle import CaseStatus
from engine.persistence.models import Case, TaskIndex
from engine.procedure import runtime, workflow_store
from engine.procedure.holiday_schedules import task_due

# A running or suspended case's task rows must equal its open tasks; a finished one has none.
FINISHED = (CaseStatus.COMPLETED, CaseStatus.TERMINATED)
BATCH = 200


@dataclass(frozen=True)
class CaseCheck:
    """What was found wrong with one case (nothing when it agrees with itself)."""

    case_id: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when nothing disagrees."""
        return not self.problems


def check_case(ctx: EngineContext, session: Session, case: Case) -> CaseCheck:
    """Every disagreement between the case's workflow state, task index, due dates, columns and audit chain."""
    problems = [p for report in audit_verify.verify(session, case.id) for p in report.problems]
    rows = {row.id: row for row in session.scalars(select(TaskIndex).where(TaskIndex.case_id == case.id))}
    try:
        _bundle, workflow = workflow_store.load_workflow(ctx, session, case)
    except Exception as exc:  # noqa: BLE001 - any failure to restore the state is what the check reports
        return CaseCheck(case.id, (*problems, f"workflow state does not load: {type(exc).__name__}: {exc}"[:500]))
    if case.status in FINISHED:
        problems += [f"{case.status} case still has task row {row.bpmn_id} ({row.id})" for row in rows.values()]
        if case.status == CaseStatus.COMPLETED and not workflow.completed:
            problems.append("case is marked completed but its workflow is not")
        return CaseCheck(case.id, tuple(problems))
    if case.status == CaseStatus.ERROR:
        return CaseCheck(case.id, tuple(problems))  # a failed step is kept for repair: its rows are the last good ones
    open_tasks = {str(t.id): t for t in runtime.open_human_tasks(workflow)}
    problems += [f"open task {task_info(t.task_spec).bpmn_id} ({task_id}) has no task row"
                 for task_id, t in open_tasks.items() if task_id not in rows]
    problems += [f"task row {row.bpmn_id} ({task_id}) is not an open task of the workflow"
                 for task_id, row in rows.items() if task_id not in open_tasks]
    for task_id in sorted(set(rows) & set(open_tasks)):
        problems += _row_problems(ctx, session, case, rows[task_id], open_tasks[task_id])
    if workflow.completed:
        problems.append(f"workflow is completed but the case is {case.status}")
    if case.next_timer_at != runtime.next_timer_at(workflow):
        problems.append(f"next timer column {case.next_timer_at} differs from the workflow's "
                        f"{runtime.next_timer_at(workflow)}")
    return CaseCheck(case.id, tuple(problems))


def _row_problems(ctx: EngineContext, session: Session, case: Case, row: TaskIndex, task: SpiffTask) -> list[str]:
    """A task row against its open task: the step, and the due date its limit gives from the row's creation."""
    info = task_info(task.task_spec)
    if row.bpmn_id != info.bpmn_id:
        return [f"task row {row.id} names step {row.bpmn_id}, the workflow {info.bpmn_id}"]
    used = case_clocks.used_days(session, case.id, info.limit) if info.resumes_clock and info.limit else 0
    due_at, provisional = task_due(ctx, row.created_at, task.data, info.limit, info.limit_from, used)
    if (due_at, provisional) != (row.due_at, row.due_provisional):
        return [f"task row {row.bpmn_id} ({row.id}) is due {row.due_at}, its limit gives {due_at}"]
    return []


def tally_problems(ctx: EngineContext) -> list[str]:
    """Where the figures' tally disagrees with a recount of the case, stage and late step rows, one line each."""
    with ctx.db.connect() as conn:
        found = figure_tally.differences(conn)
    return [f"figure tally {month:%Y-%m} {kind} {key.replace(figure_tally.SEP, ' / ')}: stored {have}, counted {want}"
            for month, kind, key, have, want in found]


def recount_tally(ctx: EngineContext) -> None:
    """Count the figures' tally again from the case, stage and late step rows."""
    with ctx.db.begin() as conn:
        figure_tally.rebuild(conn)


def check_all(ctx: EngineContext, case_id: int | None = None) -> Iterator[CaseCheck]:
    """Check one case, or every case in id order, a batch per read transaction."""
    after = 0
    while True:
        with ctx.sessions() as session:
            query = select(Case).where(Case.id > after).order_by(Case.id).limit(BATCH)
            if case_id is not None:
                query = select(Case).where(Case.id == case_id)
            cases = list(session.scalars(query))
            for case in cases:
                yield check_case(ctx, session, case)
        if case_id is not None or len(cases) < BATCH:
            return
        after = cases[-1].id
