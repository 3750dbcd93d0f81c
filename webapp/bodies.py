"""What a request body may be: JSON no deeper and no larger than a form ever needs, and text that can be stored."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider

# The procedure's deepest documents (form data, message payloads) nest three or four levels; a bound far above
# that keeps Python's recursive parser and every recursive check after it clear of the interpreter's stack limit.
MAX_JSON_DEPTH = 64
# JSON bodies of the API carry form data and messages, never files; uploads (multipart) keep the app's own limit.
MAX_JSON_BYTES = 1024 * 1024
API_PREFIX = "/api/"

TOO_DEEP = f"JSON 嵌套层级过深（最多 {MAX_JSON_DEPTH} 层）"
NOT_FINITE = "JSON 中含有不允许的数值（NaN、Infinity 或超出范围的数字）"
TOO_MANY_DIGITS = "JSON 中的数字位数过多"
LONE_SURROGATE = "不能包含无效的 Unicode 字符（孤立的代理项）"

_SURROGATE = re.compile("[\ud800-\udfff]")


class RefusedJson(ValueError):
    """JSON this app does not take (too deep, NaN or infinite numbers, overlong integers); `reason` says why in Chinese."""

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


def depth(value: Any) -> int:
    """How deeply lists and objects nest in a parsed JSON value (a scalar is 0), counted without recursion."""
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
        if deepest > MAX_JSON_DEPTH:
            return deepest
        pending.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def loads(data: str | bytes, **kwargs: Any) -> Any:
    """Parse a JSON document; raise ValueError if it is not JSON (RefusedJson if too deep or non-finite)."""
    text = data.decode("utf-8") if isinstance(data, (bytes, bytearray)) else data  # JSON on the wire is UTF-8
    kwargs.setdefault("parse_constant", _refuse_constant)
    kwargs.setdefault("parse_float", _finite)
    try:
        value = json.loads(text, **kwargs)
    except RecursionError as exc:
        raise RefusedJson(TOO_DEEP) from exc
    except RefusedJson:
        raise
    except json.JSONDecodeError:
        raise
    except ValueError as exc:  # an integer longer than Python converts
        raise RefusedJson(TOO_MANY_DIGITS) from exc
    # Fewer brackets than the bound cannot nest deeper than it: most documents skip the walk.
    if text.count("[") + text.count("{") > MAX_JSON_DEPTH and depth(value) > MAX_JSON_DEPTH:
        raise RefusedJson(TOO_DEEP)
    return value


def has_lone_surrogate(text: str) -> bool:
    """Whether text holds a surrogate code point, which no UTF-8 column or response can carry."""
    return _SURROGATE.search(text) is not None


def printable_key(text: str) -> str:
    """A key as it can be named in a response: lone surrogates written as their escapes."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


class JsonProvider(DefaultJSONProvider):
    """Flask's JSON with the bounds above on what it reads, and responses that always encode."""

    ensure_ascii = False  # Chinese stays readable in responses

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse JSON within the app's bounds (request.get_json ends here)."""
        return loads(s, **kwargs)

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """Serialize; a lone surrogate (unencodable as UTF-8) is written as its escape rather than failing."""
        text = super().dumps(obj, **kwargs)
        return super().dumps(obj, **{**kwargs, "ensure_ascii": True}) if has_lone_surrogate(text) else text


def bound_api_bodies() -> None:
    """API bodies other than uploads are JSON; a larger one is refused (413) before it is read."""
    if request.path.startswith(API_PREFIX) and request.mimetype != "multipart/form-data":
        limit = request.max_content_length
        request.max_content_length = MAX_JSON_BYTES if limit is None else min(limit, MAX_JSON_BYTES)


def install(app: Flask) -> None:
    """Attach the JSON bounds to the app."""
    app.json = JsonProvider(app)
    app.before_request(bound_api_bodies)
