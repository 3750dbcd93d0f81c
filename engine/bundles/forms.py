"""form-js form definitions: load and check them, and validate submissions with marshmallow."""

from __future__ import annotations

import json
import keyword
import math
import re
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, time
from functools import lru_cache
from pathlib import Path, PurePath
from typing import Any

import re2
from marshmallow import RAISE, Schema, ValidationError, fields
from marshmallow.validate import Length, OneOf, Range, Validator

from engine import bounded_json
from engine.errors import FormInvalid, ModelInvalid, Problem

Scalar = str | int | float | bool

REQUIRED = "此项为必填项"
UNKNOWN = "未知字段"
BAD_CHOICE = "选项无效"
INPUT_TYPES = frozenset({"textfield", "textarea", "number", "datetime", "select", "radio", "checkbox", "checklist", "taglist"})
DISPLAY_TYPES = frozenset({"text", "image", "spacer", "separator"})
CHOICE_TYPES = frozenset({"select", "radio", "checklist", "taglist"})
_TEXT_TYPES = frozenset({"textfield", "textarea"})
_RULES = {"required": INPUT_TYPES, "minLength": _TEXT_TYPES, "maxLength": _TEXT_TYPES, "pattern": _TEXT_TYPES}
_RULES.update(min=frozenset({"number"}), max=frozenset({"number"}))
_KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_DATE_MESSAGES = {"date": "应为日期（YYYY-MM-DD）", "datetime": "应为日期时间（ISO 8601）", "time": "应为时间（HH:MM）"}
# A text field without a maxLength of its own still has one: a form step records facts, not whole documents.
DEFAULT_MAX_LENGTH = {"textfield": 500, "textarea": 10_000}
# Choices a checklist or taglist may hold when its options come from task data (static options bound it themselves).
MAX_LIST_ITEMS = 200
# Forms nest groups a few levels deep; far deeper documents would exhaust the recursive checks and rendering.
MAX_FORM_NESTING = 32
# Options of `valuesKey` fields come from task data, which changes per validation, not per schema.
_OPTIONS: ContextVar[Mapping[str, Any]] = ContextVar("form_options")


@dataclass(frozen=True)
class FieldDef:
    """One input field of a form."""

    key: str
    type: str
    label: str = ""
    required: bool = False
    subtype: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    minimum: int | float | None = None
    maximum: int | float | None = None
    options: tuple[tuple[str, Scalar], ...] = ()
    values_key: str | None = None
    readonly: bool = False


@dataclass(frozen=True)
class FormDefinition:
    """A checked form: its id, title and input fields (display-only components dropped)."""

    id: str
    title: str | None
    fields: tuple[FieldDef, ...]
    source: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def keys(self) -> tuple[str, ...]:
        """The keys of all input fields, in form order."""
        return tuple(f.key for f in self.fields)


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, bool, int)) or (isinstance(value, float) and math.isfinite(value))


def _number(value: Any) -> bool:
    return _scalar(value) and isinstance(value, (int, float)) and not isinstance(value, bool)


def _walk(components: Any, where: str, problems: list[str]) -> Iterator[Mapping[str, Any]]:
    if not isinstance(components, list):
        problems.append(f"{where}的 components 应为列表")
        return
    for index, comp in enumerate(components):
        if not isinstance(comp, Mapping) or not isinstance(comp.get("type"), str):
            problems.append(f"{where}第 {index + 1} 个组件缺少 type")
        elif comp["type"] == "group":
            if comp.get("path"):
                problems.append(f"分组 {comp.get('label', index + 1)} 不支持 path（嵌套数据）")
            yield from _walk(comp.get("components", []), f"分组 {comp.get('label', index + 1)} ", problems)
        else:
            yield comp


def _options(comp: Mapping[str, Any], key: str, problems: list[str]) -> tuple[tuple[str, Scalar], ...]:
    values = comp.get("values")
    if not isinstance(values, list) or not values:
        problems.append(f"字段 {key} 的 values 应为非空列表")
        return ()
    options: list[tuple[str, Scalar]] = []
    for item in values:
        if not isinstance(item, Mapping) or not _scalar(item.get("value")):
            problems.append(f"字段 {key} 的选项应为 {{label, value}}，value 为文本、数字或布尔值")
        else:
            options.append((str(item.get("label", item["value"])), item["value"]))
    return tuple(options)


