"""Size guards for scripts: an operation that would build a huge object in one C call is refused before it runs.

The time limit of engine/bundles/scripting.py is a line trace: it cannot interrupt one long call into C (a big-int
power, a repeated string), which holds the GIL and so stalls every other request of the process. The
script policy therefore rewrites such operations into calls of the helpers here, which estimate the size
of the result from the sizes of the operands and raise ScriptLimitExceeded instead of computing it.
"""

from __future__ import annotations

import builtins
import math
import operator
import os
import re
import sys
from collections.abc import Callable, ItemsView, KeysView, Mapping, ValuesView
from typing import Any

from RestrictedPython.Guards import full_write_guard
from RestrictedPython.PrintCollector import PrintCollector

# The bounds, in one place. Far above what a procedure script needs, far below a noticeable pause or memory
# spike: a million characters, bytes or elements is built in milliseconds, and a 100,000-bit integer (about
# 30,000 decimal digits) is multiplied or divided in about a millisecond.
MAX_ITEMS = 1_000_000
MAX_INT_BITS = 100_000
# Each operation is bounded by the above, but a loop can keep the results of many: the time limit's line
# trace also refuses a script once the process holds this much more memory than when the script began.
MAX_SCRIPT_MEMORY = 256 * 2**20

_DIGITS_PER_BIT = math.log10(2)
_SEQUENCES = (str, bytes, list, tuple)
_TEXT = (str, bytes)
_SCALARS = frozenset({float, bool, type(None), complex})
_SPEC_NUMBER = re.compile(r"\d+")


class ScriptLimitExceeded(ValueError):
    """A script operation would have produced a result beyond the size bounds."""


def _too_big(what: str, amount: float, limit: int, unit: str) -> ScriptLimitExceeded:
    # An amount can itself be too long to print (CPython converts at most 4300 digits).
    quantity = f"约 {int(amount):,}" if amount < 10**15 else "超过 10¹⁵"
    return ScriptLimitExceeded(f"{what}的结果过大：{quantity} {unit}，上限 {limit:,} {unit}")


def check_items(count: float, what: str) -> None:
    """Refuse a result of more than MAX_ITEMS characters, bytes or elements."""
    if count > MAX_ITEMS:
        raise _too_big(what, count, MAX_ITEMS, "个字符或元素")


def check_bits(bits: float, what: str) -> None:
    """Refuse an integer result of more than MAX_INT_BITS bits."""
    if bits > MAX_INT_BITS:
        raise _too_big(what, bits, MAX_INT_BITS, "个二进制位")


def check_input(value: Any, what: str) -> None:
    """Refuse an input of more than MAX_ITEMS elements."""
    # Inputs are checked where one C loop over them (sorting, hashing) costs more than building them did.
    if hasattr(value, "__len__") and len(value) > MAX_ITEMS:
        raise ScriptLimitExceeded(f"{what}的参数过大：{len(value):,} 个元素，上限 {MAX_ITEMS:,} 个")


def decimal_digits(value: int) -> int:
    """An upper bound of the decimal digits of an integer."""
    return int(value.bit_length() * _DIGITS_PER_BIT) + 1


def _int_text_size(value: int, what: str) -> int:
    limit = sys.get_int_max_str_digits()
    # A lower bound of the digit count, so that only numbers CPython would surely refuse are refused here;
    # it keeps such a number out of task data, which is stored as JSON text.
    if limit and int((value.bit_length() - 1) * _DIGITS_PER_BIT) + 1 > limit:
        raise ScriptLimitExceeded(f"{what}中有超过 {limit} 位十进制数字的整数，不能转换为文本")
    return decimal_digits(value) + 1


def rendered_size(value: Any, limit: int = MAX_ITEMS, what: str = "值") -> int:
    """Roughly how many characters str() or repr() of `value` has; stops counting once past `limit`.

    Every occurrence counts: a list holding one long string a thousand times renders it a thousand times.
    """
    size = 0
    stack: list[Any] = [value]
    # Task data is checked after every script, so the common types come first and cheaply.
    while stack and size <= limit:
        item: Any = stack.pop()
        kind = type(item)
        if kind is str or kind is bytes:
            size += len(item) + 3
        elif kind is int and item.bit_length() < 64 or kind in _SCALARS:
            size += 24
        elif kind is list or kind is tuple:
            size += 2 + 2 * len(item)
            stack.extend(item)
        elif kind is dict:
            size += 2 + 4 * len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        else:
            size += _other_size(item, stack, what)
    return size


