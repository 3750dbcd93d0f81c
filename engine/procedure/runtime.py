"""Pure functions over a SpiffWorkflow workflow: start, find, complete, fire, deliver, read. No database."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState

from engine.bundles.definitions import Bundle
from engine.errors import Conflict, NotFound, ScriptFailed, TaskNotReady
from engine.procedure import branches

# The library logs each task's change of state at INFO, and while its loggers' own level is unset it also lists
# every task of the workflow and copies task data into each record, whether or not a handler prints it. Nothing
# here reads those records (the audit trail records the steps): at WARNING they are not even built.
for _name in ("spiff.task", "spiff.workflow"):
    if logging.getLogger(_name).level == logging.NOTSET:
        logging.getLogger(_name).setLevel(logging.WARNING)

TIMER_TYPES = ("TimeDateEventDefinition", "DurationTimerEventDefinition", "CycleTimerEventDefinition")


def _steps_failed(exc: Exception) -> ScriptFailed:
    task = getattr(exc, "task", None)
    name = task.task_spec.bpmn_name if task is not None else None
    line = getattr(exc, "line_number", None)
    detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    # The detail comes from the model's script and stays as it is; the frame around it is translated.
    if name:
        return ScriptFailed("“%(name)s”执行失败：%(detail)s", task_name=name, line=line or None, name=name, detail=detail)
    return ScriptFailed("流程执行失败：%(detail)s", task_name=name, line=line or None, detail=detail)


def _run_steps(workflow: BpmnWorkflow) -> None:
    try:
        workflow.do_engine_steps()
    # Anything a model's script, condition, decision or timer expression raises fails the step;
    # the caller rolls the transaction back so the stored state never contains a half-run step.
    except Exception as exc:  # noqa: BLE001
        raise _steps_failed(exc) from exc


def start(bundle: Bundle, process_id: str, data: Mapping[str, Any], engine: PythonScriptEngine) -> BpmnWorkflow:
    """Create a workflow of `process_id`, seed its data and run it to its first wait."""
    spec = bundle.specs.get(process_id)
    if spec is None:
        raise NotFound("流程 %(process_id)s 不存在", process_id=process_id)
    workflow = BpmnWorkflow(spec, bundle.subprocess_specs(process_id), script_engine=engine)
    workflow.task_tree.set_data(**dict(data))
    _run_steps(workflow)
    return workflow


def open_human_tasks(workflow: BpmnWorkflow) -> list[SpiffTask]:
    """The user tasks waiting for a person, subprocesses included."""
    return list(workflow.get_tasks(state=TaskState.READY, manual=True))


def open_task(workflow: BpmnWorkflow, task_id: str) -> SpiffTask:
    """The open user task with this id; TaskNotReady when it exists but is not open."""
    try:
        task = workflow.get_task_from_id(UUID(task_id))
    except (ValueError, SpiffWorkflowException):
        task = None
    if task is None:
        raise TaskNotReady("该任务已不在待办中")
    if task.state != TaskState.READY or not task.task_spec.manual:
        raise TaskNotReady("该任务已办理或已失效")
    return task


def complete(workflow: BpmnWorkflow, task: SpiffTask, data: Mapping[str, Any]) -> None:
    """Write a handler's cleaned form data into the task, complete it and run the engine on."""
    task.data.update(data)
    try:
        task.run()
    except Exception as exc:  # noqa: BLE001 - same reasoning as _run_steps
        raise _steps_failed(exc) from exc
    _run_steps(workflow)


def fire_timers(workflow: BpmnWorkflow) -> None:
    """Fire the timers that are due now and run the engine on."""
    workflow.refresh_timers()
    _run_steps(workflow)


def deliver_message(workflow: BpmnWorkflow, name: str, payload: Any) -> None:
    """Deliver a message to the catch event waiting for it; Conflict when none waits."""
    if not any(e.event_type.startswith("Message") and e.name == name for e in workflow.waiting_events()):
        raise Conflict("该案件当前不在等待消息 %(name)s", name=name)
    workflow.send_event(BpmnEvent(MessageEventDefinition(name), payload))
    _run_steps(workflow)


def next_timer_at(workflow: BpmnWorkflow) -> datetime | None:
    """When the earliest waiting timer falls due, or None."""
    times = []
    for event in workflow.waiting_events():
        if event.event_type in TIMER_TYPES and isinstance(event.value, str):
            times.append(TimerEventDefinition.get_datetime(event.value))
    return min(times) if times else None


def case_data(workflow: BpmnWorkflow, open_tasks: list[SpiffTask] | None = None) -> dict[str, Any]:
    """The case's current data: the workflow's result when finished, else the newest task's data (with what
    parallel branches beside it changed)."""
    if workflow.completed:
        return dict(workflow.data)
    if open_tasks is None:
        open_tasks = open_human_tasks(workflow)
    candidates = open_tasks or ([workflow.last_task] if workflow.last_task else [])
    newest = max(candidates, key=lambda t: t.last_state_change, default=None)
    return branches.with_other_branches(workflow, newest) if newest is not None else {}


def element_ids(workflow: BpmnWorkflow) -> tuple[list[str], list[str]]:
    """BPMN ids of elements completed and active in the top process and its subprocesses."""
    done: list[str] = sorted(getattr(workflow, "pruned_done", ()))
    active: list[str] = []
    for task in workflow.get_tasks():
        bpmn_id = getattr(task.task_spec, "bpmn_id", None)
        if not bpmn_id:
            continue
        if task.state == TaskState.COMPLETED and bpmn_id not in done:
            done.append(bpmn_id)
        elif task.state in (TaskState.READY, TaskState.WAITING, TaskState.STARTED, TaskState.ERROR):
            if bpmn_id not in active:
                active.append(bpmn_id)
    return done, active
