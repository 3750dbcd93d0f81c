"""JSON from outside (request bodies, uploaded form files, holiday schedules): bounded depth, finite numbers, storable text."""

from __future__ import annotations

import json
import math
import re
from typing import Any

# The procedure's deepest documents (form data, message payloads, forms with groups) nest a few levels; a bound far
# above that keeps Python's recursive parser and every recursive check after it clear of the interpreter's stack.
MAX_DEPTH = 64
NOT_FINITE = "JSON 中含有不允许的数值（NaN、Infinity 或超出范围的数字）"
TOO_MANY_DIGITS = "JSON 中的数字位数过多"
LONE_SURROGATE = "不能包含无效的 Unicode 字符（孤立的代理项）"

_SURROGATE = re.compile("[\ud800-\udfff]")


def too_deep(limit: int) -> str:
    """The reason given for a document nested deeper than `limit`."""
    return f"JSON 嵌套层级过深（最多 {limit} 层）"


class RefusedJson(ValueError):
    """JSON rcjc does not take (too deep, NaN or infinite numbers, overlong integers); `reason` says why in Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _refuse_constant(name: str) -> Any:
    raise RefusedJson(NOT_FINITE)


def _finite(text: str) -> float:
    # 1e999 parses as infinity, which neither JSON nor PostgreSQL's json columns can hold.
    value = float(text)
    if not math.isfinite(value):
        raise RefusedJson(NOT_FINITE)
    return value


def depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """How deeply lists and objects nest in a parsed value (a scalar is 0), counted without recursion; stops past `limit`."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level + 1)
        if deepest > limit:
            return deepest
        pending.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def loads(data: str | bytes, limit: int = MAX_DEPTH, **kwargs: Any) -> Any:
    """Parse a JSON document (bytes are UTF-8); JSONDecodeError if it is not JSON, RefusedJson if out of bounds."""
    text = data.decode("utf-8") if isinstance(data, (bytes, bytearray)) else data
    kwargs.setdefault("parse_constant", _refuse_constant)
    kwargs.setdefault("parse_float", _finite)
    try:
        value = json.loads(text, **kwargs)
    except RecursionError as exc:
        raise RefusedJson(too_deep(limit)) from exc
    except (RefusedJson, json.JSONDecodeError):
        raise
    except ValueError as exc:  # an integer longer than Python converts
        raise RefusedJson(TOO_MANY_DIGITS) from exc
    # Fewer brackets than the bound cannot nest deeper than it: most documents skip the walk.
    if text.count("[") + text.count("{") > limit and depth(value, limit) > limit:
        raise RefusedJson(too_deep(limit))
    return value


def has_lone_surrogate(text: str) -> bool:
    """Whether text holds a surrogate code point, which no UTF-8 column or response can carry."""
    return _SURROGATE.search(text) is not None


def holds_lone_surrogate(value: Any) -> bool:
    """Whether any text of a parsed value, keys included, holds a lone surrogate."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if has_lone_surrogate(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False