def _other_size(item: Any, stack: list[Any], what: str) -> int:
    if isinstance(item, int):
        return _int_text_size(item, what)
    if isinstance(item, (list, tuple, set, frozenset, KeysView, ValuesView, ItemsView)):
        stack.extend(item)
        return 2 + 2 * len(item)
    if isinstance(item, Mapping):
        stack.extend(item.keys())
        stack.extend(item.values())
        return 2 + 4 * len(item)
    if isinstance(item, BaseException):
        stack.extend(item.args)
    return 64  # dates, functions and the like render to a short text


def check_rendered(value: Any, what: str, limit: int = MAX_ITEMS) -> None:
    """Refuse to turn `value` into text when the text would pass `limit` characters."""
    kind = type(value)
    if kind in _SCALARS or kind is int and value.bit_length() < 64:
        return
    size = len(value) if kind is str or kind is bytes else rendered_size(value, limit, what)
    if size > limit:
        raise ScriptLimitExceeded(f"{what}过大：转换为文本将超过 {max(limit, 0):,} 个字符")


_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_statm: tuple[int, int] | None = None  # (process id, descriptor of /proc/self/statm), -1 where there is none


def resident_memory() -> int | None:
    """The process's resident memory in bytes, where /proc tells it (Linux); None elsewhere."""
    global _statm
    pid = os.getpid()
    if _statm is None or _statm[0] != pid:  # reopened in a forked worker, which must not read its parent's
        try:
            _statm = (pid, os.open("/proc/self/statm", os.O_RDONLY))
        except OSError:
            _statm = (pid, -1)
    if _statm[1] < 0:
        return None
    # Reading the open file again costs a microsecond, little enough to do every few lines of a script.
    return int(os.pread(_statm[1], 128, 0).split()[1]) * _PAGE_SIZE


# Operators: each helper checks the estimated size of its result, then computes it.


def _check_add(a: Any, b: Any) -> None:
    if isinstance(a, _SEQUENCES) and isinstance(b, _SEQUENCES):
        check_items(len(a) + len(b), "加法（+）")
    elif isinstance(a, int) and isinstance(b, int):
        check_bits(max(a.bit_length(), b.bit_length()) + 1, "加法（+）")


def guarded_add(a: Any, b: Any) -> Any:
    """`a + b`."""
    _check_add(a, b)
    return a + b


def _check_mul(a: Any, b: Any) -> None:
    if isinstance(a, int):
        if isinstance(b, int):
            check_bits(a.bit_length() + b.bit_length(), "乘法（*）")
        elif isinstance(b, _SEQUENCES):
            check_items(len(b) * a, "乘法（*）")
    elif isinstance(b, int) and isinstance(a, _SEQUENCES):
        check_items(len(a) * b, "乘法（*）")


def guarded_mul(a: Any, b: Any) -> Any:
    """`a * b`."""
    _check_mul(a, b)
    return a * b


def guarded_pow(base: Any, exp: Any, mod: Any = None) -> Any:
    """`base ** exp` and pow(); the result has about exp × log2(base) bits."""
    if isinstance(base, int) and isinstance(exp, int):
        if mod is None and exp > 0 and abs(base) > 1:
            # A huge exponent must not be turned into a float; it is too big anyway, as bits ≥ exponent.
            check_bits(exp * math.log2(abs(base)) if exp.bit_length() < 900 else exp, "乘方（**）")
        elif isinstance(mod, int) and abs(exp).bit_length() * mod.bit_length() ** 2 > MAX_INT_BITS**2:
            # A modular power costs one multiplication and reduction, quadratic in the modulus, per exponent bit.
            raise ScriptLimitExceeded(f"模幂运算 pow(x, y, m) 的计算量过大：指数位数 × 模数位数² 超过 {MAX_INT_BITS}²")
    return builtins.pow(base, exp) if mod is None else builtins.pow(base, exp, mod)


def _check_lshift(a: Any, b: Any) -> None:
    if isinstance(a, int) and isinstance(b, int) and a and b > 0:
        check_bits(a.bit_length() + b, "左移（<<）")


def guarded_lshift(a: Any, b: Any) -> Any:
    """`a << b`."""
    _check_lshift(a, b)
    return a << b


