"""What scripts see in place of some builtins and methods: the same behaviour, with the size of the result checked.

A builtin type is replaced by a stand-in whose calls are checked while isinstance(), issubclass() and
attribute access still see the type itself; a method that takes a size or grows its result from its
arguments is wrapped when a script reads it (see the getattr guard of engine/bundles/scripting.py).
"""

from __future__ import annotations

import builtins
import itertools
from collections.abc import Callable, Mapping
from typing import Any

from engine.bundles.script_guards import (
    MAX_ITEMS,
    ScriptLimitExceeded,
    check_bits,
    check_input,
    check_items,
    check_rendered,
    decimal_digits,
    guarded_pow,
)

_TEXT = (str, bytes)


def guarded_range(*args: int) -> range:
    """range(), at most MAX_ITEMS long: it is lazy, but sum() or list() over it loop in C."""
    result = range(*args)
    if len(result) > MAX_ITEMS:
        raise ScriptLimitExceeded(f"range 过大（上限 {MAX_ITEMS:,} 项）")
    return result


def guarded_repr(value: Any) -> str:
    """repr()."""
    check_rendered(value, "repr() 的参数")
    return repr(value)


def guarded_sorted(iterable: Any, /, *, key: Any = None, reverse: bool = False) -> list[Any]:
    """sorted()."""
    items = iterable if hasattr(iterable, "__len__") else list(iterable)
    check_input(items, "排序（sorted）")
    return builtins.sorted(items, key=key, reverse=reverse)


def guarded_sum(iterable: Any, /, start: Any = 0) -> Any:
    """sum(); lists and tuples are concatenated in linear time, not by repeated `+` (quadratic, in C)."""
    if not isinstance(start, (list, tuple)):
        return builtins.sum(iterable, start)
    kind = type(start)
    items = list(iterable)
    # map() keeps these loops in C: Python code here runs slowly while the script's trace function is set.
    others = set(map(type, items)) - {kind}
    if others:
        other = others.pop().__name__
        raise TypeError(f'can only concatenate {kind.__name__} (not "{other}") to {kind.__name__}')
    check_items(len(start) + builtins.sum(map(len, items)), "求和（sum）")
    return kind(itertools.chain(start, *items))


def guarded_round(number: Any, ndigits: Any = None) -> Any:
    """round(); CPython rounds an integer to -n digits by computing 10**n, however large n is."""
    if isinstance(number, int) and isinstance(ndigits, int) and -ndigits > decimal_digits(number) + 1:
        return 0  # |number| < 10**(-ndigits) / 2
    return builtins.round(number, ndigits)


class _StandIn(type):
    """Metaclass of the stand-ins for builtin types: calling one is checked; isinstance, issubclass and
    attribute access (through the script's getattr guard) behave as with the builtin type itself."""

    _base: type
    _make: Callable[..., Any]

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, cls._base)

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(real_type(sub), cls._base)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return cls._make(*args, **kwargs)

    def __repr__(cls) -> str:
        return repr(cls._base)


def _stand_in(base: type, make: Callable[..., Any]) -> type:
    return _StandIn(base.__name__, (), {"_base": base, "_make": staticmethod(make)})


def real_type(obj: Any) -> Any:
    """The builtin type behind a stand-in; anything else unchanged."""
    return obj._base if isinstance(obj, _StandIn) else obj


def _make_str(*args: Any, **kwargs: Any) -> str:
    if len(args) == 1 and not kwargs:
        check_rendered(args[0], "str() 的参数")
    return str(*args, **kwargs)


def _make_int(*args: Any, **kwargs: Any) -> int:
    # Parsing is linear for bases that are powers of two and capped by CPython for the others; the check
    # keeps later operations (division is quadratic) on numbers of bounded size.
    result = int(*args, **kwargs)
    check_bits(result.bit_length(), "整数转换（int）")
    return result


def _sized(base: type) -> Callable[..., Any]:
    def make(*args: Any, **kwargs: Any) -> Any:
        if args:
            check_input(args[0], f"转换（{base.__name__}）")
        return base(*args, **kwargs)

    return make


BUILTINS: dict[str, Any] = {
    "str": _stand_in(str, _make_str),
    "int": _stand_in(int, _make_int),
    "list": _stand_in(list, _sized(list)),
    "tuple": _stand_in(tuple, _sized(tuple)),
    "set": _stand_in(set, _sized(set)),
    "dict": _stand_in(dict, _sized(dict)),
    "range": guarded_range,
    "repr": guarded_repr,
    "pow": guarded_pow,
    "round": guarded_round,
    "sum": guarded_sum,
    "sorted": guarded_sorted,
}


# Methods that take a size, or grow their result from their arguments. A guard receives the real method
# (`call`), the object it belongs to and the script's arguments.

Guard = Callable[..., Any]


def _padded(call: Callable[..., Any], receiver: Any, *args: Any, **kwargs: Any) -> Any:
    if args and isinstance(args[0], int):
        check_items(args[0], "填充（ljust/rjust/center/zfill）")
    return call(*args, **kwargs)


