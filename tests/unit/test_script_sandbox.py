"""What a script may not do: import, reach the interpreter's internals, catch what it should not; refused with the line."""

from __future__ import annotations

from pathlib import Path

import pytest
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException

from engine.bundles.scripting import RestrictedEnvironment, ScriptCompileError, check_source
from tests.support.bpmn import script_process
from tests.support.workflows import run_script, script_task, start_workflow


def test_import_refused_before_anything_runs(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    script = f"touched = touch()\nimport os\nos.system('touch {second}')"
    with pytest.raises(WorkflowTaskException) as caught:
        run_script(script, touch=lambda: first.write_text("x"))
    assert caught.value.line_number == 2
    assert caught.value.error_line == "import os"
    assert not first.exists() and not second.exists()


ESCAPES = [
    "leak = ().__class__.__base__.__subclasses__()",
    "leak = open('/etc/passwd').read()",
    "leak = __import__('os')",
    "leak = getattr((), '__class__')",
    "leak = ValueError.mro()",
    "leak = '{0.__class__}'.format(1)",
    "leak = eval('1')",
    "leak = (lambda: 1).__globals__",
    "leak = [x for x in (1,)].__class__",
    "g = (x for x in [1])\nleak = g.gi_frame",
    "raise SystemExit(1)",
    "raise KeyboardInterrupt()",
    "try:\n    leak = 1\nexcept Exception:\n    pass",
    "try:\n    leak = 1\nexcept:\n    pass",
    "try:\n    leak = 1\nfinally:\n    pass",
    "with open('x') as f:\n    leak = 1",
    "class A:\n    pass\nleak = A",
    "leak = globals()",
    "leak = type(1)",
]


@pytest.mark.parametrize("script", ESCAPES)
def test_escapes_refused(script: str) -> None:
    env = RestrictedEnvironment(time_limit=0.5)
    wf = start_workflow(script_process(script), env)
    with pytest.raises(WorkflowTaskException) as caught:
        wf.do_engine_steps()
    assert isinstance(caught.value.line_number, int)
    task = script_task(wf)
    assert task.state == TaskState.ERROR
    assert "leak" not in task.data


def test_missing_attribute_is_an_error() -> None:
    with pytest.raises(AttributeError):
        RestrictedEnvironment().evaluate("numbers.nothing", {"numbers": [1]})


def test_str_format_stays_refused_with_a_clear_reason() -> None:
    for script in ("x = '{:>999999999}'.format(1)", "x = str.format('{:>999999999}', 1)", "x = '{a}'.format_map({})"):
        with pytest.raises(AttributeError, match="不允许使用字符串的 format"):
            RestrictedEnvironment().execute(script, {})


def test_compile_error_carries_line_number() -> None:
    with pytest.raises(ScriptCompileError) as caught:
        RestrictedEnvironment().execute("a = 1\nb = 2\nc = _secret", {})
    assert caught.value.lineno == 3
    assert caught.value.text == "c = _secret"


def test_check_source() -> None:
    assert check_source("x = [i for i in range(3)]", "exec") == []
    assert check_source("amount > 10", "eval") == []
    assert check_source("a = 1\nimport os", "exec") == ["第 2 行：不允许 import"]
    assert check_source("x = ", "exec")[0].startswith("第 1 行：SyntaxError")
    assert check_source("x = 1", "eval")
    assert check_source("try:\n    x = y\nexcept BaseException:\n    x = 0", "exec") == [
        "第 3 行：except 只能捕获 ArithmeticError, AttributeError, IndexError, KeyError, LookupError, NameError, "
        "TypeError, ValueError, ZeroDivisionError"
    ]


def test_rewritten_operators_compile_and_keep_line_numbers() -> None:
    assert check_source("x = 2 ** 10 + len([*a, *b]) * 3 % 2 << 1\ny = f'{x:>5}'", "exec") == []
    with pytest.raises(ScriptCompileError) as caught:
        RestrictedEnvironment().execute("x = 2 ** 10\ny = f'{x}'\nz = _hidden", {})
    assert caught.value.lineno == 3
