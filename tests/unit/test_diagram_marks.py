"""The marks of one process of a case: its own steps only, with the steps of pruned earlier rounds kept as done."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from SpiffWorkflow.util.task import TaskState

from engine.reading.diagrams import process_marks


def task(process: str, bpmn_id: str | None, state: TaskState) -> Any:
    """A workflow task of `process` as process_marks reads it."""
    return SimpleNamespace(task_spec=SimpleNamespace(bpmn_id=bpmn_id), state=state,
                           workflow=SimpleNamespace(spec=SimpleNamespace(name=process)))


def workflow(tasks: list[Any], pruned: set[str]) -> Any:
    """A workflow holding `tasks`, with the ids pruning kept of earlier rounds."""
    return SimpleNamespace(get_tasks=lambda: tasks, pruned_done=pruned)


def test_each_process_shows_its_own_steps_and_its_pruned_rounds() -> None:
    flow = workflow([
        task("rcjc_case", "call_acceptance", TaskState.COMPLETED),
        task("rcjc_case", "end_refused", TaskState.FUTURE),
        task("rcjc_acceptance", "acceptance_review", TaskState.COMPLETED),
        task("rcjc_acceptance", "supplement", TaskState.READY),
        task("rcjc_acceptance", "supplement_lapsed_timer", TaskState.WAITING),
        task("rcjc_acceptance", None, TaskState.COMPLETED),
        task("rcjc_acceptance", "end_refused", TaskState.COMPLETED),
    ], pruned={"supplement", "gw_acceptance", "call_triage"})
    acceptance_ids = {"acceptance_review", "supplement", "supplement_lapsed_timer", "gw_acceptance", "end_refused"}
    done, active = process_marks(flow, "rcjc_acceptance", acceptance_ids)
    # A step under way again is shown under way, not done; the top process's ids stay out.
    assert done == ["acceptance_review", "end_refused", "gw_acceptance"]
    assert active == ["supplement", "supplement_lapsed_timer"]
    done, active = process_marks(flow, "rcjc_case", {"call_acceptance", "call_triage", "end_refused"})
    assert done == ["call_acceptance", "call_triage"] and active == []
