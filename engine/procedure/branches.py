"""The data of a case whose process runs parallel branches.

From a parallel split on, each branch works on its own copy of the case data, and the copies meet again only at
the join. The newest task alone then shows neither what the other branches recorded nor what they changed: while
a ruling's rectification goes on, the appeal beside it may have changed the ruling. The case's data is therefore
the newest task's, with each other branch's changes since the split laid over what the newest branch left as it
found it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.parallel_gateway import ParallelGateway
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

# Tasks whose data is a branch's current data: done, or waiting for a person. A task not yet reached has none.
_CURRENT = TaskState.COMPLETED | TaskState.READY


def _path_up(workflow: BpmnWorkflow, task: Task) -> Iterator[Task]:
    """`task` and its ancestors, from a subprocess on through the call activity that runs it."""
    while True:
        yield task
        if task.parent is not None:
            task = task.parent
        elif task.workflow is not workflow:
            task = workflow.get_task_from_id(task.workflow.parent_task_id)
        else:
            return


def _open_split(workflow: BpmnWorkflow, task: Task) -> tuple[Task, Task] | None:
    """The parallel split whose branches `task` is on, and the first task of its branch; None when there is none
    or the branches have joined again before `task`."""
    below = task
    for ancestor in _path_up(workflow, task):
        spec = ancestor.task_spec
        if ancestor is not task and isinstance(spec, ParallelGateway):
            if len(spec.inputs) > 1:
                return None
            if len(spec.outputs) > 1:
                return ancestor, below
        below = ancestor
    return None


def _latest(workflow: BpmnWorkflow, branch: Task) -> Task | None:
    tasks = workflow.get_tasks(first_task=branch, state=_CURRENT)
    return max(tasks, key=lambda t: t.last_state_change, default=None)


def with_other_branches(workflow: BpmnWorkflow, newest: Task) -> dict[str, Any]:
    """The data of `newest` with what the branches running beside it changed since they split from it."""
    data = dict(newest.data)
    found = _open_split(workflow, newest)
    if found is None:
        return data
    split, own = found
    base = split.data
    changed_here = {k for k, v in newest.data.items() if k not in base or base[k] != v}
    others = [task for branch in split.children if branch is not own if (task := _latest(workflow, branch)) is not None]
    for task in sorted(others, key=lambda t: t.last_state_change):
        for key, value in task.data.items():
            if key not in changed_here and (key not in base or base[key] != value):
                data[key] = value
    return data