def _printf_widths(fmt: str | bytes, args: Any) -> int:
    """The sum of the widths and precisions of a %-format; a `*` takes its number from the arguments."""
    text = fmt.decode("latin-1") if isinstance(fmt, bytes) else fmt
    values = args if isinstance(args, tuple) else (args,)
    total, position, i, n = 0, 0, 0, len(text)
    while (i := text.find("%", i)) >= 0:
        i += 1
        if i < n and text[i] == "(":  # a mapping key, whose parentheses may nest
            depth = 0
            while i < n:
                depth += {"(": 1, ")": -1}.get(text[i], 0)
                i += 1
                if depth == 0:
                    break
        while i < n and text[i] in "-+ #0":
            i += 1
        for part in ("width", "precision"):
            if part == "precision":
                if i >= n or text[i] != ".":
                    break
                i += 1
            if i < n and text[i] == "*":
                value = values[position] if position < len(values) else 0
                total += abs(value) if isinstance(value, int) else 0
                position, i = position + 1, i + 1
                continue
            start = i
            while i < n and "0" <= text[i] <= "9":
                i += 1
            total += int(text[start:i] or 0) if i - start <= 15 else MAX_ITEMS + 1
        while i < n and text[i] in "hlL":
            i += 1
        if i < n and text[i] != "%":
            position += 1
        i += 1
    return total


def _check_mod(a: Any, b: Any) -> None:
    if isinstance(a, _TEXT):
        fixed = len(a) + _printf_widths(a, b)
        check_items(fixed, "% 格式化")
        check_rendered(b, "% 格式化的参数", MAX_ITEMS - fixed)


def guarded_mod(a: Any, b: Any) -> Any:
    """`a % b`: a remainder, or %-formatting of text."""
    _check_mod(a, b)
    return a % b


_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow, "<<=": operator.ilshift,
    ">>=": operator.irshift, "|=": operator.ior, "^=": operator.ixor, "&=": operator.iand,
    "@=": operator.imatmul,
}  # fmt: skip
_INPLACE_CHECKS: dict[str, Callable[[Any, Any], None]] = {
    "+=": _check_add, "*=": _check_mul, "<<=": _check_lshift, "%=": _check_mod,
}  # fmt: skip


def guarded_inplace(op: str, target: Any, value: Any) -> Any:
    """`target op= value` (RestrictedPython's `_inplacevar_`), checked like the plain operators."""
    if op == "**=":
        return guarded_pow(target, value)
    check = _INPLACE_CHECKS.get(op)
    if check is not None:
        check(target, value)
    return _INPLACE[op](target, value)


def _check_spec(spec: str) -> None:
    # Width and precision are the only numbers of a format spec that make its result long; a digit used as
    # the fill character is counted too, which only errs on the safe side.
    total = sum(int(run) if len(run) <= 15 else MAX_ITEMS + 1 for run in _SPEC_NUMBER.findall(spec))
    check_items(total, "格式说明")


def guarded_format(value: Any, conversion: int, spec: str) -> str:
    """One replacement field of an f-string: `{value!conversion:spec}`."""
    check_rendered(value, "f 字符串中的值")
    if conversion == ord("s"):
        value = str(value)
    elif conversion == ord("r"):
        value = repr(value)
    elif conversion == ord("a"):
        value = ascii(value)
    if spec:
        _check_spec(spec)
    return format(value, spec)


def guarded_starred(value: Any, count: int) -> Any:
    """An unpacked operand `*value` of a list or tuple display with `count` such operands."""
    if hasattr(value, "__len__"):
        check_items(len(value) * count, "解包（*）")
    return value


class _ListWriter:
    """What `_write_(a_list)` returns: item assignment as usual, slice assignment checked for growth."""

    __slots__ = ("_target",)

    def __init__(self, target: list[Any]) -> None:
        self._target = target

    def __setitem__(self, key: Any, value: Any) -> None:
        if isinstance(key, slice):
            if not hasattr(value, "__len__"):
                value = list(value)
            replaced = len(range(*key.indices(len(self._target))))
            check_items(len(self._target) - replaced + len(value), "切片赋值")
        self._target[key] = value

    def __delitem__(self, key: Any) -> None:
        del self._target[key]


def guarded_write(obj: Any) -> Any:
    """RestrictedPython's `_write_`: `lst[a:b] = many` could double a list per statement."""
    if type(obj) is list:
        return _ListWriter(obj)
    return full_write_guard(obj)


class BoundedPrint(PrintCollector):
    """print() for scripts: what it prints is converted to text in C, so its size is checked first."""

    def _call_print(self, *objects: Any, **kwargs: Any) -> None:
        check_rendered(objects, "print() 的内容")
        super()._call_print(*objects, **kwargs)


def oversized_exception(exc: BaseException) -> ScriptLimitExceeded | None:
    """A short replacement for an exception whose message (or that of one it chains to) would be huge."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 20:
        try:
            check_rendered(current.args, "异常信息")
        except ScriptLimitExceeded as problem:
            return problem
        current = current.__cause__ or current.__context__
        seen += 1
    return None