def _rules(comp: Mapping[str, Any], key: str, kind: str, problems: list[str]) -> dict[str, Any]:
    rules = comp.get("validate") or {}
    if not isinstance(rules, Mapping):
        problems.append(f"字段 {key} 的 validate 应为对象")
        return {}
    for name, value in rules.items():
        if kind not in _RULES.get(name, frozenset()):
            problems.append(f"字段 {key}（{kind}）不支持校验规则 {name}")
        elif name == "required" and not isinstance(value, bool):
            problems.append(f"字段 {key} 的 required 应为 true 或 false")
        elif name in ("minLength", "maxLength") and not (_number(value) and int(value) == value >= 0):
            problems.append(f"字段 {key} 的 {name} 应为非负整数")
        elif name in ("min", "max") and not _number(value):
            problems.append(f"字段 {key} 的 {name} 应为数字")
        elif name == "pattern" and (problem := _pattern_problem(key, value)) is not None:
            problems.append(problem)
    return dict(rules)


# JavaScript writes a code point as \uXXXX, RE2 as \x{XXXX}; an even run of backslashes before it escapes itself.
_JS_CODE_POINT = re.compile(r"(?<!\\)((?:\\\\)*)\\u([0-9A-Fa-f]{4})")


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> Any:
    """A form's `pattern` compiled by RE2, which matches in time linear in the value's length.

    Patterns come from process owners and values from anyone filling in the form: with a backtracking engine
    (Python's `re`), `^(a+)+$` takes seconds on 28 characters. RE2 refuses what it cannot match in linear
    time (backreferences, lookaround) with re2.error.
    """
    options = re2.Options()
    options.log_errors = False  # a refused pattern is reported to the process owner; the library need not log it
    return re2.compile(_JS_CODE_POINT.sub(r"\1\\x{\2}", pattern), options)


def _pattern_problem(key: str, value: Any) -> str | None:
    if not isinstance(value, str):
        return f"字段 {key} 的正则表达式应为文本：{value!r}"
    try:
        compile_pattern(value)
    except (re2.error, UnicodeError) as exc:
        detail = exc.args[0] if exc.args else ""
        detail = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
        try:
            re.compile(value)
        except re.error:
            return f"字段 {key} 的正则表达式无效：{value!r}（{detail}）"
        return (
            f"字段 {key} 的正则表达式不受支持：{value!r}（{detail}）；"
            "为保证校验不会耗时失控，不能使用反向引用（如 \\1）、前后断言（如 (?=…)、(?<=…)）等需要回溯的写法"
        )
    return None


def max_length(fd: FieldDef) -> int | None:
    """The most characters a text field takes: its own maxLength, else the default of its type."""
    return fd.max_length if fd.max_length is not None else DEFAULT_MAX_LENGTH.get(fd.type)


def _field_def(comp: Mapping[str, Any], problems: list[str]) -> FieldDef | None:
    kind, key = comp["type"], comp.get("key")
    if not isinstance(key, str) or not _KEY_RE.match(key) or keyword.iskeyword(key) or key == "typename":
        problems.append(f"{kind} 组件的 key 无效：{key!r}（须为字母开头的英文标识符，且不能是 typename）")
        return None
    for unsupported in ("conditional", "valuesExpression", "serializeToString"):
        if comp.get(unsupported):
            problems.append(f"字段 {key} 使用了不支持的属性 {unsupported}")
    readonly = comp.get("readonly", False) or comp.get("disabled", False)
    if not isinstance(readonly, bool):
        problems.append(f"字段 {key} 的 readonly/disabled 只能是 true 或 false")
    rules = _rules(comp, key, kind, problems)
    subtype = comp.get("subtype", "date") if kind == "datetime" else None
    if subtype not in (None, "date", "datetime", "time"):
        problems.append(f"字段 {key} 的日期类型无效：{subtype!r}")
    options: tuple[tuple[str, Scalar], ...] = ()
    values_key = comp.get("valuesKey")
    if kind in CHOICE_TYPES:
        if values_key is not None:
            if not isinstance(values_key, str) or not _KEY_RE.match(values_key):
                problems.append(f"字段 {key} 的 valuesKey 无效：{values_key!r}")
            if "values" in comp:
                problems.append(f"字段 {key} 不能同时有 values 和 valuesKey")
        else:
            options = _options(comp, key, problems)
    return FieldDef(
        key=key,
        type=kind,
        label=str(comp.get("label", "")),
        required=rules.get("required") is True,
        subtype=subtype,
        min_length=rules.get("minLength"),
        max_length=rules.get("maxLength"),
        pattern=rules.get("pattern"),
        minimum=rules.get("min"),
        maximum=rules.get("max"),
        options=options,
        values_key=values_key if kind in CHOICE_TYPES else None,
        readonly=readonly is True,
    )


