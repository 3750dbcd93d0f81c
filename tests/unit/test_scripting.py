from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from engine.bundles import script_guards
from engine.bundles.scripting import (
    RestrictedEnvironment,
    ScriptCompileError,
    ScriptLimitExceeded,
    ScriptMemoryExceeded,
    ScriptTimeout,
    check_source,
    make_script_engine,
)

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
NS = (
    'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs" targetNamespace="t"'
)


def script_process(script: str) -> str:
    return f"""{HEAD}<bpmn:definitions {NS}>
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="script"/>
    <bpmn:scriptTask id="script" name="脚本">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>{escape(script)}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="script" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>"""


def gateway_process(condition: str) -> str:
    return f"""{HEAD}<bpmn:definitions {NS}>
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" default="no">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>yes</bpmn:outgoing><bpmn:outgoing>no</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="yes" sourceRef="gw" targetRef="end_yes">
      <bpmn:conditionExpression>{escape(condition)}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="no" sourceRef="gw" targetRef="end_no"/>
    <bpmn:endEvent id="end_yes"><bpmn:incoming>yes</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="end_no"><bpmn:incoming>no</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>"""


def timer_process(expression: str) -> str:
    return f"""{HEAD}<bpmn:definitions {NS}>
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait" name="等待">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:timerEventDefinition id="td"><bpmn:timeDate>{escape(expression)}</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>"""


def dmn_process() -> tuple[str, str]:
    bpmn = f"""{HEAD}<bpmn:definitions {NS}>
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="rule"/>
    <bpmn:businessRuleTask id="rule" name="分流">
      <bpmn:extensionElements><spiffworkflow:calledDecisionId>route</spiffworkflow:calledDecisionId></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="f2" sourceRef="rule" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>"""
    dmn = f"""{HEAD}<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="n">
  <decision id="route" name="分流">
    <decisionTable id="dt" hitPolicy="UNIQUE">
      <input id="i1" label="类别"><inputExpression id="ie1" typeRef="string"><text>kind</text></inputExpression></input>
      <output id="o1" name="lane" typeRef="string"/>
      <rule id="r1"><inputEntry id="e1"><text>? in ("a", "b")</text></inputEntry>
        <outputEntry id="oe1"><text>label("first")</text></outputEntry></rule>
      <rule id="r2"><inputEntry id="e2"><text>-</text></inputEntry>
        <outputEntry id="oe2"><text>"other"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>"""
    return bpmn, dmn


SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))


def start(
    bpmn: str,
    env: RestrictedEnvironment,
    data: dict[str, Any] | None = None,
    dmn: str | None = None,
) -> BpmnWorkflow:
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(bpmn.encode(), "test.bpmn")
    if dmn is not None:
        parser.add_dmn_str(dmn.encode(), "test.dmn")
    wf = BpmnWorkflow(parser.get_spec("p"), parser.get_subprocess_specs("p"), script_engine=make_script_engine(env))
    wf.task_tree.set_data(**(data or {}))
    return wf


def round_trip(wf: BpmnWorkflow, env: RestrictedEnvironment) -> BpmnWorkflow:
    # The script engine is not serialized: it must be re-attached after every load.
    restored = SERIALIZER.deserialize_json(SERIALIZER.serialize_json(wf))
    restored.script_engine = make_script_engine(env)
    return restored


def end_data(wf: BpmnWorkflow) -> dict[str, Any]:
    assert wf.completed
    return dict(wf.data)


def run_script(script: str, data: dict[str, Any] | None = None, **functions: Callable[..., Any]) -> BpmnWorkflow:
    env = RestrictedEnvironment(functions, time_limit=0.5)
    wf = start(script_process(script), env, data)
    wf.do_engine_steps()
    return wf


