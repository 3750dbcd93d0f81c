"""Expressions outside script tasks run in the same environment: gateway conditions, timer dates, decision table cells."""

from __future__ import annotations

import pytest
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException

from engine.bundles.scripting import RestrictedEnvironment
from tests.support.bpmn import dmn_process, gateway_process, timer_process
from tests.support.workflows import end_data, round_trip, start_workflow


def test_gateway_condition_uses_environment() -> None:
    env = RestrictedEnvironment({"is_big": lambda amount: amount > 10})
    for amount, taken in ((50, "end_yes"), (5, "end_no")):
        wf = start_workflow(gateway_process("is_big(amount)"), env, {"amount": amount})
        wf.do_engine_steps()
        assert wf.completed
        assert [t.task_spec.name for t in wf.get_tasks(state=TaskState.COMPLETED) if t.task_spec.name.startswith("end_")] == [
            taken
        ]


def test_gateway_condition_escape_refused() -> None:
    wf = start_workflow(gateway_process("().__class__.__base__ is None"), RestrictedEnvironment())
    with pytest.raises(WorkflowTaskException):
        wf.do_engine_steps()
    assert not wf.completed


def test_timer_expression_uses_environment() -> None:
    env = RestrictedEnvironment({"deadline": lambda name: "2099-01-01T00:00:00+00:00"})
    wf = start_workflow(timer_process('deadline("acceptance")'), env)
    wf.do_engine_steps()
    wf = round_trip(wf, env)
    (event,) = wf.waiting_events()
    assert event.value == "2099-01-01T00:00:00+00:00"
    assert "deadline" not in wf.get_next_task(spec_name="wait").data


def test_dmn_cells_use_environment() -> None:
    bpmn, dmn = dmn_process()
    env = RestrictedEnvironment({"label": lambda text: text.upper()})
    for kind, lane in (("a", "FIRST"), ("z", "other")):
        wf = start_workflow(bpmn, env, {"kind": kind}, dmn=dmn)
        wf.do_engine_steps()
        assert end_data(wf) == {"kind": kind, "lane": lane}


def test_evaluate_does_not_touch_context() -> None:
    env = RestrictedEnvironment()
    context = {"a": 2}
    assert env.evaluate("  a * 3\n", context) == 6
    assert context == {"a": 2}
