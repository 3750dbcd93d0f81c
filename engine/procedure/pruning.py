"""Keeping a case's workflow state the size of its present, not of its history.

SpiffWorkflow adds new task objects each time a loop comes round (a supplement asked for again, a rectification
sent back) and keeps the old ones, each with its own copy of the case data. Loading, running and saving a case
then costs more with every round. What happened is kept elsewhere (audit trail, handlers, stages); the state needs
only what the engine reads: the tasks still to run, the branch they are on, and the newest run of each element.

So before a save, completed tasks of an earlier round are cut out of the chain above the point where every
live task branches off (the newest common ancestor of the live tasks): a task goes only when a newer run of the
same element follows it, on that chain or in the round in progress; it is not the workflow's last completed
task; and nothing hanging off it beside the chain is live (a cancelled boundary event, a branch joined long ago
with the predicted tail it leaves behind). Its child
on the chain is re-attached to its parent. The elements done only in what was cut are kept by id, so the diagram
still marks them done.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState

# Tasks where something happens or will: a person's step, a timer or message waited for, a step running or
# failed. Tasks merely predicted (FUTURE, LIKELY, MAYBE) follow from these or from nothing: a joined branch leaves
# its predicted tail behind for good.
_LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR


def pruned_done(workflow: BpmnWorkflow) -> set[str]:
    """BPMN ids of elements completed in tasks that pruning removed (kept in the stored state)."""
    found: set[str] | None = getattr(workflow, "pruned_done", None)
    if found is None:
        found = set()
        workflow.pruned_done = found
    return found


def prune(workflow: BpmnWorkflow) -> int:
    """Cut earlier rounds out of the workflow and its subprocesses; the number of tasks removed."""
    removed = 0
    for flow in [workflow, *list(workflow.subprocesses.values())]:
        removed += _prune_one(workflow, flow)
    return removed


def _path_to(task: SpiffTask) -> list[SpiffTask]:
    path = [task]
    while (parent := path[-1].parent) is not None:
        path.append(parent)
    path.reverse()
    return path


def _common_path(flow: Any) -> list[SpiffTask]:
    """The chain from the root to the newest common ancestor of the live tasks ([] when none is live)."""
    unfinished = [t for t in flow.tasks.values() if t.has_state(_LIVE)]
    if not unfinished:
        return []
    path = _path_to(unfinished[0])
    index = {t.id: i for i, t in enumerate(path)}
    end = len(path) - 1
    for task in unfinished[1:]:
        while task.id not in index:
            task = task.parent
        end = min(end, index[task.id])
    return path[:end + 1]


def _subtree(task: SpiffTask) -> Iterator[SpiffTask]:
    yield task
    for child in task.children:
        yield from _subtree(child)


def _removable(flow: Any, node: SpiffTask, on_chain: UUID, top: BpmnWorkflow) -> list[SpiffTask] | None:
    """The tasks that go with `node` (itself and its settled side subtrees), or None when it must stay."""
    if node.state != TaskState.COMPLETED or node is flow.last_task:
        return None
    going = [node]
    for child in node.children:
        if child.id == on_chain:
            continue
        side = list(_subtree(child))
        if any(t.has_state(_LIVE) for t in side):
            return None
        going += side
    for task in going:
        sub = top.subprocesses.get(task.id)
        if sub is not None and not sub.completed:
            return None
    return going


def _prune_one(top: BpmnWorkflow, flow: Any) -> int:
    chain = _common_path(flow)
    if len(chain) < 3:
        return 0
    newest = {t.task_spec.name: i for i, t in enumerate(chain)}
    # A run of the element in the round in progress (below the common ancestor) is newer than any on the chain.
    newest.update((t.task_spec.name, len(chain)) for t in _subtree(chain[-1]) if t is not chain[-1])
    cut: dict[int, list[SpiffTask]] = {}
    # The root and the newest common ancestor always stay; so does the newest run of every element.
    for i in range(1, len(chain) - 1):
        node = chain[i]
        if newest[node.task_spec.name] > i and (going := _removable(flow, node, chain[i + 1].id, top)) is not None:
            cut[i] = going
    if not cut:
        return 0
    _relink(chain, cut.keys())
    removed = 0
    done = pruned_done(top)
    for going in cut.values():
        for task in going:
            # A called process of a cut round goes with its call activity (and whatever it called in turn).
            gone = [task, *(top.delete_subprocess(task) if task.id in top.subprocesses else [])]
            done.update(bpmn_id for t in gone if t.state == TaskState.COMPLETED
                        if (bpmn_id := getattr(t.task_spec, "bpmn_id", None)))
            flow.tasks.pop(task.id, None)
            removed += len(gone)
    return removed


def _relink(chain: list[SpiffTask], cut: Iterable[int]) -> None:
    """Attach each kept task of the chain to the nearest kept task above it, in the slot of the first cut one."""
    gone = set(cut)
    kept = 0
    for i in range(1, len(chain)):
        if i in gone:
            continue
        if i - 1 in gone:
            parent, task = chain[kept], chain[i]
            slots = parent._children
            slots[slots.index(chain[kept + 1].id)] = task.id
            task._parent = parent.id
        kept = i