def script_task(wf: BpmnWorkflow) -> Any:
    return wf.get_next_task(spec_name="script")


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
    wf = start(script_process("quorum = setting('quorum')"), env)
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
    wf = start(script_process(script), env)
    with pytest.raises(WorkflowTaskException) as caught:
        wf.do_engine_steps()
    assert isinstance(caught.value.line_number, int)
    task = script_task(wf)
    assert task.state == TaskState.ERROR
    assert "leak" not in task.data


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
    wf = start(script_process(script), env)
    began = time.monotonic()
    with pytest.raises(WorkflowTaskException) as caught:
        wf.do_engine_steps()
    assert time.monotonic() - began < 2
    assert "时间限制" in str(caught.value)
    assert script_task(wf).state == TaskState.ERROR


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


def test_huge_range_refused() -> None:
    with pytest.raises(ValueError, match="range"):
        RestrictedEnvironment().evaluate("sum(range(10 ** 12))", {})


def test_gateway_condition_uses_environment() -> None:
    env = RestrictedEnvironment({"is_big": lambda amount: amount > 10})
    for amount, taken in ((50, "end_yes"), (5, "end_no")):
        wf = start(gateway_process("is_big(amount)"), env, {"amount": amount})
        wf.do_engine_steps()
        assert wf.completed
        assert [t.task_spec.name for t in wf.get_tasks(state=TaskState.COMPLETED) if t.task_spec.name.startswith("end_")] == [
            taken
        ]


def test_gateway_condition_escape_refused() -> None:
    wf = start(gateway_process("().__class__.__base__ is None"), RestrictedEnvironment())
    with pytest.raises(WorkflowTaskException):
        wf.do_engine_steps()
    assert not wf.completed


def test_timer_expression_uses_environment() -> None:
    env = RestrictedEnvironment({"deadline": lambda name: "2099-01-01T00:00:00+00:00"})
    wf = start(timer_process('deadline("acceptance")'), env)
    wf.do_engine_steps()
    wf = round_trip(wf, env)
    (event,) = wf.waiting_events()
    assert event.value == "2099-01-01T00:00:00+00:00"
    assert "deadline" not in wf.get_next_task(spec_name="wait").data


def test_dmn_cells_use_environment() -> None:
    bpmn, dmn = dmn_process()
    env = RestrictedEnvironment({"label": lambda text: text.upper()})
    for kind, lane in (("a", "FIRST"), ("z", "other")):
        wf = start(bpmn, env, {"kind": kind}, dmn=dmn)
        wf.do_engine_steps()
        assert end_data(wf) == {"kind": kind, "lane": lane}


def test_missing_attribute_is_an_error() -> None:
    with pytest.raises(AttributeError):
        RestrictedEnvironment().evaluate("numbers.nothing", {"numbers": [1]})


def test_evaluate_does_not_touch_context() -> None:
    env = RestrictedEnvironment()
    context = {"a": 2}
    assert env.evaluate("  a * 3\n", context) == 6
    assert context == {"a": 2}


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


# One long string held a thousand times in a list held a thousand times: a few kilobytes of references,
# 10**11 characters as text.
SHARED = "s = [['a' * 10 ** 5] * 1000] * 1000\n"

