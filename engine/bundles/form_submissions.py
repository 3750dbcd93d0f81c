"""What is submitted: a form's values checked against its definition (with marshmallow), and any submitted data
checked for the serializer's type marker and for size."""

from __future__ import annotations

import json
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import date, time
from functools import lru_cache
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields
from marshmallow.validate import Length, OneOf, Range, Validator

from engine.bundles.form_conditions import REQUIRED, check_rules
from engine.bundles.form_definitions import (
    FILE_TYPES,
    MAX_FILES,
    TEXT_TYPES,
    FieldDef,
    FormDefinition,
    Scalar,
    compile_pattern,
    is_number,
    is_scalar,
    max_length,
)
from engine.errors import FormInvalid, Message

UNKNOWN = "未知字段"
BAD_CHOICE = "选项无效"
_DATE_MESSAGES = {"date": "应为日期（YYYY-MM-DD）", "datetime": "应为日期时间（ISO 8601）", "time": "应为时间（HH:MM）"}
# Choices a checklist or taglist may hold when its options come from task data (static options bound it themselves).
MAX_LIST_ITEMS = 200
# Options of `valuesKey` fields come from task data, which changes per validation, not per schema.
_OPTIONS: ContextVar[Mapping[str, Any]] = ContextVar("form_options")


def _same(a: Any, b: Any) -> bool:
    # True == 1 in Python; a boolean option must not accept the number 1, nor the reverse.
    return bool(a == b) and isinstance(a, bool) == isinstance(b, bool) and isinstance(a, str) == isinstance(b, str)


class _StrictOneOf(OneOf):
    """OneOf without bool/int confusion; choices may come from task data (`valuesKey`)."""

    def __init__(self, choices: tuple[Scalar, ...], values_key: str | None) -> None:
        super().__init__(choices, error=BAD_CHOICE)
        self.values_key = values_key

    def __call__(self, value: Any) -> Any:
        choices = self.choices
        if self.values_key is not None:
            raw = _OPTIONS.get({}).get(self.values_key)
            items = raw if isinstance(raw, list) else []
            choices = [i.get("value") if isinstance(i, Mapping) else i for i in items]
        if not any(_same(value, choice) for choice in choices):
            raise ValidationError(BAD_CHOICE)
        return value


