"""Scripts read and write task data: what they assign lands in the data, their own helpers and the engine's functions do not."""

from __future__ import annotations

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException

from engine.bundles.scripting import RestrictedEnvironment
from tests.support.bpmn import script_process
from tests.support.workflows import end_data, round_trip, run_script, start_workflow


def test_script_assigns_variables() -> None:
    script = """
total = 0
for n in numbers:
    total += n
doubled = [n * 2 for n in numbers if n > 1]
first = people[0]['name']
label = "%s-%d" % (first, total)
pairs = {k: v for k, v in zip(['a', 'b'], numbers)}
people.append({'name': '乙'})
name, *rest = ['x', 'y', 'z']
count = len(sorted(set(numbers)))
biggest = max(*numbers)
"""
    wf = run_script(script, {"numbers": [1, 2, 3], "people": [{"name": "甲"}]})
    data = end_data(wf)
    assert data["total"] == 6
    assert data["doubled"] == [4, 6]
    assert data["first"] == "甲"
    assert data["label"] == "甲-6"
    assert data["pairs"] == {"a": 1, "b": 2}
    assert data["people"] == [{"name": "甲"}, {"name": "乙"}]
    assert (data["name"], data["rest"], data["count"], data["biggest"]) == ("x", ["y", "z"], 3, 3)
    assert not [key for key in data if key.startswith("_")]


def test_helper_functions_and_lambdas_do_not_land_in_data() -> None:
    wf = run_script("def twice(x):\n    return x * 2\nf = lambda y: y\nresult = twice(f(2))\nprint('ok')")
    data = end_data(wf)
    assert data == {"result": 4}


def test_del_removes_variable() -> None:
    assert end_data(run_script("del scratch\nkept = 1", {"scratch": 1})) == {"kept": 1}


def test_engine_functions_callable_and_not_left_in_data() -> None:
    env = RestrictedEnvironment({"setting": lambda name: {"quorum": "2/3"}[name]})
    wf = start_workflow(script_process("quorum = setting('quorum')"), env)
    wf = round_trip(wf, env)
    env.set_functions({"setting": lambda name: "3/4"})
    wf.do_engine_steps()
    data = end_data(wf)
    assert data == {"quorum": "3/4"}


def test_data_shadowing_engine_function_refused() -> None:
    with pytest.raises(WorkflowTaskException, match="引擎函数同名"):
        run_script("x = 1", {"today": "2025-01-01"}, today=lambda: "2025-01-02")


def test_assigning_engine_function_refused() -> None:
    with pytest.raises(WorkflowTaskException, match="不能给引擎函数 today 赋值"):
        run_script("today = '2025-01-01'", today=lambda: "2025-01-02")


def test_try_except_for_missing_variables() -> None:
    script = """
try:
    reviewed = reviewed == True
except NameError:
    reviewed = False
try:
    first = items[0]
except (IndexError, KeyError) as exc:
    first = None
    problem = str(exc)
"""
    assert end_data(run_script(script, {"items": []})) == {
        "items": [],
        "reviewed": False,
        "first": None,
        "problem": "list index out of range",
    }