HUGE = [
    ("x = 10 ** (3 * 10 ** 7) > 5", "乘方（**）的结果过大"),
    ("x = pow(10, 3 * 10 ** 7)", "乘方（**）的结果过大"),
    ("x = 10\nx **= 3 * 10 ** 7", "乘方（**）的结果过大"),
    ("x = pow(3, 2 ** 100000 - 1, 2 ** 4096 - 1)", "模幂运算"),
    ("x = 'a' * (3 * 10 ** 9)", "乘法（*）的结果过大"),
    ("x = (3 * 10 ** 9) * 'a'", "乘法（*）的结果过大"),
    ("x = [0] * 10 ** 9", "乘法（*）的结果过大"),
    ("x = b'a' * 10 ** 9", "乘法（*）的结果过大"),
    ("x = 'a'\nx *= 3 * 10 ** 9", "乘法（*）的结果过大"),
    ("x = 3 ** 60000\ny = x * x", "乘法（*）的结果过大"),
    ("x = 1 << 10 ** 9", "左移（<<）的结果过大"),
    ("x = 1\nx <<= 10 ** 9", "左移（<<）的结果过大"),
    ("x = 'a' * 10 ** 6\ny = x + x", "加法（+）的结果过大"),
    ("x = 'a' * 10 ** 6\nx += x", "加法（+）的结果过大"),
    ("x = '%999999999d' % 1", "% 格式化的结果过大"),
    ("x = '%*d' % (999999999, 1)", "% 格式化的结果过大"),
    ("x = '%.*f' % (999999999, 1.5)", "% 格式化的结果过大"),
    ("x = '%(n)999999999s' % {'n': 1}", "% 格式化的结果过大"),
    ("x = b'%999999999d' % 1", "% 格式化的结果过大"),
    ("x = '%d'\nx %= 10 ** 5000", "超过 4300 位十进制数字"),
    ("x = f'{1:>999999999}'", "格式说明的结果过大"),
    ("x = f'{1:>{width}}'", "格式说明的结果过大"),
    ("x = f'{1.5:.999999999f}'", "格式说明的结果过大"),
    ("x = 'a'.ljust(10 ** 9)", "填充"),
    ("x = 'a'.rjust(10 ** 9, '-')", "填充"),
    ("x = 'a'.center(10 ** 9)", "填充"),
    ("x = '1'.zfill(10 ** 9)", "填充"),
    ("x = b'a'.ljust(10 ** 9)", "填充"),
    ("x = 'a\\tb'.expandtabs(10 ** 9)", "制表符展开（expandtabs）的结果过大"),
    ("x = ('a' * 1000).replace('a', 'b' * 10 ** 6)", "替换（replace）的结果过大"),
    ("x = ('x' * 10 ** 6).join(['a'] * 1000)", "拼接（join）的结果过大"),
    ("x = str.join('x' * 10 ** 6, ['a'] * 1000)", "拼接（join）的结果过大"),
    ("x = ('a' * 1000).translate({97: 'b' * 10 ** 6})", "字符映射（translate）的结果过大"),
    ("x = [0] * 10 ** 6\nx.extend(x)", "追加（extend）的结果过大"),
    ("x = [0] * 10 ** 6\nlist.extend(x, x)", "追加（extend）的结果过大"),
    ("x = [0] * 10 ** 6\nx[:0] = x", "切片赋值的结果过大"),
    ("x = [0] * 10 ** 6\ny = [*x, *x]", "解包（*）的结果过大"),
    ("x = (1).to_bytes(10 ** 10, 'big')", "整数转字节（to_bytes）的结果过大"),
    ("x = int.from_bytes(b'\\xff' * 10 ** 6, 'big')", "字节转整数（from_bytes）的结果过大"),
    ("x = int('f' * 10 ** 6, 16)", "整数转换（int）的结果过大"),
    ("x = sum([[0, 0]] * 600000, [])", "求和（sum）的结果过大"),
    ("x = sorted(big)", "排序（sorted）的参数过大"),
    ("x = set(big)", "转换（set）的参数过大"),
    ("big.sort()", "排序（sort）的参数过大"),
    ("x = sum(range(10 ** 12))", "range 过大"),
    (SHARED + "x = str(s)", "str() 的参数过大"),
    (SHARED + "x = repr(s)", "repr() 的参数过大"),
    (SHARED + "x = f'{s}'", "f 字符串中的值过大"),
    (SHARED + "x = f'{s!r}'", "f 字符串中的值过大"),
    (SHARED + "x = '%s' % (s,)", "% 格式化的参数过大"),
    (SHARED + "print(s)", "print() 的内容过大"),
    (SHARED + "x = sorted([s], key=str)", "str() 的参数过大"),
    (SHARED + "x = [].index(s)", "index() 的参数过大"),
    (SHARED + "raise ValueError(s)", "异常信息过大"),
    (SHARED + "x = {}[tuple(s[0])]", "异常信息过大"),
    (SHARED + "x = 1", "变量 s 的值过大"),
    ("x = str(10 ** 5000)", "超过 4300 位十进制数字"),
    ("x = 10 ** 5000", "变量 x 的值中有超过 4300 位十进制数字的整数"),
]