def load_form(obj: Mapping[str, Any], file_name: str = "") -> FormDefinition:
    """Check a form-js definition and return it; raise ModelInvalid listing every problem."""
    problems: list[str] = []
    defs: list[FieldDef] = []
    if not isinstance(obj, Mapping) or not isinstance(obj.get("id"), str) or not obj["id"]:
        raise ModelInvalid([Problem(file_name, None, "表单缺少 id")])
    if file_name.endswith(".json") and PurePath(file_name).stem != obj["id"]:
        problems.append(f"表单 id {obj['id']} 应与文件名一致")
    for comp in _walk(obj.get("components"), "表单", problems):
        if comp["type"] in DISPLAY_TYPES:
            continue
        if comp["type"] not in INPUT_TYPES:
            problems.append(f"不支持的组件类型：{comp['type']}")
        elif (definition := _field_def(comp, problems)) is not None:
            if definition.key in {d.key for d in defs}:
                problems.append(f"字段 key 重复：{definition.key}")
            defs.append(definition)
    if problems:
        raise ModelInvalid([Problem(file_name, None, reason) for reason in problems])
    title = obj.get("title") or obj.get("name")
    return FormDefinition(obj["id"], str(title) if title else None, tuple(defs), source=obj)


def form_from_file(path: str | Path) -> FormDefinition:
    """Load and check a form definition from a JSON file."""
    path = Path(path)
    return form_from_bytes(path.read_bytes(), path.name)


def form_from_bytes(content: bytes, file_name: str) -> FormDefinition:
    """Load and check a form definition from a file's content (UTF-8 JSON); raise ModelInvalid naming the problem."""
    try:
        obj = bounded_json.loads(content, MAX_FORM_NESTING)
    except json.JSONDecodeError as exc:
        raise ModelInvalid([Problem(file_name, exc.lineno, f"表单不是有效的 JSON：{exc.msg}")]) from exc
    except UnicodeDecodeError as exc:
        raise ModelInvalid([Problem(file_name, None, "文件应为 UTF-8 编码")]) from exc
    except bounded_json.RefusedJson as exc:
        raise ModelInvalid([Problem(file_name, None, f"表单不能保存：{exc.reason}")]) from exc
    if bounded_json.holds_lone_surrogate(obj):
        raise ModelInvalid([Problem(file_name, None, f"表单不能保存：{bounded_json.LONE_SURROGATE}")])
    return load_form(obj, file_name=file_name)


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
            "number": _number(value),
            "bool": isinstance(value, bool),
            "option": _scalar(value),
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


def _bounds_message(low: float | None, high: float | None, what: str, unit: str) -> str:
    if low is None:
        return f"{what}不能超过 {high}{unit}"
    if high is None:
        return f"{what}不能少于 {low}{unit}"
    return f"{what}应在 {low} 到 {high}{unit or ' '}之间"


def _marshmallow_field(fd: FieldDef) -> fields.Field[Any]:
    common: dict[str, Any] = {"data_key": fd.key, "required": fd.required}
    if fd.type in _TEXT_TYPES:
        checks: list[Any] = []
        longest = max_length(fd)
        if fd.min_length is not None or longest is not None:
            error = _bounds_message(fd.min_length, longest, "长度", " 个字符")
            checks.append(Length(min=fd.min_length, max=longest, error=error))
        if fd.pattern:
            checks.append(_Search(fd.pattern, error="格式不正确"))
        return _Scalar("text", validate=checks, error_messages=_messages("应为文本"), **common)
    if fd.type == "number":
        checks = []
        if fd.minimum is not None or fd.maximum is not None:
            error = _bounds_message(fd.minimum, fd.maximum, "数值", "")
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
    one_of = _StrictOneOf(tuple(value for _, value in fd.options), fd.values_key)
    option = _Scalar("option", validate=one_of, error_messages=_messages(BAD_CHOICE))
    if fd.type in ("checklist", "taglist"):
        most = len(fd.options) if fd.values_key is None else MAX_LIST_ITEMS
        return fields.List(option, validate=Length(max=most, error=f"最多选择 {most} 项"),
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
        raise FormInvalid({"payload": [f"消息内容过大：序列化后为 {size} 字节，不能超过 {limit} 字节"]})


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
    return clean
