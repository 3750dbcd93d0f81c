"""The diagram of one process a case runs through (its own, or one it calls), with that process's steps marked."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.errors import NotFound
from engine.procedure import workflow_store
from engine.reading.queries import visible_case

_ACTIVE = (TaskState.READY, TaskState.WAITING, TaskState.STARTED, TaskState.ERROR)


def process_marks(workflow: BpmnWorkflow, process_id: str, element_ids: set[str]) -> tuple[list[str], list[str]]:
    """BPMN ids done and under way in one process of the case (every run of it), as (done, active).

    `element_ids` are the ids the process's diagram holds: elements of earlier rounds that pruning removed are
    kept by id only, without their process, so they are matched by the ids the diagram holds."""
    done = {i for i in getattr(workflow, "pruned_done", ()) if i in element_ids}
    active: set[str] = set()
    for task in workflow.get_tasks():
        bpmn_id = getattr(task.task_spec, "bpmn_id", None)
        if not bpmn_id or task.workflow.spec.name != process_id:
            continue
        if task.state == TaskState.COMPLETED:
            done.add(bpmn_id)
        elif task.state in _ACTIVE:
            active.add(bpmn_id)
    return sorted(done - active), sorted(active)


def case_process_diagram(ctx: EngineContext, session: Session, actor: Actor, case_id: int,
                         process_id: str | None = None) -> dict[str, Any]:
    """The BPMN XML of a process of the version the case runs on, with the steps of this case marked in it."""
    case = visible_case(session, actor, case_id)
    bundle, workflow = workflow_store.load_workflow(ctx, session, case)
    wanted = process_id or case.process_id
    spec = bundle.specs.get(wanted)
    if spec is None or spec.file not in bundle.files:
        raise NotFound("流程 %(process_id)s 不在该案件的版本中", process_id=wanted)
    ids = {bpmn_id for ts in spec.task_specs.values() if (bpmn_id := getattr(ts, "bpmn_id", None))}
    done, active = process_marks(workflow, wanted, ids)
    return {
        "process_id": wanted,
        "name": spec.description or wanted,
        "xml": bundle.files[spec.file].decode("utf-8"),
        "marks": {"rcjc-completed": done, "rcjc-active": active},
        "finished": bool(workflow.completed),
    }