@pytest.mark.parametrize(("script", "message"), HUGE)
def test_operations_with_huge_results_are_refused_before_they_run(script: str, message: str) -> None:
    data: dict[str, Any] = {"width": 999_999_999}
    if "big" in script:  # task data can be larger than anything a script may build
        data["big"] = [0] * (script_guards.MAX_ITEMS + 1)
    env = RestrictedEnvironment(time_limit=30)
    with pytest.raises(ScriptLimitExceeded) as caught:
        env.execute(script, data)
    assert message in str(caught.value)


def test_a_refused_operation_fails_its_script_task_with_the_reason_and_writes_nothing() -> None:
    wf = start(script_process("done = 1\nx = 10 ** (3 * 10 ** 7) > 5"), RestrictedEnvironment(), {"kept": 1})
    with pytest.raises(WorkflowTaskException) as caught:
        wf.do_engine_steps()
    assert "乘方（**）的结果过大" in str(caught.value) and caught.value.line_number == 2
    task = script_task(wf)
    assert task.state == TaskState.ERROR and task.data == {"kept": 1}


def test_a_huge_value_of_an_expression_is_refused() -> None:
    with pytest.raises(ScriptLimitExceeded, match="表达式的值过大"):
        RestrictedEnvironment().evaluate("[['a' * 10 ** 5] * 1000] * 1000", {})


def test_str_format_stays_refused_with_a_clear_reason() -> None:
    for script in ("x = '{:>999999999}'.format(1)", "x = str.format('{:>999999999}', 1)", "x = '{a}'.format_map({})"):
        with pytest.raises(AttributeError, match="不允许使用字符串的 format"):
            RestrictedEnvironment().execute(script, {})


def test_memory_kept_by_a_loop_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    if script_guards.resident_memory() is None:
        pytest.skip("the resident memory of the process is not known on this platform")
    monkeypatch.setattr(script_guards, "MAX_SCRIPT_MEMORY", 32 * 2**20)
    script = "kept = []\nwhile True:\n    kept.append('a' * 10 ** 6)"
    # Without the memory check this would run into the time limit (ScriptTimeout) instead.
    with pytest.raises(ScriptMemoryExceeded, match="内存超过限制"):
        RestrictedEnvironment(time_limit=60).execute(script, {})