def _expandtabs(call: Callable[..., Any], receiver: Any, *args: Any, **kwargs: Any) -> Any:
    size = args[0] if args else kwargs.get("tabsize", 8)
    if isinstance(size, int) and isinstance(receiver, _TEXT):
        tabs = receiver.count("\t") if isinstance(receiver, str) else receiver.count(b"\t")
        check_items(len(receiver) + tabs * size, "制表符展开（expandtabs）")
    return call(*args, **kwargs)


def _replace(call: Callable[..., Any], receiver: Any, *args: Any, **kwargs: Any) -> Any:
    if len(args) >= 2 and isinstance(receiver, _TEXT):
        old: Any = args[0]
        new: Any = args[1]
        count = args[2] if len(args) > 2 else kwargs.get("count", -1)
        if isinstance(old, type(receiver)) and isinstance(new, type(receiver)) and len(new) > len(old):
            text: Any = receiver
            hits = text.count(old) if old else len(text) + 1
            if isinstance(count, int) and count >= 0:
                hits = min(hits, count)
            check_items(len(text) + hits * (len(new) - len(old)), "替换（replace）")
    return call(*args, **kwargs)


def _join(call: Callable[..., Any], receiver: Any, iterable: Any, *args: Any) -> Any:
    items = iterable if isinstance(iterable, (list, tuple)) else list(iterable)
    if isinstance(receiver, _TEXT):
        try:
            parts = builtins.sum(map(len, items))
        except TypeError:
            return call(items, *args)  # an item that is not text: join itself reports it
        check_items(parts + len(receiver) * max(len(items) - 1, 0), "拼接（join）")
    return call(items, *args)


def _translate(call: Callable[..., Any], receiver: Any, *args: Any) -> Any:
    table = args[0] if args else None
    # Any object with __getitem__ is a table; a mapping or sequence of long strings multiplies the text.
    values = table.values() if isinstance(table, Mapping) else table if isinstance(table, (list, tuple)) else ()
    if isinstance(receiver, str):
        longest = max((len(v) for v in values if isinstance(v, str)), default=1)
        check_items(len(receiver) * longest, "字符映射（translate）")
    return call(*args)


def _extend(call: Callable[..., Any], receiver: Any, iterable: Any) -> Any:
    items = iterable if hasattr(iterable, "__len__") else list(iterable)
    if isinstance(receiver, list):
        check_items(len(receiver) + len(items), "追加（extend）")
    return call(items)


def _sort(call: Callable[..., Any], receiver: Any, *args: Any, **kwargs: Any) -> Any:
    check_input(receiver, "排序（sort）")
    return call(*args, **kwargs)


def _index(call: Callable[..., Any], receiver: Any, *args: Any) -> Any:
    if args:
        check_rendered(args[0], "index() 的参数")  # a value not found is written into the error message, in C
    return call(*args)


def _to_bytes(call: Callable[..., Any], receiver: Any, *args: Any, **kwargs: Any) -> Any:
    length = args[0] if args else kwargs.get("length", 1)
    if isinstance(length, int):
        check_items(length, "整数转字节（to_bytes）")
    return call(*args, **kwargs)


def _from_bytes(call: Callable[..., Any], receiver: Any, *args: Any, **kwargs: Any) -> Any:
    data: Any = args[0] if args else kwargs.get("bytes")
    if hasattr(data, "__len__"):
        check_bits(len(data) * 8, "字节转整数（from_bytes）")
    return call(*args, **kwargs)


def _fromkeys(call: Callable[..., Any], receiver: Any, *args: Any) -> Any:
    if args:
        check_input(args[0], "建立字典（fromkeys）")
    return call(*args)


# name → (types whose method it is, guard, whether it is a class method)
_METHODS: dict[str, tuple[tuple[type, ...], Guard, bool]] = {
    "ljust": (_TEXT, _padded, False),
    "rjust": (_TEXT, _padded, False),
    "center": (_TEXT, _padded, False),
    "zfill": (_TEXT, _padded, False),
    "expandtabs": (_TEXT, _expandtabs, False),
    "replace": (_TEXT, _replace, False),
    "join": (_TEXT, _join, False),
    "translate": ((str,), _translate, False),
    "extend": ((list,), _extend, False),
    "sort": ((list,), _sort, False),
    "index": ((list,), _index, False),
    "to_bytes": ((int,), _to_bytes, False),
    "from_bytes": ((int,), _from_bytes, True),
    "fromkeys": ((dict,), _fromkeys, True),
}


def guard_attribute(obj: Any, name: str, value: Any) -> Any:
    """`value` (the attribute `name` of `obj`), wrapped in its size guard if it is one of the guarded methods."""
    entry = _METHODS.get(name)
    if entry is None:
        return value
    types, guard, class_method = entry
    on_type = isinstance(obj, type) and issubclass(obj, types)
    if isinstance(obj, types) or (class_method and on_type):

        def bound(*args: Any, **kwargs: Any) -> Any:
            return guard(value, obj, *args, **kwargs)

        return bound
    if on_type:  # `str.join(sep, items)`: the object comes first among the arguments

        def unbound(receiver: Any, *args: Any, **kwargs: Any) -> Any:
            def call(*rest: Any, **options: Any) -> Any:
                return value(receiver, *rest, **options)

            return guard(call, receiver, *args, **kwargs)

        return unbound
    return value