class _Scalar(fields.Field[Any]):
    """A JSON value of one kind: text, number (int or float, never bool), boolean, or an option."""

    def __init__(self, kind: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kind = kind

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> Any:
        ok = {
            "text": isinstance(value, str),
            "number": is_number(value),
            "bool": isinstance(value, bool),
            "option": is_scalar(value),
        }[self.kind]
        if not ok:
            raise self.make_error("invalid")
        return value


class _Search(Validator):
    """form-js tests patterns with RegExp.test, i.e. anywhere in the value, not only at its start."""

    def __init__(self, pattern: str, error: str) -> None:
        self.regex = compile_pattern(pattern)
        self.message = error

    def __call__(self, value: Any) -> Any:
        try:
            found = self.regex.search(value)
        except UnicodeError:  # a lone surrogate, which RE2 (matching UTF-8) cannot take
            found = None
        if found is None:
            raise ValidationError(self.message)
        return value


def _messages(invalid: str) -> dict[str, Any]:
    return {"required": REQUIRED, "null": REQUIRED, "invalid": invalid, "format": invalid}


# Templates per bound: at most, at least, between.
_BOUNDS = {
    "length": ("长度不能超过 %(high)s 个字符", "长度不能少于 %(low)s 个字符", "长度应在 %(low)s 到 %(high)s 个字符之间"),
    "number": ("数值不能超过 %(high)s", "数值不能少于 %(low)s", "数值应在 %(low)s 到 %(high)s 之间"),
}


def _bounds_message(low: float | None, high: float | None, kind: str) -> str:
    most, least, between = _BOUNDS[kind]
    if low is None:
        return Message(most, high=high)
    if high is None:
        return Message(least, low=low)
    return Message(between, low=low, high=high)


def _marshmallow_field(fd: FieldDef) -> fields.Field[Any]:
    common: dict[str, Any] = {"data_key": fd.key, "required": fd.required}
    if fd.type in TEXT_TYPES:
        checks: list[Any] = []
        longest = max_length(fd)
        if fd.min_length is not None or longest is not None:
            error = _bounds_message(fd.min_length, longest, "length")
            checks.append(Length(min=fd.min_length, max=longest, error=error))
        if fd.pattern:
            checks.append(_Search(fd.pattern, error="格式不正确"))
        return _Scalar("text", validate=checks, error_messages=_messages("应为文本"), **common)
    if fd.type == "number":
        checks = []
        if fd.minimum is not None or fd.maximum is not None:
            error = _bounds_message(fd.minimum, fd.maximum, "number")
            checks.append(Range(min=fd.minimum, max=fd.maximum, error=error))
        return _Scalar("number", validate=checks, error_messages=_messages("应为数字"), **common)
    if fd.type == "checkbox":
        return _Scalar("bool", error_messages=_messages("应为是或否"), **common)
    if fd.type == "datetime":
        subtype = fd.subtype or "date"
        message = _messages(_DATE_MESSAGES[subtype])
        if subtype == "date":
            return fields.Date(error_messages=message, **common)
        if subtype == "time":
            return fields.Time(error_messages=message, **common)
        return fields.DateTime(format="iso", error_messages=message, **common)
    if fd.type in FILE_TYPES:
        most = MAX_FILES if fd.multiple else 1
        file_id = fields.Integer(strict=True, validate=Range(min=1, error="附件编号无效"),
                                 error_messages=_messages("附件编号无效"))
        return fields.List(file_id, validate=Length(max=most, error=Message("最多 %(most)s 个文件", most=most)),
                           error_messages=_messages("应为附件编号的列表"), **common)
    one_of = _StrictOneOf(tuple(value for _, value in fd.options), fd.values_key)
    option = _Scalar("option", validate=one_of, error_messages=_messages(BAD_CHOICE))
    if fd.type in ("checklist", "taglist"):
        most = len(fd.options) if fd.values_key is None else MAX_LIST_ITEMS
        return fields.List(option, validate=Length(max=most, error=Message("最多选择 %(most)s 项", most=most)),
                           error_messages=_messages("应为列表"), **common)
    return _Scalar("option", validate=one_of, error_messages=_messages(BAD_CHOICE), **common)


class _FormSchema(Schema):
    class Meta:
        unknown = RAISE

    error_messages = {"unknown": UNKNOWN, "type": "表单数据应为对象"}


@lru_cache(maxsize=512)
def _schema(form: FormDefinition) -> Schema:
    # One instance per form: building a schema binds and copies every field, which costs more than loading.
    # Loading keeps no state on the instance (per-call options travel in a context variable), so it is shared.
    return _schema_class(form)()


def _schema_class(form: FormDefinition) -> type[Schema]:
    # Attribute names are positional so that a form key like "load" cannot shadow Schema methods.
    declared = {f"f{i}": _marshmallow_field(fd) for i, fd in enumerate(form.fields) if not fd.readonly}
    return _FormSchema.from_dict(declared, name=f"FormSchema_{form.id}")


def has_typename(value: Any) -> bool:
    """Whether data carries the serializer's type marker, which would be revived as an object on the next load."""
    if isinstance(value, Mapping):
        return "typename" in value or any(has_typename(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(has_typename(v) for v in value)
    return False


def check_payload_size(payload: Any, limit: int) -> None:
    """Refuse (FormInvalid on `payload`) a message payload whose UTF-8 JSON form is larger than `limit` bytes."""
    try:
        size = len(json.dumps(payload, ensure_ascii=False, allow_nan=False, default=str).encode("utf-8"))
    except (ValueError, RecursionError) as exc:  # NaN, a lone surrogate, or nesting no JSON document has
        raise FormInvalid({"payload": ["消息内容不是有效的 JSON 数据"]}) from exc
    if size > limit:
        raise FormInvalid({"payload": [Message("消息内容过大：序列化后为 %(size)s 字节，不能超过 %(limit)s 字节",
                                               size=size, limit=limit)]})


def _blank(fd: FieldDef | None, value: Any) -> bool:
    if value is None or value == "":
        return True
    # A required checklist needs a choice and a required checkbox must be ticked, as in form-js.
    return fd is not None and fd.required and (value == [] or (fd.type == "checkbox" and value is False))


def _flatten(messages: Any) -> list[str]:
    if isinstance(messages, str):
        return [messages]
    found: list[str] = []
    items = messages.values() if isinstance(messages, Mapping) else messages
    for item in items:
        found.extend(m for m in _flatten(item) if m not in found)
    return found


def validate_submission(
    form: FormDefinition, data: Mapping[str, Any], context: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Return the submitted values of the form's own keys, cleaned; raise FormInvalid otherwise."""
    if not isinstance(data, Mapping):
        raise FormInvalid({"_schema": ["表单数据应为对象"]})
    by_key = {fd.key: fd for fd in form.fields}
    errors: dict[str, list[str]] = {}
    submitted: dict[str, Any] = {}
    for key, value in data.items():
        fd = by_key.get(key)
        if has_typename(value):
            errors[str(key)] = ["不允许的数据（含有 typename）"]
        elif fd is not None and fd.readonly:
            continue  # rendered for reading only; the browser may still post it back
        elif not _blank(fd, value):
            submitted[key] = value
        elif fd is None:
            errors[str(key)] = [UNKNOWN]
    token = _OPTIONS.set(context or {})
    try:
        loaded = _schema(form).load(submitted)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, Mapping) else {"_schema": exc.messages}
        for key, value in messages.items():
            errors.setdefault(str(key), _flatten(value))
        loaded = {}
    finally:
        _OPTIONS.reset(token)
    if errors:
        raise FormInvalid(errors)
    names = {f"f{i}": fd.key for i, fd in enumerate(form.fields)}
    # date covers datetime; only the datetime fields load as objects, lists hold plain options.
    clean = {names[a]: v.isoformat() if isinstance(v, (date, time)) else v for a, v in loaded.items()}
    # A browser posts nothing for an unticked box: it means "no", and conditions can rely on the key.
    for fd in form.fields:
        if fd.type == "checkbox" and not fd.readonly and fd.key not in clean:
            clean[fd.key] = False
    # Rules between fields and the case see the values as they will be stored.
    editable = [fd.key for fd in form.fields if not fd.readonly]
    if form.rules and (broken := check_rules(form.rules, clean, context or {}, editable)):
        raise FormInvalid(broken)
    return clean