def test_ordinary_arithmetic_and_text_still_work() -> None:
    script = """
powers = [2 ** 10, 2 ** -1, 2.0 ** 0.5 > 1.41, pow(3, 4), pow(3, 4, 5), (-2) ** 3, 10 ** 100 > 0]
products = [3 * 4, 'ab' * 2, 2 * 'ab', [0] * 3, (1,) * 2, 1.5 * 2, True * 3]
sums = [1 + 2, 'a' + 'b', [1] + [2], (1,) + (2,), 0.5 + 0.25]
shifts = [1 << 10, 5 >> 1, -7 % 3, 7 // 2, 10 ** 30 % 7]
alias = items
items += [3]
items *= 2
same = alias is items
n = 5
n **= 2
n <<= 1
text = '%05.1f|%-4s|%*d' % (3.14159, 'ab', 3, 7)
named = '%(a)s-%(b)03d' % {'a': 'x', 'b': 2}
label = f"{3.14159:.2f}|{'a'!r:>5}|{n=}|{amount:>{width}}|{items}"
methods = ['ab'.ljust(4, '.'), '7'.zfill(3), 'a\tb'.expandtabs(4), 'aXa'.replace('a', 'bb'), ','.join(['a', 'b']),
           '-'.join(str(i) for i in range(3)), str.join('+', ('x', 'y')), 'abc'.translate({97: 'AA'}), str.upper('q')]
kinds = [isinstance('s', str), isinstance(1, int), isinstance('s', int), issubclass(bool, int), isinstance([], (str, list))]
converted = [int('ff', 16), int(' 42 '), int(3.9), str(12), str(None), repr([1, 'a']), list('ab'), tuple([1]),
             sorted(set([3, 1, 2])), dict(a=1), sorted([3, 1, 2], key=str, reverse=True)]
flat = sum([[1], [2, 3]], []) + list(sum([(4,), (5,)], ()))
spread = [*items[:2], *(9,)]
tail = list(range(5))
tail[1:3] = ['x']
tail.extend([7])
tail.sort(key=str)
where = tail.index(7)
rounded = [round(1234, -2), round(5, -10 ** 9), round(2.675, 2)]
size = len((255).to_bytes(2, 'big')) + int.from_bytes(b'\\x01\\x00', 'big')
print('总计', n)
"""
    data = end_data(run_script(script, {"items": [1, 2], "amount": 7, "width": 3}))
    assert data["powers"] == [1024, 0.5, True, 81, 1, -8, True]
    assert data["products"] == [12, "abab", "abab", [0, 0, 0], (1, 1), 3.0, 3]
    assert data["sums"] == [3, "ab", [1, 2], (1, 2), 0.75]
    assert data["shifts"] == [1024, 2, 2, 3, 10 ** 30 % 7]
    assert data["same"] is True and data["items"] == [1, 2, 3, 1, 2, 3]
    assert data["n"] == 50
    assert data["text"] == "003.1|ab  |  7"
    assert data["named"] == "x-002"
    assert data["label"] == "3.14|  'a'|n=50|  7|[1, 2, 3, 1, 2, 3]"
    assert data["methods"] == ["ab..", "007", "a   b", "bbXbb", "a,b", "0-1-2", "x+y", "AAbc", "Q"]
    assert data["kinds"] == [True, True, False, True, True]
    assert data["converted"] == [255, 42, 3, "12", "None", "[1, 'a']", ["a", "b"], (1,), [1, 2, 3], {"a": 1}, [3, 2, 1]]
    assert data["flat"] == [1, 2, 3, 4, 5]
    assert data["spread"] == [1, 2, 9]
    assert data["tail"] == [0, 3, 4, 7, "x"] and data["where"] == 3
    assert data["rounded"] == [1200, 0, 2.67]
    assert data["size"] == 258


def test_conditions_use_the_guarded_operators() -> None:
    env = RestrictedEnvironment()
    condition = "amount * 2 + 1 > 20 and f'{amount:03d}' != '' and '%s' % amount != ''"
    for amount, taken in ((50, "end_yes"), (5, "end_no")):
        wf = start(gateway_process(condition), env, {"amount": amount})
        wf.do_engine_steps()
        assert wf.completed
        assert [t.task_spec.name for t in wf.get_tasks(state=TaskState.COMPLETED) if t.task_spec.name.startswith("end_")] == [
            taken
        ]
    wf = start(gateway_process("10 ** (3 * 10 ** 7) > amount"), env, {"amount": 5})
    with pytest.raises(WorkflowTaskException):
        wf.do_engine_steps()
    assert not wf.completed


def test_rewritten_operators_compile_and_keep_line_numbers() -> None:
    assert check_source("x = 2 ** 10 + len([*a, *b]) * 3 % 2 << 1\ny = f'{x:>5}'", "exec") == []
    with pytest.raises(ScriptCompileError) as caught:
        RestrictedEnvironment().execute("x = 2 ** 10\ny = f'{x}'\nz = _hidden", {})
    assert caught.value.lineno == 3
