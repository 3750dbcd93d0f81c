"""Operations whose results would be huge are refused before they run, memory is bounded; ordinary ones still work."""

from __future__ import annotations

from typing import Any

import pytest
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException

from engine.bundles import script_guards
from engine.bundles.scripting import RestrictedEnvironment, ScriptLimitExceeded, ScriptMemoryExceeded
from tests.support.bpmn import gateway_process, script_process
from tests.support.workflows import end_data, run_script, script_task, start_workflow

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
    wf = start_workflow(script_process("done = 1\nx = 10 ** (3 * 10 ** 7) > 5"), RestrictedEnvironment(), {"kept": 1})
    with pytest.raises(WorkflowTaskException) as caught:
        wf.do_engine_steps()
    assert "乘方（**）的结果过大" in str(caught.value) and caught.value.line_number == 2
    task = script_task(wf)
    assert task.state == TaskState.ERROR and task.data == {"kept": 1}


def test_a_huge_value_of_an_expression_is_refused() -> None:
    with pytest.raises(ScriptLimitExceeded, match="表达式的值过大"):
        RestrictedEnvironment().evaluate("[['a' * 10 ** 5] * 1000] * 1000", {})


def test_huge_range_refused() -> None:
    with pytest.raises(ValueError, match="range"):
        RestrictedEnvironment().evaluate("sum(range(10 ** 12))", {})


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
        wf = start_workflow(gateway_process(condition), env, {"amount": amount})
        wf.do_engine_steps()
        assert wf.completed
        assert [t.task_spec.name for t in wf.get_tasks(state=TaskState.COMPLETED) if t.task_spec.name.startswith("end_")] == [
            taken
        ]
    wf = start_workflow(gateway_process("10 ** (3 * 10 ** 7) > amount"), env, {"amount": 5})
    with pytest.raises(WorkflowTaskException):
        wf.do_engine_steps()
    assert not wf.completed
