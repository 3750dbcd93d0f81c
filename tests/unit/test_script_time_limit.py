"""A script that runs too long is stopped at the time limit, in any thread, and cannot catch the stop."""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

import pytest
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException

from engine.bundles.scripting import RestrictedEnvironment, ScriptTimeout
from tests.support.bpmn import script_process
from tests.support.workflows import script_task, start_workflow

FOREVER = "def forever():\n    while True:\n        yield 1\n"


@pytest.mark.parametrize(
    "script",
    [
        "while True:\n    pass",
        "n = 0\nwhile True:\n    n += 1",
        "def spin():\n    while True:\n        pass\nspin()",
        FOREVER + "x = sum(1 for n in forever())",
        FOREVER + "x = sorted([2, 1], key=lambda v: sum(forever()))",
    ],
)
def test_infinite_loop_stops_at_time_limit(script: str) -> None:
    env = RestrictedEnvironment(time_limit=0.2)
    wf = start_workflow(script_process(script), env)
    began = time.monotonic()
    with pytest.raises(WorkflowTaskException) as caught:
        wf.do_engine_steps()
    assert time.monotonic() - began < 2
    assert "时间限制" in str(caught.value)
    assert script_task(wf).state == TaskState.ERROR


def test_timeout_cannot_be_caught_even_by_rebinding_a_name() -> None:
    # Once the trace function has raised, CPython drops it: a handler that caught the timeout would run unchecked.
    script = "NameError = Exception\ntry:\n    while True:\n        pass\nexcept NameError:\n    while True:\n        pass"
    began = time.monotonic()
    with pytest.raises(ScriptTimeout):
        RestrictedEnvironment(time_limit=0.2).execute(script, {})
    assert time.monotonic() - began < 2


def test_time_limit_restores_previous_trace_function() -> None:
    env = RestrictedEnvironment(time_limit=0.1)
    calls: list[str] = []

    def outer(frame: Any, event: str, arg: Any) -> None:
        calls.append(event)

    previous = sys.gettrace()
    sys.settrace(outer)
    try:
        with pytest.raises(ScriptTimeout):
            env.execute("while True:\n    pass", {})
        assert sys.gettrace() is outer
    finally:
        sys.settrace(previous)


def test_time_limit_in_another_thread() -> None:
    env = RestrictedEnvironment(time_limit=0.1)
    outcome: list[BaseException] = []

    def work() -> None:
        try:
            env.execute("n = 0\nwhile True:\n    n += 1", {})
        except ScriptTimeout as exc:
            outcome.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=5)
    assert not thread.is_alive() and len(outcome) == 1


def test_time_spent_in_a_slow_engine_function_is_given_back_within_an_allowance() -> None:
    # A lookup slowed by a busy database does not fail the step: its time does not count against the script.
    env = RestrictedEnvironment({"lookup": lambda: time.sleep(0.5) or "found"}, time_limit=0.2)
    wf = start_workflow(script_process("x = lookup()\ny = lookup()"), env)
    wf.do_engine_steps()
    assert script_task(wf).state == TaskState.COMPLETED and script_task(wf).data["x"] == "found"
    # A script calling it in a loop is still stopped once the allowance (ten times the limit) is spent.
    looping = start_workflow(script_process("while True:\n    lookup()"), env)
    began = time.monotonic()
    with pytest.raises(WorkflowTaskException) as caught:
        looping.do_engine_steps()
    assert "时间限制" in str(caught.value) and time.monotonic() - began < 0.2 * 11 + 1
